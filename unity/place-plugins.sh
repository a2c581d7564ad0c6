#!/usr/bin/env bash
# Places the Linux x86_64 native library into the package (Runtime/Plugins/Linux/x86_64), with its
# import settings (.meta: Editor on Linux and Linux standalone players, x86_64 only).
#   unity/place-plugins.sh            the release build if there is one, else the debug build
#   unity/place-plugins.sh PATH.so    a given build
# Build it first: cargo build --release --lib
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$here/.."
lib="${1:-}"
if [ -z "$lib" ]; then
  for candidate in "$repo/target/release/libcognito_native.so" "$repo/target/debug/libcognito_native.so"; do
    if [ -f "$candidate" ]; then lib="$candidate"; break; fi
  done
fi
if [ -z "$lib" ] || [ ! -f "$lib" ]; then
  echo "no libcognito_native.so: run 'cargo build --release --lib' first" >&2
  exit 1
fi
dest="$here/Runtime/Plugins/Linux/x86_64"
mkdir -p "$dest"
cp "$lib" "$dest/libcognito_native.so"
"$here/meta.sh" >/dev/null # adds the .meta files of new folders and of the library
echo "placed $(realpath --relative-to="$repo" "$lib") -> unity/Runtime/Plugins/Linux/x86_64/libcognito_native.so"
