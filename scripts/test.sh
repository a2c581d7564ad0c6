#!/usr/bin/env bash
# Runs every test: formatting, the Rust unit and integration tests (against the bundled emulator
# and, end to end, against moto), the C tests of the C ABI under AddressSanitizer and valgrind,
# and the C# package's tests under Mono.
#
# Installs what is missing on a Debian machine: python3-venv (moto, into target/moto-venv),
# valgrind, Mono and NUnit (apt-get, needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v mcs >/dev/null || need_apt+=(mono-mcs mono-devel)
command -v nunit-console >/dev/null || need_apt+=(nunit-console libnunit-cil-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
scripts/moto-env.sh >/dev/null

cargo fmt --all --check
cargo test --workspace --all-targets
scripts/c-tests.sh
scripts/csharp-tests.sh
