#!/usr/bin/env bash
# The NuGet packages as a consumer gets them: a fresh project installs CognitoNative from a local folder
# feed with NuGet's client (`nuget install`, not by copying files), is built with mcs against the
# restored package, and runs the AWS documentation's Xamarin snippet under Mono against the emulator.
# Then CognitoNative.AwsSdk is installed the same way: NuGet resolves its dependencies (CognitoNative
# from the feed, AWSSDK.Core from a test feed holding the reference stub under AWS's package id, since
# no NuGet registry is reachable here) and the restored bridge must reference AWS's AWSSDK.Core.
#   scripts/nuget-consumer-test.sh FEED_DIR     (a folder with the .nupkg files of scripts/pack.sh)
# Needs: nuget, mcs, mono, ikdasm (mono-devel) and target/debug/cognito-native (cargo build -p cognito-cli).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
feed="$(realpath "${1:?usage: $0 FEED_DIR}")"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/csharp/CognitoNative.csproj" | head -n1)"
for tool in nuget mcs mono ikdasm; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y nuget mono-mcs mono-devel)" >&2; exit 1; }
done
emulator_bin="$repo/target/debug/cognito-native"
[ -x "$emulator_bin" ] || { echo "no $emulator_bin: cargo build -p cognito-cli" >&2; exit 1; }

work="$repo/target/nuget-consumer"
rm -rf "$work"
mkdir -p "$work/app" "$work/stub-feed"
# NuGet 2.8 keeps a machine-wide cache and config under HOME: give it its own.
export HOME="$work/home"
mkdir -p "$HOME"
restore() { # PACKAGE [FEED...]: nuget install into app/packages
  local package=$1 sources=()
  shift
  for s in "$@"; do sources+=(-Source "$s"); done
  (cd "$work/app" && nuget install "$package" -Version "$version" "${sources[@]}" \
    -OutputDirectory packages -NoCache -NonInteractive) >"$work/nuget-$package.log" 2>&1 \
    || { cat "$work/nuget-$package.log" >&2; echo "nuget install $package failed" >&2; exit 1; }
}

# --- CognitoNative: restore, build, run the Xamarin snippet ----------------------------------------
restore CognitoNative "$feed"
pkg="$work/app/packages/CognitoNative.$version"
[ -f "$pkg/lib/netstandard2.0/CognitoNative.dll" ] || { echo "the restored package has no lib/netstandard2.0/CognitoNative.dll" >&2; exit 1; }
[ -f "$pkg/runtimes/linux-x64/native/libcognito_native.so" ] || { echo "the restored package has no runtimes/linux-x64/native/libcognito_native.so" >&2; exit 1; }
cat >"$work/app/Program.cs" <<'CS'
// The AWS documentation's Xamarin snippet (Getting Credentials), `using Amazon.CognitoIdentity;`
// become `using CognitoNative;`; the pool is the emulator's guest pool, at the URL given.
using System;
using System.Threading.Tasks;
using CognitoNative;

public static class Program
{
    public static int Main(string[] args)
    {
        CognitoOptions.Default = new CognitoOptions { Endpoint = args[0], AllowHttpLoopback = true, UseEnvironment = false, IdentityStore = new MemoryIdentityStore() };
        var identityId = Snippet().GetAwaiter().GetResult();
        Console.WriteLine("identity " + identityId);
        CognitoRuntime.Shutdown();
        return identityId.StartsWith("us-east-1:", StringComparison.Ordinal) ? 0 : 1;
    }

    private static async Task<string> Snippet()
    {
        CognitoAWSCredentials credentials = new CognitoAWSCredentials (
          "us-east-1:00000000-0000-4000-8000-000000000001",    // Cognito Identity Pool ID
          RegionEndpoint.USEast1 // Region
        );

        var identityId = await credentials.GetIdentityIdAsync();
        var aws = await credentials.GetCredentialsAsync();
        Console.WriteLine("credentials " + aws.AccessKey);
        return identityId;
    }
}
CS
mkdir -p "$work/app/bin"
mcs -sdk:4.7.1 -nologo -warnaserror+ -r:"$pkg/lib/netstandard2.0/CognitoNative.dll" -out:"$work/app/bin/Program.exe" "$work/app/Program.cs"
# The app's build output: its assembly, the package's assembly and the native library of this runtime.
cp "$pkg/lib/netstandard2.0/CognitoNative.dll" "$pkg/runtimes/linux-x64/native/libcognito_native.so" "$work/app/bin/"

emulator_out="$work/emulator.json"
"$emulator_bin" emulate --port 0 >"$emulator_out" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$emulator_out" ] && break; sleep 0.1; done
url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$emulator_out")"
case "$url" in
  http://127.0.0.1:*) ;;
  *) echo "the emulator did not start on loopback: $(cat "$emulator_out")" >&2; exit 1 ;;
esac
output="$(cd "$work/app/bin" && timeout 60 mono Program.exe "$url")" || { echo "$output" >&2; echo "the consumer app failed" >&2; exit 1; }
echo "$output"
grep -q '^identity us-east-1:' <<<"$output" || { echo "no identity id from the consumer app" >&2; exit 1; }
grep -q '^credentials ASIA' <<<"$output" || { echo "no credentials from the consumer app" >&2; exit 1; }
kill "$emulator_pid" 2>/dev/null || true
wait "$emulator_pid" 2>/dev/null || true
trap - EXIT

# --- CognitoNative.AwsSdk: NuGet resolves its dependencies -------------------------------------------
stub="$repo/csharp/bin/awssdk-stub/3.7/AWSSDK.Core.dll"
[ -f "$stub" ] || { echo "no $stub: csharp/build.sh" >&2; exit 1; }
mkdir -p "$work/stub-package/lib/netstandard2.0"
cp "$stub" "$work/stub-package/lib/netstandard2.0/"
cat >"$work/stub-package/AWSSDK.Core.nuspec" <<'NUSPEC'
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>AWSSDK.Core</id>
    <version>3.7.0</version>
    <authors>test stub</authors>
    <description>Test only, never published: the reference stub of AWSSDK.Core's API (csharp/tests/AwsSdkStub).</description>
  </metadata>
  <files>
    <file src="lib/netstandard2.0/*" target="lib/netstandard2.0" />
  </files>
</package>
NUSPEC
nuget pack "$work/stub-package/AWSSDK.Core.nuspec" -BasePath "$work/stub-package" -OutputDirectory "$work/stub-feed" \
  -NoPackageAnalysis -NonInteractive >/dev/null
rm -rf "$work/app/packages/CognitoNative.$version"
restore CognitoNative.AwsSdk "$feed" "$work/stub-feed"
for dir in "CognitoNative.AwsSdk.$version" "CognitoNative.$version" "AWSSDK.Core.3.7.0"; do
  [ -d "$work/app/packages/$dir" ] || { echo "nuget did not restore $dir" >&2; ls "$work/app/packages" >&2; exit 1; }
done
bridge="$work/app/packages/CognitoNative.AwsSdk.$version/lib/netstandard2.0/CognitoNative.AwsSdk.dll"
ikdasm "$bridge" >"$work/bridge.il" 2>/dev/null
tr -d '\r' <"$work/bridge.il" | awk '/^\.assembly extern AWSSDK\.Core/{f=1} f{print} f&&/^}/{f=0}' >"$work/aws-reference.txt"
if ! grep -q '.publickeytoken = (88 5C 28 60 7F 98 E6 04 )' "$work/aws-reference.txt" \
  || ! grep -q '.ver 3:3:0:0' "$work/aws-reference.txt"; then
  cat "$work/aws-reference.txt" >&2
  echo "the bridge does not reference AWS's AWSSDK.Core 3.3.0.0 (token 885c28607f98e604)" >&2
  exit 1
fi
echo "nuget consumer test: CognitoNative $version restored, built and run; CognitoNative.AwsSdk restored with its dependencies"
