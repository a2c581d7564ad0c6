#!/usr/bin/env bash
# Packs the release artefacts from the native libraries placed in the UPM package (by
# unity/place-plugins.sh and scripts/platforms/*.sh) and the C# library:
#   target/pack/com.cognitonative.credentials-<version>.tgz   the UPM package (npm layout: package/...):
#       Runtime, Samples~, package.json, README, CHANGELOG and the .meta files; the native library
#       of each platform that was built, with its .meta (import settings); no tooling (*.sh, *.in)
#   target/pack/nuget/                                         the NuGet layout:
#       CognitoNative.nuspec, lib/netstandard2.0/CognitoNative.dll (+ .xml),
#       runtimes/<rid>/native/<library> for each platform that was built
#   target/pack/nuget-awssdk/                                  the bridge's NuGet layout:
#       CognitoNative.AwsSdk.nuspec (depends on CognitoNative and AWSSDK.Core >= 3.7),
#       lib/netstandard2.0/CognitoNative.AwsSdk.dll (+ .xml), its AWSSDK.Core reference pointed at
#       AWS's assembly (csharp/tools/Retarget.cs: it is compiled against a reference stub)
#   target/pack/CognitoNative.<version>.nupkg, CognitoNative.AwsSdk.<version>.nupkg
#                                                              made by NuGet's packer (`nuget pack`,
#                                                              Debian's nuget under Mono) from the nuspecs
#
#   scripts/pack.sh [--out DIR] [--plugins DIR]
#     --out DIR      where to write (default target/pack; emptied first)
#     --plugins DIR  take the native libraries from DIR (same layout as unity/Runtime/Plugins)
#                    instead of the package itself (used by scripts/pack-test.sh)
# Without the .NET SDK, lib/netstandard2.0/CognitoNative.dll is built by csharp/build.sh (Mono's
# mcs, against Mono's 4.7.1 profile; runs on Mono, Unity, Xamarin and .NET). With it, `dotnet build`
# makes the netstandard2.0 assembly. The bridge is built by csharp/build.sh either way. Needs nuget
# (apt-get install -y nuget).
set -euo pipefail
# shellcheck source=scripts/platforms/common.sh
. "$(dirname "$0")/platforms/common.sh"
cd "$repo"

out="$repo/target/pack"
from="$plugins"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    --plugins) from="$(realpath "$2")"; shift 2 ;;
    *) die "unknown argument $1 (see the top of $0)" ;;
  esac
done

unity/meta.sh --check
upm_version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' unity/package.json | head -n1)"
nuget_version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' csharp/CognitoNative.csproj | head -n1)"
{ [ -n "$upm_version" ] && [ -n "$nuget_version" ]; } || die "no version in unity/package.json or the csproj"

rm -rf "$out"
mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# --- UPM tarball -------------------------------------------------------------------------------
pkg="$stage/package"
mkdir -p "$pkg"
tar -C unity --exclude=./Runtime/Plugins --exclude='*.sh' --exclude='*.in' --exclude=.gitignore \
  -cf - . | tar -C "$pkg" -xf -
mkdir -p "$pkg/Runtime/Plugins"
cp unity/Runtime/Plugins.meta "$pkg/Runtime/"
nuget="$out/nuget"
mkdir -p "$nuget"
included=()
while IFS=$'\t' read -r path rid _; do
  [ -f "$from/$path" ] || continue
  # the library and its .meta, and the .meta of each folder above it
  mkdir -p "$pkg/Runtime/Plugins/$(dirname "$path")"
  cp "$from/$path" "$pkg/Runtime/Plugins/$path"
  cp "$plugins/$path.meta" "$pkg/Runtime/Plugins/$path.meta"
  dir="$(dirname "$path")"
  while [ "$dir" != . ]; do
    cp "$plugins/$dir.meta" "$pkg/Runtime/Plugins/$dir.meta"
    dir="$(dirname "$dir")"
  done
  mkdir -p "$nuget/runtimes/$rid/native"
  cp "$from/$path" "$nuget/runtimes/$rid/native/"
  included+=("$rid")
done <<<"$PLATFORM_TABLE"
[ ${#included[@]} -gt 0 ] || die "no native library in ${from#"$repo"/}: build one first (see README, Platforms)"

tarball="$out/com.cognitonative.credentials-$upm_version.tgz"
mtime="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - package \
  | gzip -n -9 >"$tarball"

# --- NuGet layouts and packages ----------------------------------------------------------------
command -v nuget >/dev/null || die "no nuget: apt-get install -y nuget"
command -v mcs >/dev/null || die "no mcs: apt-get install -y mono-mcs mono-devel"
csharp/build.sh >&2
lib="$nuget/lib/netstandard2.0"
mkdir -p "$lib"
if command -v dotnet >/dev/null; then
  dotnet build -nologo -c Release csharp/CognitoNative.csproj >&2
  cp csharp/obj/dotnet-bin/netstandard2.0/CognitoNative.dll csharp/obj/dotnet-bin/netstandard2.0/CognitoNative.xml "$lib/"
else
  cp csharp/bin/CognitoNative.dll csharp/bin/CognitoNative.xml "$lib/"
fi
# NuGet 2.8 (Debian's) predates license expressions and netstandard dependency groups (it would write
# the group as "Unsupported0.0"): a license URL, and dependencies for every framework.
files=("    <file src=\"lib/netstandard2.0/*\" target=\"lib/netstandard2.0\" />")
for rid in "${included[@]}"; do
  files+=("    <file src=\"runtimes/$rid/native/*\" target=\"runtimes/$rid/native\" />")
done
cat >"$nuget/CognitoNative.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>CognitoNative</id>
    <version>$nuget_version</version>
    <authors>cognito-native</authors>
    <licenseUrl>https://www.apache.org/licenses/LICENSE-2.0</licenseUrl>
    <description>AWS credentials from Amazon Cognito identity pools, backed by the native cognito-native engine: a drop-in for Amazon.CognitoIdentity.CognitoAWSCredentials (Xamarin, .NET, Unity).</description>
    <tags>aws cognito credentials identity-pool xamarin unity</tags>
  </metadata>
  <files>
$(printf '%s\n' "${files[@]}")
  </files>
</package>
NUSPEC

bridge="$out/nuget-awssdk"
mkdir -p "$bridge/lib/netstandard2.0"
cecil="$(find /usr/lib/mono/gac/Mono.Cecil -name Mono.Cecil.dll 2>/dev/null | sort -V | tail -n1)"
[ -n "$cecil" ] || die "no Mono.Cecil (it comes with mono-devel)"
mcs -sdk:4.7.1 -nologo -warnaserror+ -r:"$cecil" -r:System.Core.dll -out:"$stage/Retarget.exe" csharp/tools/Retarget.cs
mono "$stage/Retarget.exe" csharp/bin/CognitoNative.AwsSdk.dll "$bridge/lib/netstandard2.0/CognitoNative.AwsSdk.dll"
cp csharp/bin/CognitoNative.AwsSdk.xml "$bridge/lib/netstandard2.0/"
cat >"$bridge/CognitoNative.AwsSdk.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>CognitoNative.AwsSdk</id>
    <version>$nuget_version</version>
    <authors>cognito-native</authors>
    <licenseUrl>https://www.apache.org/licenses/LICENSE-2.0</licenseUrl>
    <description>Hands CognitoNative's Amazon Cognito credentials to AWS SDK for .NET clients: ToAWSCredentials(), and a CognitoAWSCredentials that is an Amazon.Runtime.AWSCredentials with AWS's types (AWSSDK.Core 3.7 and 4).</description>
    <tags>aws cognito credentials awssdk</tags>
    <dependencies>
      <dependency id="CognitoNative" version="[$nuget_version]" />
      <dependency id="AWSSDK.Core" version="3.7.0" />
    </dependencies>
  </metadata>
  <files>
    <file src="lib/netstandard2.0/*" target="lib/netstandard2.0" />
  </files>
</package>
NUSPEC
for spec in "$nuget/CognitoNative.nuspec" "$bridge/CognitoNative.AwsSdk.nuspec"; do
  nuget pack "$spec" -BasePath "$(dirname "$spec")" -OutputDirectory "$out" -NoPackageAnalysis -NonInteractive >&2
done

log "pack: ${tarball#"$repo"/} ($(du -h "$tarball" | cut -f1))"
log "pack: ${nuget#"$repo"/}/ (runtimes: ${included[*]}), ${bridge#"$repo"/}/"
log "pack: $(cd "$out" && echo ./*.nupkg)"
