#!/usr/bin/env bash
# Android: builds libcognito_native.so for arm64-v8a, armeabi-v7a and x86_64 with the Android NDK
# (through cargo-ndk) and places them in the UPM package (Plugins/Android/<abi>). Run it where the
# NDK is installed (Linux, macOS or Windows with bash), not on the CI machine (no NDK there).
#   ANDROID_NDK_HOME=/path/to/ndk scripts/platforms/android.sh [ABI...]   (default: all three)
# Needs: rustup, the NDK (r25 or later; r27+ recommended), cargo-ndk (installed here with
# `cargo install cargo-ndk` when missing). API level 21 (Android 5.0) unless ANDROID_API is set.
# The libraries are linked with 16 KB page alignment (Google Play requires it for Android 15+)
# and need nothing but the system's libc / libdl / liblog (no libc++_shared.so).
set -euo pipefail
# shellcheck source=scripts/platforms/common.sh
. "$(dirname "$0")/common.sh"
cd "$repo"

ndk="${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-${ANDROID_NDK:-}}}"
[ -d "${ndk:-/nonexistent}" ] || die "set ANDROID_NDK_HOME to the Android NDK (e.g. \$ANDROID_HOME/ndk/27.2.12479018)"
export ANDROID_NDK_HOME="$ndk"
api="${ANDROID_API:-21}"
abis=("$@")
[ ${#abis[@]} -gt 0 ] || abis=(arm64-v8a armeabi-v7a x86_64)

command -v cargo-ndk >/dev/null || cargo install --locked cargo-ndk
ndk_args=()
for abi in "${abis[@]}"; do
  case "$abi" in
    arm64-v8a) add_target aarch64-linux-android ;;
    armeabi-v7a) add_target armv7-linux-androideabi ;;
    x86_64) add_target x86_64-linux-android ;;
    *) die "unsupported ABI $abi (arm64-v8a, armeabi-v7a, x86_64)" ;;
  esac
  ndk_args+=(-t "$abi")
done

out="$repo/target/android/jniLibs"
RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384" \
  cargo ndk --platform "$api" "${ndk_args[@]}" -o "$out" "${CARGO_LIB_ARGS[@]}"

for abi in "${abis[@]}"; do
  place "$out/$abi/libcognito_native.so" "Android/$abi/libcognito_native.so"
done
log "android: done; scripts/pack.sh packs them (UPM tarball and runtimes/android-*/native)"
