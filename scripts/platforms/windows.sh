#!/usr/bin/env bash
# Windows x64: builds cognito_native.dll with the GNU toolchain (MinGW-w64, runs on Linux), places
# it in the UPM package (Plugins/Windows/x86_64), and, when Wine is installed, runs a C program
# linked to it against the local emulator (scripts/platforms/smoke.c).
#   scripts/platforms/windows.sh            build, place, smoke test under Wine if present
#   scripts/platforms/windows.sh --install  first apt-get install MinGW-w64 and Wine (Debian, root)
#   scripts/platforms/windows.sh --no-wine  build and place only
# COGNITO_REQUIRE_WINE=1 makes a missing Wine an error instead of a skipped test.
# The DLL imports only system DLLs (no libgcc / libwinpthread): the Rust GNU target links them
# statically. Windows 10 or later (Rust's standard library needs bcryptprimitives.dll).
set -euo pipefail
# shellcheck source=scripts/platforms/common.sh
. "$(dirname "$0")/common.sh"
cd "$repo"

target=x86_64-pc-windows-gnu
wine_wanted=1
for arg in "$@"; do
  case "$arg" in
    --install)
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        gcc-mingw-w64-x86-64 wine wine64 >/dev/null ;;
    --no-wine) wine_wanted=0 ;;
    *) die "unknown argument $arg (see the top of $0)" ;;
  esac
done
command -v x86_64-w64-mingw32-gcc >/dev/null \
  || die "no x86_64-w64-mingw32-gcc: apt-get install gcc-mingw-w64-x86-64 (or run with --install)"
add_target "$target"

cargo "${CARGO_LIB_ARGS[@]}" --target "$target"
out="target/$target/release"
dll="$out/cognito_native.dll"

# The DLL exports the C ABI and needs nothing but Windows' own DLLs.
dump="$(x86_64-w64-mingw32-objdump -p "$dll")"
for symbol in cognito_version cognito_provider_new cognito_provider_get_credentials cognito_shutdown; do
  grep -q "\] $symbol\$" <<<"$dump" || die "$dll does not export $symbol"
done
if grep -iE 'DLL Name: (libgcc|libwinpthread|libstdc)' <<<"$dump"; then
  die "$dll needs MinGW runtime DLLs"
fi
place "$dll" Windows/x86_64/cognito_native.dll

if [ "$wine_wanted" = 0 ]; then exit 0; fi
if ! command -v wine >/dev/null; then
  [ "${COGNITO_REQUIRE_WINE:-0}" = 1 ] && die "no wine (COGNITO_REQUIRE_WINE=1)"
  log "windows: Wine smoke test SKIPPED: wine is not installed (apt-get install wine wine64)"
  exit 0
fi

# The smoke test: smoke.exe (linked to the DLL's import library) gets a guest identity and
# credentials from the emulator, which runs natively on Linux; Wine processes reach 127.0.0.1.
work="$repo/target/platforms/windows"
mkdir -p "$work"
cp "$dll" "$work/"
x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude scripts/platforms/smoke.c \
  -L"$out" -l:libcognito_native.dll.a -o "$work/smoke.exe"
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if ! ls /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll \
  /usr/lib/wine/x86_64-windows/bcryptprimitives.dll /opt/wine*/lib*/wine/x86_64-windows/bcryptprimitives.dll \
  >/dev/null 2>&1; then
  # Wine < 9 has no bcryptprimitives.dll: a stand-in next to the exe (test only, never shipped).
  x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -Werror -shared \
    -o "$work/bcryptprimitives.dll" scripts/platforms/wine-bcryptprimitives.c -ladvapi32
  log "windows: Wine has no bcryptprimitives.dll; using the ProcessPrng stand-in for the test"
fi

cargo build --quiet -p cognito-cli
emulator_out="$work/emulator.json"
target/debug/cognito-native emulate --port 0 >"$emulator_out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$emulator_out")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || die "the emulator printed no url"
log "windows: smoke test under $(wine --version) against $url"
if ! answer="$(wine "$work/smoke.exe" "$url" 2> >(grep -v -e wine32 -e 'multiarch needs' \
  -e 'dpkg --add-architecture' -e 'apt-get install wine32' >&2))"; then
  die "smoke.exe failed under Wine"
fi
printf '%s\n' "$answer"
grep -q '^ok ' <<<"$answer" || die "smoke.exe did not answer ok"
log "windows: cognito_native.dll passed the smoke test under Wine"
