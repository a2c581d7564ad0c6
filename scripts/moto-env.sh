#!/usr/bin/env bash
# Installs the Python peers the tests run against into target/moto-venv, once: moto (an
# independent Cognito/STS implementation, with boto3 and botocore: the signing oracle) and
# pycognito (an independent user-pool client: the SRP oracle). Prints the venv's path.
set -euo pipefail
MOTO_VERSION="5.2.5"
PYCOGNITO_VERSION="2024.5.1"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/moto-venv"
installed() {
  "$venv/bin/python" - "$MOTO_VERSION" "$PYCOGNITO_VERSION" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit(version("moto") != sys.argv[1] or version("pycognito") != sys.argv[2])
PY
}
if [ ! -x "$venv/bin/moto_server" ] || ! installed; then
  mkdir -p "$root/target"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "pycognito==$PYCOGNITO_VERSION" >&2
fi
echo "$venv"
