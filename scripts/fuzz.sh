#!/usr/bin/env bash
# Fuzzes the engine with cargo-fuzz (libFuzzer + AddressSanitizer): the Cognito JSON and STS XML
# parsers, the options JSON and endpoint resolution, and the C ABI entry points (fuzz/).
#
#   scripts/fuzz.sh                       every target, FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh sts_xml ffi_entry     only these
#   scripts/fuzz.sh --ci                  a short pass for CI: 15 s per target
#
# Each run starts from the committed seeds (fuzz/seeds/<target>/) and past findings
# (fuzz/regressions/<target>/), and grows fuzz/corpus/<target>/ (not committed). A crash, leak or
# timeout leaves its input in fuzz/artifacts/<target>/; the script goes on with the other targets,
# then lists the artifacts and exits 1. To keep a finding as a regression test, copy the artifact
# to fuzz/regressions/<target>/ (tests/fuzz_regressions.rs replays it under cargo test).
#
# Works on stable Rust: cargo-fuzz passes -Z flags, so RUSTC_BOOTSTRAP=1 is set. Installs
# cargo-fuzz (pinned, into target/tools) and llvm-symbolizer (Debian's llvm, apt-get) when missing. Knobs:
# FUZZ_SECONDS, FUZZ_TIMEOUT (seconds per input, default 30), FUZZ_RSS_MB (default 2048).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
TARGETS=(cognito_json sts_xml options_json ffi_entry)

seconds=${FUZZ_SECONDS:-60}
selected=()
for arg in "$@"; do
  case "$arg" in
    --ci) seconds=15 ;;
    -h | --help)
      sed -n '2,17p' "$0"
      exit 0
      ;;
    -*)
      echo "unknown option: $arg" >&2
      exit 2
      ;;
    *)
      if [[ " ${TARGETS[*]} " != *" $arg "* ]]; then
        echo "unknown target: $arg (targets: ${TARGETS[*]})" >&2
        exit 2
      fi
      selected+=("$arg")
      ;;
  esac
done
if [ ${#selected[@]} -eq 0 ]; then
  selected=("${TARGETS[@]}")
fi

# Our own pinned copy under target/, never whatever ~/.cargo/bin happens to hold.
tools=$PWD/target/tools/cargo-fuzz-$CARGO_FUZZ_VERSION
if ! "$tools/bin/cargo-fuzz" --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION into $tools"
  cargo install --quiet --locked --root "$tools" "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi
cargo_fuzz() { "$tools/bin/cargo-fuzz" fuzz "$@"; }

# Sanitizer reports (and the function names in fuzz/lsan.supp) need a symbolizer.
if ! command -v llvm-symbolizer >/dev/null && command -v apt-get >/dev/null; then
  echo "installing llvm (llvm-symbolizer)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends llvm >/dev/null
fi

export RUSTC_BOOTSTRAP=1
# No leak check at exit: ffi_entry keeps the library (and its runtime threads) running between
# inputs, and the threads' own objects then show as leaked. libFuzzer still checks each input.
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0:leak_check_at_exit=0"

started=$SECONDS
cargo_fuzz build
echo "built in $((SECONDS - started)) s"

logs=fuzz/target/logs
mkdir -p "$logs"
failed=()
for target in "${selected[@]}"; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  inputs=("$corpus" "fuzz/seeds/$target")
  if [ -d "fuzz/regressions/$target" ]; then
    inputs+=("fuzz/regressions/$target")
  fi
  before=$(find "fuzz/artifacts/$target" -type f | sort)
  echo "== $target: ${seconds} s"
  if cargo_fuzz run "$target" "${inputs[@]}" -- \
    -max_total_time="$seconds" \
    -timeout="${FUZZ_TIMEOUT:-30}" \
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
    -print_final_stats=1 >"$logs/$target.log" 2>&1; then
    # The last status line: executions, coverage, corpus.
    grep -E '^#[0-9]+' "$logs/$target.log" | tail -n 1
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$logs/$target.log" || true
  else
    tail -n 40 "$logs/$target.log"
    new=$(comm -13 <(echo "$before") <(find "fuzz/artifacts/$target" -type f | sort))
    failed+=("$target: ${new:-no artifact (see $logs/$target.log)}")
  fi
done

echo "fuzzing took $((SECONDS - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  echo "reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <artifact>; read an ffi_entry input with FUZZ_TRACE=1" >&2
  exit 1
fi
echo "no crash in: ${selected[*]}"
