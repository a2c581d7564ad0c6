#!/usr/bin/env bash
# The library's C# sources live in csharp/src; the Unity package compiles them from Runtime/Core,
# a copy this script makes (a UPM package installed from git must contain its sources). It also
# writes the .meta files Unity needs for every asset of an immutable (git) package, with GUIDs
# derived from the asset's path so they are stable.
#   unity/sync-sources.sh          copy csharp/src -> unity/Runtime/Core, add missing .meta files
#   unity/sync-sources.sh --check  fail if the copy is stale or a .meta file is missing (CI)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../csharp/src"
dst="$here/Runtime/Core"

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

if [ "${1:-}" = "--check" ]; then
  status=0
  if ! diff -r -x '*.meta' "$src" "$dst" >/dev/null 2>&1; then
    echo "unity/Runtime/Core is stale: run unity/sync-sources.sh" >&2
    status=1
  fi
  while IFS= read -r asset; do
    case "$asset" in */Plugins/*/libcognito_native.*) [ -e "$asset" ] || continue ;; esac
    if [ ! -f "$asset.meta" ]; then
      echo "missing ${asset#"$here"/}.meta: run unity/sync-sources.sh" >&2
      status=1
    fi
  done < <(assets)
  exit $status
fi

mkdir -p "$dst"
# Mirror: drop files that no longer exist in csharp/src, then copy.
(cd "$dst" && find . -name '*.cs' -print) | while IFS= read -r f; do
  [ -f "$src/$f" ] || rm -f "$dst/$f" "$dst/$f.meta"
done
(cd "$src" && find . -type d) | while IFS= read -r d; do mkdir -p "$dst/$d"; done
(cd "$src" && find . -name '*.cs' -print) | while IFS= read -r f; do cp "$src/$f" "$dst/$f"; done
find "$dst" -mindepth 1 -type d -empty -delete

while IFS= read -r asset; do
  [ -f "$asset.meta" ] || meta_for "$asset" > "$asset.meta"
done < <(assets)
echo "unity/Runtime/Core synced from csharp/src"
