#!/usr/bin/env bash
# Tests scripts/pack.sh's output layout, twice:
#  1. every platform: a plugins folder with a stand-in file for each of the 7 platform libraries
#     -> the UPM tarball holds each with its .meta (enabled for exactly its platform and CPU) and
#        folder .meta files; the NuGet folder has runtimes/<rid>/native/<library> for each;
#  2. what is built here: the libraries placed in unity/Runtime/Plugins -> only those are packed
#     (no .meta without its asset), and each is a binary of the right format (`file`).
# Both: the tarball's entries are under package/, it holds the library's sources (every
# unity/Runtime/Core/**/*.cs git tracks), every asset has a .meta and every .meta an asset, GUIDs are
# unique, no tooling (*.sh, *.in, .gitignore), versions agree (package.json, CHANGELOG, csproj,
# Cargo.toml, nuspec), lib/netstandard2.0/CognitoNative.dll is a .NET assembly; the .nupkg files
# (CognitoNative, CognitoNative.AwsSdk) hold what they should and the bridge's depends on CognitoNative
# and AWSSDK.Core >= 3.7. Then scripts/nuget-consumer-test.sh installs the real packages with NuGet's
# client, builds a fresh project against them and runs it against the emulator.
set -euo pipefail
# shellcheck source=scripts/platforms/common.sh
. "$(dirname "$0")/platforms/common.sh"
cd "$repo"

work="$repo/target/pack-test"
rm -rf "$work"
mkdir -p "$work/stub-plugins"
while IFS=$'\t' read -r path rid _; do
  mkdir -p "$work/stub-plugins/$(dirname "$path")"
  printf 'stand-in for %s\n' "$rid" >"$work/stub-plugins/$path"
done <<<"$PLATFORM_TABLE"

check() { # MODE OUT
  local tarball
  tarball="$(echo "$2"/com.cognitonative.credentials-*.tgz)"
  mkdir -p "$2/extracted"
  tar -C "$2/extracted" -xzf "$tarball"
  PLATFORM_TABLE="$PLATFORM_TABLE" python3 - "$1" "$2" "$tarball" <<'PY'
import json, os, re, subprocess, sys, tarfile
mode, out, tarball = sys.argv[1:]
repo = os.getcwd()
errors = []
def fail(msg): errors.append(msg)

table = [l.split("\t") for l in os.environ["PLATFORM_TABLE"].splitlines()]
# Which Unity platform entry each library must enable (and nothing else).
expected = {
    "Linux/x86_64/libcognito_native.so": {("Editor", "Editor"): "x86_64", ("Standalone", "Linux64"): "x86_64"},
    "Windows/x86_64/cognito_native.dll": {("Editor", "Editor"): "x86_64", ("Standalone", "Win64"): "x86_64"},
    "macOS/libcognito_native.dylib": {("Editor", "Editor"): "AnyCPU", ("Standalone", "OSXUniversal"): "AnyCPU"},
    "Android/arm64-v8a/libcognito_native.so": {("Android", "Android"): "ARM64"},
    "Android/armeabi-v7a/libcognito_native.so": {("Android", "Android"): "ARMv7"},
    "Android/x86_64/libcognito_native.so": {("Android", "Android"): "X86_64"},
    "iOS/libcognito_native.a": {("iPhone", "iOS"): "ARM64"},
}
editor_os = {"Linux/x86_64/libcognito_native.so": "Linux", "Windows/x86_64/cognito_native.dll": "Windows",
             "macOS/libcognito_native.dylib": "OSX"}
if set(expected) != {row[0] for row in table}:
    fail("the platform table and the test's expectations differ")

def platform_data(meta):
    """(first key, first value) -> (enabled, settings dict) from a PluginImporter .meta."""
    entries, cur, section = {}, None, None
    for line in meta.splitlines():
        m = re.match(r"^      (\S*): ?(.*)$", line)
        if m and cur is None or (m and section == "first"):
            cur = (m.group(1), m.group(2).strip()); entries[cur] = [None, {}]; continue
        if line == "  - first:": cur, section = None, "first"; continue
        if line == "    second:": section = "second"; continue
        m = re.match(r"^      enabled: (\d)$", line)
        if m and cur: entries[cur][0] = int(m.group(1)); continue
        m = re.match(r"^        (.+?): ?(.*)$", line)
        if m and cur: entries[cur][1][m.group(1)] = m.group(2).strip()
    return entries

with tarfile.open(tarball) as t:
    names = [m.name.rstrip("/") for m in t.getmembers()]
    files = {m.name for m in t.getmembers() if m.isfile()}
    dirs = {m.name.rstrip("/") for m in t.getmembers() if m.isdir()}
    for m in t.getmembers():
        if m.uid != 0 or m.gid != 0: fail(f"{m.name}: owner {m.uid}:{m.gid}, not 0:0")
if any(n != "package" and not n.startswith("package/") for n in names):
    fail("entries outside package/")
for n in names:
    base = os.path.basename(n)
    if n.endswith((".sh", ".in")) or base == ".gitignore": fail(f"tooling file packed: {n}")
# the library's one source tree is in the package (csharp/build.sh and the csproj compile it there)
sources = subprocess.run(["git", "ls-files", "--", "unity/Runtime/Core/*.cs"],
                         capture_output=True, text=True, check=True).stdout.split()
if not sources: fail("git lists no unity/Runtime/Core/*.cs")
for src in sources:
    if "package/" + src[len("unity/"):] not in files: fail(f"library source not packed: {src}")
# every asset has a .meta, every .meta an asset (Samples~ is not imported: no .meta there)
for n in sorted(set(names) - {"package"}):
    if "~" in n or n.endswith(".meta"): continue
    if n + ".meta" not in files: fail(f"no .meta for {n}")
for n in files:
    if n.endswith(".meta") and n[:-5] not in files | dirs: fail(f".meta without its asset: {n}")
guids = {}
ex = os.path.join(out, "extracted")
for n in files:
    if n.endswith(".meta"):
        g = re.search(r"^guid: ([0-9a-f]{32})$", open(os.path.join(ex, n)).read(), re.M)
        if not g: fail(f"{n}: no guid"); continue
        if g.group(1) in guids: fail(f"guid of {n} also in {guids[g.group(1)]}")
        guids[g.group(1)] = n

# versions
pkg = json.load(open(os.path.join(ex, "package/package.json")))
version = pkg["version"]
if not re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", version): fail(f"package.json version {version!r}")
if os.path.basename(tarball) != f"com.cognitonative.credentials-{version}.tgz": fail("tarball name/version")
if pkg["name"] != "com.cognitonative.credentials": fail("package name")
changelog = open(os.path.join(ex, "package/CHANGELOG.md")).read()
top = re.search(r"^## \[([^\]]+)\]", changelog, re.M)
if not top or top.group(1) != version: fail(f"CHANGELOG's latest entry {top and top.group(1)} != {version}")
csproj = re.search(r"<Version>(.*)</Version>", open("csharp/CognitoNative.csproj").read()).group(1)
cargo = re.search(r'^version = "(.*)"', open("Cargo.toml").read(), re.M).group(1)
nuspec = open(os.path.join(out, "nuget/CognitoNative.nuspec")).read()
nv = re.search(r"<version>(.*)</version>", nuspec).group(1)
if len({version, csproj, cargo, nv}) != 1:
    fail(f"versions differ: package.json {version}, csproj {csproj}, Cargo.toml {cargo}, nuspec {nv}")

# plugins: which are packed, their import settings, the NuGet runtimes
nuget = os.path.join(out, "nuget")
packed = []
for path, rid, kind in table:
    in_tar = f"package/Runtime/Plugins/{path}" in files
    in_nuget = os.path.isfile(os.path.join(nuget, "runtimes", rid, "native", os.path.basename(path)))
    want = mode == "all" or os.path.isfile(os.path.join(repo, "unity/Runtime/Plugins", path))
    if in_tar != want or in_nuget != want:
        fail(f"{path}: in tarball {in_tar}, in nuget {in_nuget}, expected {want}")
    if not in_tar: continue
    packed.append(rid)
    meta = open(os.path.join(ex, f"package/Runtime/Plugins/{path}.meta")).read()
    if "PluginImporter:" not in meta: fail(f"{path}.meta is not a PluginImporter")
    data = platform_data(meta)
    for key, (enabled, settings) in data.items():
        if key in (("", "Any"), ("Any", "")):
            if enabled: fail(f"{path}: enabled for Any platform")
            continue
        if key in expected[path]:
            if enabled != 1: fail(f"{path}: {key} not enabled")
            if settings.get("CPU") != expected[path][key]:
                fail(f"{path}: {key} CPU {settings.get('CPU')} != {expected[path][key]}")
            if key[0] == "Editor" and settings.get("OS") != editor_os[path]:
                fail(f"{path}: Editor OS {settings.get('OS')}")
        elif enabled: fail(f"{path}: also enabled for {key}")
    for key in expected[path]:
        if key not in data: fail(f"{path}: no entry for {key}")
    if mode == "real":
        desc = subprocess.run(["file", "-b", os.path.join(ex, f"package/Runtime/Plugins/{path}")],
                              capture_output=True, text=True).stdout
        if not desc.startswith(kind): fail(f"{path}: `file` says {desc.strip()!r}, expected {kind!r}")
for rid in os.listdir(os.path.join(nuget, "runtimes")):
    if rid not in packed: fail(f"unexpected runtimes/{rid}")
dll = os.path.join(nuget, "lib/netstandard2.0/CognitoNative.dll")
desc = subprocess.run(["file", "-b", dll], capture_output=True, text=True).stdout if os.path.isfile(dll) else ""
if "Mono/.Net assembly" not in desc: fail(f"lib/netstandard2.0/CognitoNative.dll: {desc.strip() or 'missing'}")
if not os.path.isfile(os.path.join(nuget, "lib/netstandard2.0/CognitoNative.xml")): fail("no CognitoNative.xml")

# the .nupkg files NuGet's packer made from the nuspecs
import xml.etree.ElementTree as ET, zipfile
def nupkg(package_id):
    path = os.path.join(out, f"{package_id}.{nv}.nupkg")
    if not os.path.isfile(path):
        fail(f"no {package_id}.{nv}.nupkg"); return set(), None
    with zipfile.ZipFile(path) as z:
        entries = set(z.namelist())
        specs = [n for n in entries if n.endswith(".nuspec") and "/" not in n]
        if len(specs) != 1: fail(f"{package_id}: nuspecs {specs}"); return entries, None
        meta = ET.fromstring(z.read(specs[0])).find("{*}metadata")
    if meta.findtext("{*}id") != package_id: fail(f"{package_id}: id {meta.findtext('{*}id')}")
    if meta.findtext("{*}version") != nv: fail(f"{package_id}: version {meta.findtext('{*}version')}")
    return entries, meta
entries, meta = nupkg("CognitoNative")
want = {"lib/netstandard2.0/CognitoNative.dll", "lib/netstandard2.0/CognitoNative.xml"}
want |= {f"runtimes/{rid}/native/{os.path.basename(path)}" for path, rid, kind in table if rid in packed}
if entries and want - entries: fail(f"CognitoNative.nupkg lacks {sorted(want - entries)}")
extra = {e for e in entries if e.startswith(("lib/", "runtimes/"))} - want
if extra: fail(f"CognitoNative.nupkg has unexpected {sorted(extra)}")
if meta is not None and meta.find("{*}dependencies") is not None and len(list(meta.find("{*}dependencies").iter())) > 1:
    fail("CognitoNative.nupkg has dependencies")
entries, meta = nupkg("CognitoNative.AwsSdk")
want = {"lib/netstandard2.0/CognitoNative.AwsSdk.dll", "lib/netstandard2.0/CognitoNative.AwsSdk.xml"}
if entries and {e for e in entries if e.startswith(("lib/", "runtimes/"))} != want:
    fail(f"CognitoNative.AwsSdk.nupkg: {sorted(e for e in entries if e.startswith(('lib/', 'runtimes/')))}")
if meta is not None:
    deps = {d.get("id"): d.get("version") for d in meta.iter("{http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd}dependency")}
    deps = deps or {d.get("id"): d.get("version") for d in meta.iter() if d.tag.endswith("dependency")}
    if deps != {"CognitoNative": f"[{nv}]", "AWSSDK.Core": "3.7.0"}:
        fail(f"CognitoNative.AwsSdk's dependencies: {deps}")
bridge = os.path.join(out, "nuget-awssdk/lib/netstandard2.0/CognitoNative.AwsSdk.dll")
desc = subprocess.run(["file", "-b", bridge], capture_output=True, text=True).stdout if os.path.isfile(bridge) else ""
if "Mono/.Net assembly" not in desc: fail(f"CognitoNative.AwsSdk.dll: {desc.strip() or 'missing'}")

if errors:
    print(f"pack-test ({mode}): FAILED", file=sys.stderr)
    for e in errors: print("  " + e, file=sys.stderr)
    sys.exit(1)
print(f"pack-test ({mode}): layout ok: {len(files)} files in the tarball, runtimes {' '.join(sorted(packed))}",
      file=sys.stderr)
PY
}

scripts/pack.sh --out "$work/all" --plugins "$work/stub-plugins" 2>/dev/null
check all "$work/all"
scripts/pack.sh --out "$work/real" >/dev/null
check real "$work/real"
# a consumer installs the real packages with NuGet's client, builds and runs against them
scripts/nuget-consumer-test.sh "$work/real"
