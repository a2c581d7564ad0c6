#!/usr/bin/env bash
# Builds with Mono's mcs, from the UPM package's source trees (the Unity glue in unity/Runtime/Unity is
# not part of these assemblies):
#   csharp/bin/CognitoNative.dll          the library (unity/Runtime/Core)
#   csharp/bin/CognitoNative.AwsSdk.dll   the optional AWS SDK bridge (unity/Runtime/AwsSdk), compiled
#                                         against csharp/bin/awssdk-stub/3.7/AWSSDK.Core.dll
#   csharp/bin/awssdk-stub/{3.7,4}/AWSSDK.Core.dll  the reference stub of AWSSDK.Core's public API
#                                         (csharp/tests/AwsSdkStub; never shipped: scripts/pack.sh points
#                                         the packed bridge at the real AWSSDK.Core)
#   csharp/bin/CachedReadBench.exe        the cached-read bench (P2)
#   csharp/bin/SigningBench.exe           the signing-cost bench (P9)
# Installs nothing: needs `mcs` (Debian: apt-get install -y mono-mcs mono-devel).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/bin"
mkdir -p "$out"
MCS=(mcs -sdk:4.7.1 -langversion:7.2 -nologo -warnaserror+ -optimize+ -debug)

mapfile -t sources < <(find "$here/../unity/Runtime/Core" -name '*.cs' | LC_ALL=C sort)
"${MCS[@]}" -target:library -unsafe -r:System.Net.Http.dll -doc:"$out/CognitoNative.xml" \
  -out:"$out/CognitoNative.dll" "${sources[@]}"

for v in 3.7 4; do
  defines=()
  [ "$v" = 4 ] && defines=(-d:AWSSDK_V4)
  mkdir -p "$out/awssdk-stub/$v"
  "${MCS[@]}" -target:library -nowarn:1591 "${defines[@]}" -out:"$out/awssdk-stub/$v/AWSSDK.Core.dll" \
    "$here/tests/AwsSdkStub/AWSSDK.Core.cs"
done
mapfile -t bridge < <(find "$here/../unity/Runtime/AwsSdk" -name '*.cs' | LC_ALL=C sort)
"${MCS[@]}" -target:library -d:COGNITO_NATIVE_AWSSDK -doc:"$out/CognitoNative.AwsSdk.xml" \
  -r:"$out/CognitoNative.dll" -r:"$out/awssdk-stub/3.7/AWSSDK.Core.dll" \
  -out:"$out/CognitoNative.AwsSdk.dll" "${bridge[@]}"

"${MCS[@]}" -target:exe -r:"$out/CognitoNative.dll" \
  -out:"$out/CachedReadBench.exe" "$here/bench/CachedRead.cs"
"${MCS[@]}" -target:exe -r:"$out/CognitoNative.dll" \
  -out:"$out/SigningBench.exe" "$here/bench/Signing.cs"

echo "built $out/CognitoNative.dll and $out/CognitoNative.AwsSdk.dll"
