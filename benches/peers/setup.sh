#!/usr/bin/env bash
# Installs the benchmark's peer clients (the AWS SDK credential paths we compare with) into
# target/bench-peers/ (not committed):
#
#   node    target/bench-peers/node/node_modules   npm ci from benches/peers/node/package-lock.json
#   node    (also amazon-cognito-identity-js, P10's sign-in)
#   python  target/bench-peers/venv                 boto3 + pycognito + matplotlib,
#                                                   benches/peers/python/requirements.txt
#   rust    target/bench-peers/rust/release/cognito-peer-rust-sdk
#                                                   cargo build --locked of benches/peers/rust-sdk
#
# Usage: benches/peers/setup.sh [node] [python] [rust]     (default: all three)
#        benches/peers/setup.sh --force [...]               (reinstall node and python)
#
# Idempotent: a part already installed from the same pinned files is left alone (the Rust build is
# cargo's own incremental no-op). Needs node >= 20 with npm, python3 >= 3.11 with venv, cargo >= 1.94.1,
# and the package registries (npm, PyPI, crates.io) on the first run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/bench-peers"

force=0
parts=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    node | python | rust) parts+=("$arg") ;;
    -h | --help)
      sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown argument '$arg' (expected node, python, rust or --force)" >&2
      exit 2
      ;;
  esac
done
if [ "${#parts[@]}" -eq 0 ]; then
  parts=(node python rust)
fi

log() { printf '[bench-peers] %s\n' "$*" >&2; }
die() {
  printf '[bench-peers] error: %s\n' "$*" >&2
  exit 1
}
want() {
  local p
  for p in "${parts[@]}"; do
    [ "$p" = "$1" ] && return 0
  done
  return 1
}
# Hash of the pinned input files: a part is reinstalled when they change.
stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

mkdir -p "$out"

setup_node() {
  command -v node >/dev/null || die "node is not installed (need node >= 20)"
  command -v npm >/dev/null || die "npm is not installed"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "node $(node --version) is too old (need >= 20)"

  local dir="$out/node" src="$here/node" stamp
  stamp="$(stamp_of "$src/package.json" "$src/package-lock.json")-node$major"
  if [ "$force" -eq 0 ] && [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$stamp" ] &&
    [ -f "$dir/node_modules/@aws-sdk/credential-provider-cognito-identity/package.json" ] &&
    [ -f "$dir/node_modules/amazon-cognito-identity-js/package.json" ]; then
    log "node: up to date in $dir"
    return
  fi
  log "node: npm ci into $dir"
  mkdir -p "$dir"
  rm -f "$dir/.installed"
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
  printf '%s\n' "$stamp" >"$dir/.installed"
}

setup_python() {
  command -v python3 >/dev/null || die "python3 is not installed (need >= 3.11)"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "python3 $(python3 -V 2>&1) is too old (need >= 3.11)"

  local venv="$out/venv" req="$here/python/requirements.txt" stamp
  stamp="$(stamp_of "$req")-$(python3 -c 'import sys; print("py%d.%d" % sys.version_info[:2])')"
  if [ "$force" -eq 0 ] && [ -f "$venv/.installed" ] && [ "$(cat "$venv/.installed")" = "$stamp" ] &&
    "$venv/bin/python" -c 'import importlib.metadata as m; m.version("boto3"); m.version("pycognito"); m.version("matplotlib")' \
      2>/dev/null; then
    log "python: up to date in $venv"
    return
  fi
  if [ "$force" -eq 1 ] || [ ! -x "$venv/bin/python" ]; then
    log "python: creating $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  fi
  rm -f "$venv/.installed"
  log "python: pip install -r $req"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv \
    -r "$req" >&2
  printf '%s\n' "$stamp" >"$venv/.installed"
}

setup_rust() {
  command -v cargo >/dev/null || die "cargo is not installed (need >= 1.94.1)"
  log "rust: cargo build --release --locked (benches/peers/rust-sdk -> $out/rust)"
  CARGO_TARGET_DIR="$out/rust" cargo build --quiet --release --locked \
    --manifest-path "$here/rust-sdk/Cargo.toml" >&2
  [ -x "$out/rust/release/cognito-peer-rust-sdk" ] || die "rust: the build left no binary"
}

want node && setup_node
want python && setup_python
want rust && setup_rust

# The pinned versions, as installed.
echo "bench peers in $out:"
if want node; then
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const dir = process.argv[1] + "/node_modules/";
    for (const p of ["@aws-sdk/credential-provider-cognito-identity", "@aws-sdk/client-cognito-identity",
                     "amazon-cognito-identity-js"]) {
      console.log(`  node    ${p}@${require(dir + p + "/package.json").version}`);
    }
    console.log(`  node    node ${process.versions.node}`);' "$out/node"
fi
if want python; then
  "$out/venv/bin/python" -c '
import sys
from importlib.metadata import version
print("  python  " + " ".join(f"{p}=={version(p)}" for p in ("boto3", "botocore", "pycognito", "matplotlib")))
print(f"  python  python {sys.version.split()[0]}")'
fi
if want rust; then
  awk '/^name = "aws-sdk-cognitoidentity"$|^name = "aws-smithy-http-client"$|^name = "aws-smithy-runtime"$|^name = "rustls"$|^name = "aws-lc-rs"$/ {
         name = $3; getline; gsub(/"/, "", name); gsub(/"/, "", $3); printf "  rust    %s %s\n", name, $3 }' \
    "$here/rust-sdk/Cargo.lock"
fi
