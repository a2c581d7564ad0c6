#!/usr/bin/env bash
# Packs the release artefacts from the native libraries placed in the UPM package (by
# unity/place-plugins.sh and scripts/platforms/*.sh) and the C# library:
#   target/pack/com.cognitonative.credentials-<version>.tgz   the UPM package (npm layout: package/...):
#       Runtime, Samples~, package.json, README, CHANGELOG and the .meta files; the native library
#       of each platform that was built, with its .meta (import settings); no tooling (*.sh, *.in)
#   target/pack/nuget/                                         the NuGet layout:
#       CognitoNative.nuspec, lib/netstandard2.0/CognitoNative.dll (+ .xml),
#       runtimes/<rid>/native/<library> for each platform that was built
#   target/pack/CognitoNative.<version>.nupkg                  when the .NET SDK (dotnet) is installed
#
#   scripts/pack.sh [--out DIR] [--plugins DIR]
#     --out DIR      where to write (default target/pack; emptied first)
#     --plugins DIR  take the native libraries from DIR (same layout as unity/Runtime/Plugins)
#                    instead of the package itself (used by scripts/pack-test.sh)
# Without the .NET SDK, lib/netstandard2.0/CognitoNative.dll is built by csharp/build.sh (Mono's
# mcs, against Mono's 4.7.1 profile; runs on Mono, Unity, Xamarin and .NET). With it, `dotnet build`
# makes the netstandard2.0 assembly and `dotnet pack` the .nupkg.
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

# --- NuGet layout ------------------------------------------------------------------------------
lib="$nuget/lib/netstandard2.0"
mkdir -p "$lib"
if command -v dotnet >/dev/null; then
  dotnet build -nologo -c Release csharp/CognitoNative.csproj >&2
  cp csharp/obj/dotnet-bin/netstandard2.0/CognitoNative.dll csharp/obj/dotnet-bin/netstandard2.0/CognitoNative.xml "$lib/"
  dotnet pack -nologo -c Release --no-build csharp/CognitoNative.csproj -o "$out" \
    -p:NativeRuntimesDir="$nuget/runtimes/" >&2
else
  command -v mcs >/dev/null || die "neither dotnet nor mcs: apt-get install mono-mcs mono-devel"
  csharp/build.sh >&2
  cp csharp/bin/CognitoNative.dll csharp/bin/CognitoNative.xml "$lib/"
fi
cat >"$nuget/CognitoNative.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>CognitoNative</id>
    <version>$nuget_version</version>
    <authors>cognito-native</authors>
    <license type="expression">Apache-2.0</license>
    <description>AWS credentials from Amazon Cognito identity pools, backed by the native cognito-native engine: a drop-in for Amazon.CognitoIdentity.CognitoAWSCredentials (Xamarin, .NET, Unity).</description>
    <tags>aws cognito credentials identity-pool xamarin unity</tags>
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
NUSPEC

log "pack: ${tarball#"$repo"/} ($(du -h "$tarball" | cut -f1))"
log "pack: ${nuget#"$repo"/}/ (runtimes: ${included[*]})"
