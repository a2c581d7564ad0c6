#!/usr/bin/env bash
# Runs every test: formatting, the Rust unit, property and integration tests (against the bundled
# emulator and, end to end, against moto), the C tests of the C ABI under AddressSanitizer and
# valgrind, a short fuzzing pass, the soak under ASan and valgrind, and the C# package's tests under
# Mono; then the platforms: the Windows DLL (cross-built with MinGW-w64, smoke-tested under Wine),
# the Android/Apple checks (scripts/platforms/check.sh) and the pack layout test
# (scripts/pack-test.sh).
#
# Installs what is missing on a Debian machine: python3-venv (moto, into target/moto-venv),
# valgrind, Mono and NUnit; MinGW-w64, Wine, clang/llvm and shellcheck (apt-get, needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v mcs >/dev/null || need_apt+=(mono-mcs mono-devel)
command -v nunit-console >/dev/null || need_apt+=(nunit-console libnunit-cil-dev)
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

cargo fmt --all --check
cargo test --workspace --all-targets
scripts/c-tests.sh
scripts/fuzz.sh --ci # every cargo-fuzz target for 15 s
scripts/soak.sh # 64 threads on 8 providers: ASan 30 s, plain 15 s, valgrind 20 s; http, https
scripts/csharp-tests.sh

# Platforms: the Windows DLL (built, placed, run under Wine), what can be checked for Android and
# Apple here, then the packages' layout (with the Linux library and the Windows DLL in them).
scripts/platforms/windows.sh
scripts/platforms/check.sh
unity/place-plugins.sh
scripts/pack-test.sh
