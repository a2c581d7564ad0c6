#!/usr/bin/env bash
# What this (Linux) machine can check for the platforms it cannot build for, Android and Apple:
#  1. the Rust targets install with rustup;
#  2. all the Rust code (the library and every dependency) type-checks for each target:
#     `cargo check --lib --target T`. ring's build script compiles a few C
#     files for the target, which needs the target's C compiler and libc headers (the NDK's clang,
#     Xcode's SDK). Here Debian's clang compiles them against four stub headers (string.h, stdlib.h,
#     assert.h, TargetConditionals.h); those objects are only type-checked, never linked or run.
#     Real builds: scripts/platforms/android.sh (NDK), scripts/platforms/apple.sh (Xcode).
#   scripts/platforms/check.sh            all of it
#   scripts/platforms/check.sh --install  first apt-get install clang and llvm (root)
# A target whose standard library rustup cannot download is reported and skipped (not an error):
# its code is the same as its device sibling's (e.g. aarch64-apple-ios-sim / aarch64-apple-ios).
set -euo pipefail
# shellcheck source=scripts/platforms/common.sh
. "$(dirname "$0")/common.sh"
cd "$repo"

if [ "${1:-}" = --install ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang llvm >/dev/null
fi

targets=(
  aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
  aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
  aarch64-apple-darwin x86_64-apple-darwin
)

# 1. rustup targets
installed=()
for t in "${targets[@]}"; do
  if add_target "$t" 2>/dev/null; then
    installed+=("$t")
  else
    log "check: SKIPPED $t: rustup could not install its standard library here"
  fi
done

# 2. cargo check with Debian's clang and stub headers for ring's C files
command -v clang >/dev/null || die "no clang: apt-get install clang llvm (or --install)"
ar="$(command -v llvm-ar || command -v ar)"
stubs="$repo/target/platforms/stub-include"
mkdir -p "$stubs"
cat >"$stubs/string.h" <<'H'
#pragma once
#include <stddef.h>
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
H
printf '#pragma once\n#include <stddef.h>\nvoid abort(void);\n' >"$stubs/stdlib.h"
printf '#pragma once\n#define assert(x) ((void)0)\n' >"$stubs/assert.h"
printf '#pragma once\n' >"$stubs/TargetConditionals.h"

check_env=(SDKROOT="$stubs")  # cc-rs asks xcrun for the Apple SDK unless SDKROOT is set
target_args=()
for t in "${installed[@]}"; do
  var="${t//-/_}"
  cflags="-nostdlibinc -isystem $stubs"
  case "$t" in *-android*) cflags="--target=${t/armv7/armv7a}21 $cflags" ;; esac
  check_env+=("CC_$var=clang" "AR_$var=$ar" "CFLAGS_$var=$cflags")
  target_args+=(--target "$t")
done
env "${check_env[@]}" cargo check --quiet --lib "${target_args[@]}"
log "check: cargo check --lib passed for: ${installed[*]}"
