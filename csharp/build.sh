#!/usr/bin/env bash
# Builds csharp/bin/CognitoNative.dll (and the cached-read bench) with Mono's mcs from the library's
# one source tree, unity/Runtime/Core (the UPM package holds it; the Unity glue in
# unity/Runtime/Unity is not part of this assembly). Installs nothing: needs `mcs`
# (Debian: apt-get install -y mono-mcs mono-devel).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/bin"
mkdir -p "$out"
MCS=(mcs -sdk:4.7.1 -langversion:7.2 -nologo -warnaserror+ -optimize+ -debug)

mapfile -t sources < <(find "$here/../unity/Runtime/Core" -name '*.cs' | LC_ALL=C sort)
"${MCS[@]}" -target:library -unsafe -doc:"$out/CognitoNative.xml" \
  -out:"$out/CognitoNative.dll" "${sources[@]}"

"${MCS[@]}" -target:exe -r:"$out/CognitoNative.dll" \
  -out:"$out/CachedReadBench.exe" "$here/bench/CachedRead.cs"

echo "built $out/CognitoNative.dll"
