#!/usr/bin/env bash
# Unity needs a .meta file next to every asset of an immutable (git or tarball) package, and other
# assets refer to it by the GUID in it, so a GUID must never change. This script writes the missing
# .meta files, with GUIDs derived from the asset's path inside the package (stable: the same path
# always gets the same GUID; existing .meta files are never rewritten), and finds the .meta files
# whose asset is gone (a deleted or renamed source). The import settings of the native plugins
# (Runtime/Plugins/**/*cognito_native.*.meta) are kept without their library: the libraries are
# built, not committed (unity/place-plugins.sh, scripts/platforms/*.sh).
#   unity/meta.sh          add the missing .meta files, remove the orphaned ones
#   unity/meta.sh --check  fail if a .meta file is missing or orphaned (CI: scripts/csharp-tests.sh,
#                          scripts/pack.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

guid() { printf 'com.cognitonative.credentials/%s' "$1" | md5sum | cut -c1-32; }

meta_for() { # $1: absolute path of an asset
  local rel="${1#"$here"/}" g
  g="$(guid "$rel")"
  if [ -d "$1" ]; then
    printf 'fileFormatVersion: 2\nguid: %s\nfolderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$g"
    return
  fi
  case "$1" in
    *.cs) printf 'fileFormatVersion: 2\nguid: %s\nMonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n  executionOrder: 0\n  icon: {instanceID: 0}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$g" ;;
    *.asmdef) printf 'fileFormatVersion: 2\nguid: %s\nAssemblyDefinitionImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$g" ;;
    */package.json) printf 'fileFormatVersion: 2\nguid: %s\nPackageManifestImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$g" ;;
    *.so) sed "s/@GUID@/$g/" "$here/plugin-linux64.meta.in" ;;
    *) printf 'fileFormatVersion: 2\nguid: %s\nTextScriptImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$g" ;;
  esac
}

# Assets Unity imports: everything in the package except hidden, tilde and tooling files.
assets() {
  find "$here" -mindepth 1 \
    \( -name '.*' -o -name '*~' -o -name '*.meta' -o -name '*.sh' -o -name '*.in' \) -prune -o -print \
    | LC_ALL=C sort
}

# .meta files without their asset, but for the native plugins' import settings.
orphans() {
  find "$here" -mindepth 1 \( -name '.*' -o -name '*~' \) -prune -o -name '*.meta' -print \
    | LC_ALL=C sort \
    | while IFS= read -r meta; do
        [ -e "${meta%.meta}" ] && continue
        case "$meta" in "$here"/Runtime/Plugins/*/*cognito_native.*.meta) continue ;; esac
        printf '%s\n' "$meta"
      done
}

if [ "${1:-}" = "--check" ]; then
  status=0
  while IFS= read -r asset; do
    if [ ! -f "$asset.meta" ]; then
      echo "missing ${asset#"$here"/}.meta: run unity/meta.sh" >&2
      status=1
    fi
  done < <(assets)
  while IFS= read -r meta; do
    echo "orphaned ${meta#"$here"/} (its asset is gone): run unity/meta.sh" >&2
    status=1
  done < <(orphans)
  exit $status
fi
[ $# -eq 0 ] || { echo "usage: $0 [--check]" >&2; exit 2; }

while IFS= read -r meta; do
  rm -f "$meta"
  echo "removed ${meta#"$here"/}"
done < <(orphans)
while IFS= read -r asset; do
  if [ ! -f "$asset.meta" ]; then
    meta_for "$asset" >"$asset.meta"
    echo "added ${asset#"$here"/}.meta"
  fi
done < <(assets)
