#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests (against the bundled emulator), and the
# end-to-end test against moto (installed into target/moto-venv on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/moto-env.sh >/dev/null
cargo fmt --all --check
cargo test --workspace --all-targets
