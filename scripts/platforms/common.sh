#!/usr/bin/env bash
# Shared by scripts/platforms/*.sh, scripts/pack.sh and scripts/pack-test.sh (sourced, not run).
# The native library of every platform is placed in the UPM package, next to the committed .meta
# file that holds its Unity import settings; scripts/pack.sh maps the same files to NuGet's
# runtimes/<rid>/native.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
plugins="$repo/unity/Runtime/Plugins"

# Plugin path (under unity/Runtime/Plugins) <TAB> NuGet runtime identifier <TAB> `file` must say.
PLATFORM_TABLE="\
Linux/x86_64/libcognito_native.so	linux-x64	ELF 64-bit LSB shared object, x86-64
Windows/x86_64/cognito_native.dll	win-x64	PE32+ executable (DLL) (console) x86-64
macOS/libcognito_native.dylib	osx	Mach-O universal binary
Android/arm64-v8a/libcognito_native.so	android-arm64	ELF 64-bit LSB shared object, ARM aarch64
Android/armeabi-v7a/libcognito_native.so	android-arm	ELF 32-bit LSB shared object, ARM
Android/x86_64/libcognito_native.so	android-x64	ELF 64-bit LSB shared object, x86-64
iOS/libcognito_native.a	ios-arm64	current ar archive"

# The options every native build uses: the library only (no CLI / emulator), release profile.
CARGO_LIB_ARGS=(build --release --lib)

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# add_target TRIPLE: installs the Rust standard library for TRIPLE (rustup), unless it is there.
add_target() {
  if ! rustup target list --installed | grep -qx "$1"; then
    rustup target add "$1" >&2
  fi
}

# place SRC PLUGIN_PATH: copies a built library into the UPM package. Its .meta (import settings:
# which platform and CPU take it) is committed; refuse to place a file without one.
place() {
  local dest="$plugins/$2"
  [ -f "$dest.meta" ] || die "no unity/Runtime/Plugins/$2.meta (import settings) in the package"
  mkdir -p "$(dirname "$dest")"
  cp "$1" "$dest"
  log "placed ${1#"$repo"/} -> unity/Runtime/Plugins/$2 ($(du -h "$dest" | cut -f1))"
}
