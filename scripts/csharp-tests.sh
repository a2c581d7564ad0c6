#!/usr/bin/env bash
# The C# package's tests under Mono: builds the native library and the emulator (cargo, debug),
# the library (csharp/build.sh), the Unity glue against a UnityEngine stub, and the NUnit 2.6 tests,
# then runs them (the tests start and stop the emulator themselves), then the cached-read bench.
# Needs: mono-mcs mono-devel nunit-console libnunit-cil-dev (Debian).
#   COGNITO_BENCH_LIB=target/release/libcognito_native.so scripts/csharp-tests.sh   bench a release build
#   scripts/csharp-tests.sh --abi   only the ABI mirror: C#'s statuses, error kinds and imports
#                                   against include/cognito_native.h (no native build, no bench;
#                                   scripts/check.sh abi)
set -euo pipefail
abi_only=0
case "${1:-}" in
  --abi) abi_only=1 ;;
  "") ;;
  *) echo "unknown argument $1" >&2; exit 2 ;;
esac
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export CARGO_TERM_COLOR=never
# The tests find the repository (the emulator, include/cognito_native.h) here.
export COGNITO_NATIVE_REPO="$repo"

for tool in mcs mono nunit-console cargo; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y mono-mcs mono-devel nunit-console libnunit-cil-dev)" >&2; exit 1; }
done
nunit_dll="$(find /usr/lib -name nunit.framework.dll -path '*2.6*' 2>/dev/null | sort | head -n1)"
[ -n "$nunit_dll" ] || { echo "NUnit 2.6 not found (apt-get install -y libnunit-cil-dev)" >&2; exit 1; }

if [ "$abi_only" = 0 ]; then
  echo "== native library and emulator (cargo, debug)"
  # As scripts/c-common.sh's build_native: one command, one build of the dependencies.
  cargo build --quiet -p cognito-native-lib -p cognito-cli
fi

echo "== C# library"
csharp/build.sh

bin="$repo/csharp/bin"
out="$bin/tests"
rm -rf "$out" && mkdir -p "$out"
MCS=(mcs -sdk:4.7.1 -langversion:7.2 -nologo -warnaserror+ -debug)

echo "== Unity glue, against the UnityEngine stub"
"${MCS[@]}" -target:library -nowarn:67 -out:"$out/UnityEngine.dll" csharp/tests/UnityStub/UnityEngine.cs
"${MCS[@]}" -target:library -nowarn:67 -r:"$out/UnityEngine.dll" -out:"$out/UnityEditor.dll" csharp/tests/UnityStub/UnityEditor.cs
"${MCS[@]}" -target:library -d:UNITY_5_3_OR_NEWER -d:UNITY_EDITOR \
  -r:"$bin/CognitoNative.dll" -r:"$out/UnityEngine.dll" -r:"$out/UnityEditor.dll" \
  -out:"$out/CognitoNative.Unity.dll" unity/Runtime/Unity/*.cs
# The package compiles as Unity compiles it: the Runtime asmdef's assembly (the library and the Unity
# glue) in the Editor (also with the Unity 2021.2+ API) and in an iOS player; the AWS SDK bridge's own
# asmdef assembly (Runtime/AwsSdk) against it and AWSSDK.Core 3.7 or 4 (the define its asmdef's
# versionDefines, or AwsSdkDefine, sets; plus the v4 one), in the Editor and an iOS player; and the
# bridge's sample (Samples~/AwsSdkSample, its own asmdef). An assembly's file name is its name.
mapfile -t runtime < <(find unity/Runtime -name '*.cs' -not -path '*/AwsSdk/*' | LC_ALL=C sort)
mapfile -t bridge < <(find unity/Runtime/AwsSdk -name '*.cs' | LC_ALL=C sort)
check="$out/unity-check"
for variant in editor editor-2021 ios; do
  defines=(-d:UNITY_5_3_OR_NEWER -d:UNITY_EDITOR)
  refs=(-r:"$out/UnityEngine.dll" -r:"$out/UnityEditor.dll")
  versions=(3.7 4)
  case "$variant" in
    # Unity 2021.2+ with the .NET Standard 2.1 API level, which has System.Net.Http (HttpClient signing).
    editor-2021) defines+=(-d:UNITY_2021_2_OR_NEWER -d:NET_STANDARD_2_1 -d:NET_STANDARD); refs+=(-r:System.Net.Http.dll); versions=() ;;
    ios) defines=(-d:UNITY_5_3_OR_NEWER -d:UNITY_IOS); refs=(-r:"$out/UnityEngine.dll"); versions=(3.7) ;;
  esac
  mkdir -p "$check/$variant"
  "${MCS[@]}" -target:library -unsafe "${defines[@]}" "${refs[@]}" \
    -out:"$check/$variant/CognitoNative.Runtime.dll" "${runtime[@]}"
  for v in "${versions[@]}"; do
    aws=(-d:COGNITO_NATIVE_AWSSDK)
    [ "$v" = 4 ] && aws+=(-d:COGNITO_NATIVE_AWSSDK_V4)
    dir="$check/$variant/awssdk-$v"
    mkdir -p "$dir"
    "${MCS[@]}" -target:library "${defines[@]}" "${aws[@]}" -r:"$check/$variant/CognitoNative.Runtime.dll" \
      -r:"$bin/awssdk-stub/$v/AWSSDK.Core.dll" -out:"$dir/CognitoNative.AwsSdk.dll" "${bridge[@]}"
    if [ "$variant" = editor ]; then
      "${MCS[@]}" -target:library "${defines[@]}" "${aws[@]}" -r:"$out/UnityEngine.dll" \
        -r:"$check/$variant/CognitoNative.Runtime.dll" -r:"$dir/CognitoNative.AwsSdk.dll" -r:"$bin/awssdk-stub/$v/AWSSDK.Core.dll" \
        -out:"$dir/CognitoNative.AwsSdk.Sample.dll" unity/Samples~/AwsSdkSample/*.cs
    fi
  done
done
rm -rf "$check"

echo "== tests"
mapfile -t tests < <(find csharp/tests/CognitoNative.Tests -name '*.cs' | LC_ALL=C sort)
"${MCS[@]}" -target:exe -r:"$bin/CognitoNative.dll" -out:"$out/ExitCheck.exe" csharp/tests/ExitCheck/ExitCheck.cs
"${MCS[@]}" -target:library -r:"$nunit_dll" -r:System.dll -r:System.Core.dll -r:System.Net.Http.dll \
  -r:"$bin/CognitoNative.dll" -r:"$out/CognitoNative.Unity.dll" -r:"$out/UnityEngine.dll" -r:"$out/UnityEditor.dll" \
  -r:"$bin/CognitoNative.AwsSdk.dll" -r:"$bin/awssdk-stub/3.7/AWSSDK.Core.dll" \
  -out:"$out/CognitoNative.Tests.dll" "${tests[@]}" "unity/Samples~/CognitoSample/CognitoSample.cs" \
  "unity/Samples~/UserPoolSample/UserPoolSample.cs"
cp "$bin/CognitoNative.dll" "$bin/CognitoNative.dll.mdb" "$bin/CognitoNative.AwsSdk.dll" "$bin/CognitoNative.AwsSdk.dll.mdb" \
  "$bin/awssdk-stub/3.7/AWSSDK.Core.dll" "$nunit_dll" "$out/"
nunit_args=()
if [ "$abi_only" = 1 ]; then
  nunit_args=(-run=CognitoNative.Tests.AbiTests)
else
  # DllImport("cognito_native") finds libcognito_native.so next to the assembly.
  cp target/debug/libcognito_native.so "$out/"
fi

# nunit-console exits with the number of failed tests; the tests bound their own waits.
status=0
(cd "$out" && COGNITO_AWSSDK_STUB=3.7 timeout 300 nunit-console -nologo -noshadow -labels "${nunit_args[@]}" \
  CognitoNative.Tests.dll -result="$out/TestResult.xml") || status=$?
if [ "$status" -ne 0 ]; then
  echo "C# tests FAILED (nunit-console exit status $status)" >&2
  exit 1
fi
if [ "$abi_only" = 0 ]; then
  # The bridge as built (against AWSSDK.Core 3.7) driven by AWSSDK.Core 4: the same assemblies with
  # the v4 stub in place of the 3.7 one.
  echo "== the AWS SDK bridge against AWSSDK.Core 4"
  v4="$bin/tests-awssdk4" && rm -rf "$v4" && cp -r "$out" "$v4"
  cp "$bin/awssdk-stub/4/AWSSDK.Core.dll" "$v4/"
  (cd "$v4" && COGNITO_AWSSDK_STUB=4 timeout 120 nunit-console -nologo -noshadow -labels \
    -run=CognitoNative.Tests.AwsSdk CognitoNative.Tests.dll -result="$v4/TestResult.xml") || status=$?
  if [ "$status" -ne 0 ]; then
    echo "C# tests against AWSSDK.Core 4 FAILED (nunit-console exit status $status)" >&2
    exit 1
  fi
fi
[ "$abi_only" = 0 ] || exit 0

echo "== cached-read bench"
bench_lib="${COGNITO_BENCH_LIB:-target/debug/libcognito_native.so}"
bench_dir="$bin/bench" && rm -rf "$bench_dir" && mkdir -p "$bench_dir"
cp "$bin/CognitoNative.dll" "$bin/CachedReadBench.exe" "$bench_dir/"
cp "$bench_lib" "$bench_dir/libcognito_native.so"
emulator_out="$(mktemp)"
target/debug/cognito-native emulate --port 0 >"$emulator_out" &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; rm -f "$emulator_out"' EXIT
for _ in $(seq 100); do [ -s "$emulator_out" ] && break; sleep 0.1; done
url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$emulator_out")"
echo "native library: $bench_lib"
timeout 120 mono "$bench_dir/CachedReadBench.exe" "$url" 1000000
