#!/usr/bin/env bash
# The peer benchmark: cognito-native against the AWS SDKs' credential paths (JS v3
# fromCognitoIdentityPool, boto3, Rust aws-sdk-cognitoidentity), all against the bundled emulator
# over HTTPS on 127.0.0.1, in one run, its signing cost against their signers (P9: aws-sigv4,
# botocore, @smithy/signature-v4) and, for the user-pool sign-in (P10), pycognito and
# amazon-cognito-identity-js. Writes BENCHMARKS.md and benches/chart.png.
#
# Installs the peers into target/bench-peers (benches/peers/setup.sh), builds our release binaries,
# the C and C# bench programs, then runs benches/driver.py (options pass through, e.g. --runs 20
# --logins 2000 for a quicker pass; see --help). Needs gcc, node/npm, python3, GNU time and Mono (mcs):
# installed by the README's test command, or here with apt-get when missing.
#
# `scripts/bench.sh --only storm` runs only the P7 login storm (--storm-players, --storm-scale) and
# replaces just its section in BENCHMARKS.md; `scripts/bench.sh --only launch [--launch-rtt-ms 100]`
# runs only P8 (the launch through the latency proxy) and rewrites only its section; neither builds
# the C or the C# programs. `scripts/bench.sh --only signing` runs only P9 (the signing cost) and
# rewrites only its section: it builds the C and C# programs. `scripts/bench.sh --only signin
# [--signin-runs 20]` runs only P10 (SRP sign-in: the client's math and the whole sign-in, ours,
# pycognito, amazon-cognito-identity-js) and rewrites only its section: it builds the C sign-in
# program only. Both install only the node and python peers. Every run starts with the latency
# proxy's self test (benches/latency_proxy.py --self-test).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export CARGO_TERM_COLOR=never

# --only PART: storm and launch need no C, no C#; signing needs both, signin the C sign-in program
# only; signing and signin only the node and python peers (the driver checks its own arguments).
only=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "--only" ]; then
    only="$arg"
  elif [ "${arg#--only=}" != "$arg" ]; then
    only="${arg#--only=}"
  fi
  prev="$arg"
done

need_apt=()
native=1 # the full run and P9 build the C# programs (Mono)
[ -z "$only" ] || [ "$only" = signing ] || native=0
[ "$native" = 0 ] || command -v mcs >/dev/null || need_apt+=(mono-mcs mono-devel)
python3 -c "import venv, ensurepip" 2>/dev/null || need_apt+=(python3-venv)
command -v node >/dev/null || need_apt+=(nodejs npm)
[ -x /usr/bin/time ] || need_apt+=(time) # GNU time: each client's peak RSS
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "== latency proxy self test"
python3 benches/latency_proxy.py --self-test

echo "== peers"
case "$only" in
  signing | signin) benches/peers/setup.sh node python ;; # no Rust SDK build
  *) benches/peers/setup.sh ;;
esac

echo "== cognito-native (release)"
cargo build --quiet --release -p cognito-cli
cargo build --quiet --release --example bench-client
out=target/bench
cc=(gcc -std=c11 -O2 -Wall -Wextra -pthread -Iinclude)
link=(-L"$out" -lcognito_native "-Wl,-rpath,$repo/$out")
# The library as shipped, built after the example: it owns the .so file (the example's build has
# the dev-dependencies' features).
shipped_library() {
  cargo build --quiet --release --lib
  mkdir -p "$out"
  cp target/release/libcognito_native.so "$out/"
}
case "$only" in
  storm | launch)
    echo "== run (only $only)"
    exec target/bench-peers/venv/bin/python benches/driver.py "$@"
    ;;
  signin) # P10's C ABI row
    shipped_library
    "${cc[@]}" benches/c/signin.c "${link[@]}" -o "$out/signin"
    echo "== run (only $only)"
    exec target/bench-peers/venv/bin/python benches/driver.py "$@"
    ;;
esac
shipped_library
mkdir -p "$out/cs"
"${cc[@]}" benches/c/c_abi.c "${link[@]}" -o "$out/c_abi"
"${cc[@]}" benches/c/signing.c "${link[@]}" -o "$out/signing"
"${cc[@]}" benches/c/signin.c "${link[@]}" -o "$out/signin"
"${cc[@]}" examples/game_server.c "${link[@]}" -o "$out/game_server"

echo "== C# (Mono)"
csharp/build.sh >/dev/null
cp csharp/bin/CognitoNative.dll csharp/bin/CachedReadBench.exe csharp/bin/SigningBench.exe \
  "$out/libcognito_native.so" "$out/cs/"

echo "== run${only:+ (only $only)}"
target/bench-peers/venv/bin/python benches/driver.py "$@"
