#!/usr/bin/env bash
# Runs every check (scripts/check.sh all: formatting, clippy, header freshness, the C# ABI
# mirror, module cycles, shellcheck, Unity .meta files), then every test, each stage timed: the
# Rust unit, property and integration tests (against the bundled emulator and, end to end,
# against moto), the C tests of the C ABI under AddressSanitizer and
# valgrind, a short fuzzing pass, the soak under ASan and valgrind, and the C# package's tests under
# Mono; then the platforms: the Windows DLL (cross-built with MinGW-w64, smoke-tested under Wine),
# the Android/Apple checks (scripts/platforms/check.sh) and the pack layout test
# (scripts/pack-test.sh, which also installs the .nupkg files with NuGet's client into a fresh project
# and runs it: scripts/nuget-consumer-test.sh).
#
# Installs what is missing on a Debian machine: rustfmt and clippy (rustup), python3-venv (moto,
# into target/moto-venv), valgrind, Mono, NUnit and NuGet's client; MinGW-w64, Wine, clang/llvm and shellcheck
# (apt-get, needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component add rustfmt clippy >/dev/null 2>&1 || true

need_apt=()
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
command -v valgrind >/dev/null || need_apt+=(valgrind)
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || need_apt+=(libcurl4-openssl-dev)
command -v mcs >/dev/null || need_apt+=(mono-mcs mono-devel)
command -v nunit-console >/dev/null || need_apt+=(nunit-console libnunit-cil-dev)
command -v nuget >/dev/null || need_apt+=(nuget) # NuGet's own client (Mono): scripts/pack.sh, the consumer test
# the platforms' tools, without recommends (Wine's would pull in a desktop)
need_apt_nr=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need_apt_nr+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null || need_apt_nr+=(wine wine64)
command -v clang >/dev/null || need_apt_nr+=(clang)
command -v llvm-ar >/dev/null || need_apt_nr+=(llvm)
command -v shellcheck >/dev/null || need_apt_nr+=(shellcheck)
if [ ${#need_apt[@]} -gt 0 ] || [ ${#need_apt_nr[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]} ${need_apt_nr[*]}"
  apt-get update -qq
  if [ ${#need_apt[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
  if [ ${#need_apt_nr[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt_nr[@]}" >/dev/null
  fi
fi
scripts/moto-env.sh >/dev/null

# Each stage timed; a failure stops the run (set -e) after printing what ran.
times=()
stage() {
  local name=$1 t0=$SECONDS
  shift
  printf '\n===== %s\n' "$name"
  "$@"
  times+=("$(printf '%-34s %5d s' "$name" $((SECONDS - t0)))")
}
summary() {
  printf '\n===== stage times\n'
  printf '%s\n' "${times[@]}"
  printf '%-34s %5d s\n' "total" "$SECONDS"
}
trap summary EXIT

stage "checks (scripts/check.sh all)" scripts/check.sh all
# With the header feature: the header check built the same (scripts/check.sh check_header).
stage "Rust tests" cargo test --workspace --all-targets --features cognito-native/headers
stage "C tests (ASan, valgrind; http, https)" scripts/c-tests.sh
stage "fuzzing (15 s per target)" scripts/fuzz.sh --ci
stage "soak (ASan, plain, valgrind; http, https)" scripts/soak.sh
stage "C# tests (Mono)" scripts/csharp-tests.sh

# Platforms: the Windows DLL (built, placed, run under Wine), what can be checked for Android and
# Apple here, then the packages' layout (with the Linux library and the Windows DLL in them).
stage "Windows DLL (MinGW, Wine)" scripts/platforms/windows.sh
stage "Android/Apple checks" scripts/platforms/check.sh
stage "UPM plugins" unity/place-plugins.sh
stage "package layout" scripts/pack-test.sh
