#!/usr/bin/env bash
# The checks that are not tests, each by name:
#   - fmt: cargo fmt --check
#   - clippy: cargo clippy, warnings are errors
#   - header: include/cognito_native.h is the header safer-ffi generates from src/ffi
#   - abi: C#'s statuses, error kinds and imports match the header (the ABI mirror)
#   - module-cycles: no circular imports among the engine's modules (src/)
#   - shellcheck: every shell script of the project is clean
#   - unity-meta: every asset of the UPM package has its .meta (stable GUIDs), none is orphaned
#
#   scripts/check.sh all          every check, in this order (the first failure stops it)
#   scripts/check.sh fmt header   only these
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKS=(fmt clippy header abi module-cycles shellcheck unity-meta)

check_fmt() { cargo fmt --all --check; }

check_clippy() { cargo clippy --quiet --workspace --all-targets -- -D warnings; }

# With the features of scripts/test.sh's Rust tests (the same build: that stage reuses it).
check_header() {
  cargo test --quiet --workspace --lib --features cognito-native/headers -- generate_header >/dev/null
  git diff --exit-code include/cognito_native.h \
    || { echo "include/cognito_native.h is stale: commit the regenerated header" >&2; return 1; }
}

check_abi() { scripts/csharp-tests.sh --abi; }

check_module-cycles() { python3 scripts/checks/module-cycles.py; }

check_shellcheck() {
  command -v shellcheck >/dev/null || { echo "no shellcheck: apt-get install shellcheck" >&2; return 1; }
  local scripts
  mapfile -t scripts < <(git ls-files --cached --others --exclude-standard '*.sh' .ci/run)
  shellcheck -x "${scripts[@]}"
  echo "shellcheck: ${#scripts[@]} scripts clean"
}

check_unity-meta() { unity/meta.sh --check; }

selected=("$@")
if [ ${#selected[@]} -eq 0 ]; then
  sed -n '2,12p' "$0"
  exit 2
fi
if [ "${selected[*]}" = all ]; then
  selected=("${CHECKS[@]}")
fi
for name in "${selected[@]}"; do
  if [[ " ${CHECKS[*]} " != *" $name "* ]]; then
    echo "unknown check: $name (checks: ${CHECKS[*]} all)" >&2
    exit 2
  fi
done
for name in "${selected[@]}"; do
  t0=$SECONDS
  echo "--- check $name"
  "check_$name"
  echo "--- check $name passed ($((SECONDS - t0)) s)"
done
