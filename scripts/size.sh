#!/usr/bin/env bash
# Size of the shipped native library on this machine (linux x86_64): builds it with the
# release-symbols profile (the release profile, symbols kept), strips a copy with strip(1) — the
# figure `cargo build --release` gives, its profile strips — and prints markdown tables to paste
# into BENCHMARKS.md: the stripped size against the budget, the sections of the stripped file, and
# the crates the code and data come from (the symbols of the unstripped build).
#
#   scripts/size.sh [--top N]     N crates in the table (default 15)
#   scripts/size.sh --build-std   the same library with std rebuilt by cargo with our profile and
#                                 without std's backtrace symbolizer (-Z build-std, on this stable
#                                 toolchain through RUSTC_BOOTSTRAP=1; adds the rust-src component):
#                                 what that build would save, measured, not what ships
#
# Exits 1 when the stripped library exceeds BUDGET_KIB. Needs only cargo and binutils (nm, strip,
# size). Crates: the size of each symbol (functions, named constants) is counted to the crate its
# demangled name starts with; a generic instantiated from the standard library (drop_in_place,
# Vec, Arc, Option...) to the first other crate its name mentions, else to std (core, alloc, std
# and the backtrace printer it links: gimli, addr2line, miniz_oxide, rustc_demangle, hashbrown).
# Symbols without a path are ring's C and assembly, but for the C ABI (cognito_*, counted to
# cognito_native) and the Rust runtime's (rust_*, __*). What no symbol covers (unwind tables,
# relocations, string literals and other anonymous constants, the ELF headers) is the last row.
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET_KIB=3072
PROFILE=release-symbols
LIB=libcognito_native.so
TOP=15
BUILD_STD=0

while [ $# -gt 0 ]; do
  case "$1" in
    --top) TOP="$2"; shift 2 ;;
    --build-std) BUILD_STD=1; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

for tool in nm strip size; do
  command -v "$tool" >/dev/null || { echo "no $tool: apt-get install binutils" >&2; exit 2; }
done

if [ "$BUILD_STD" = 1 ]; then
  # Its own target dir: std built this way must not mix with the ordinary builds' artifacts.
  rustup component add rust-src >&2
  host=$(rustc -vV | sed -n 's/^host: //p')
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/build-std cargo build --quiet --profile "$PROFILE" \
    --lib -p cognito-native-lib --target "$host" \
    -Z build-std=std,panic_unwind -Z build-std-features=panic-unwind >&2
  built="target/build-std/$host/$PROFILE/$LIB"
else
  cargo build --quiet --profile "$PROFILE" --lib >&2
  built="target/$PROFILE/$LIB"
fi
stripped="$built.stripped"
strip -o "$stripped" "$built"

bytes=$(stat -c %s "$stripped")
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
share() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f %%", 100 * b / t }'; }

echo "## Native library size ($(uname -m) $(uname -s | tr '[:upper:]' '[:lower:]'))"
echo
how="as \`cargo build --release\` builds it"
[ "$BUILD_STD" = 0 ] || how="with std rebuilt (\`--build-std\`: no backtrace symbolizer; not what ships)"
echo "\`$LIB\` $how ($(rustc --version | cut -d' ' -f1-2); [profile.release] $(sed -n '/^\[profile\.release\]/,/^$/{/=/p}' Cargo.toml | paste -sd, | sed 's/,/, /g'))."
echo
echo "| what | KiB |"
echo "|---|---|"
echo "| stripped | $(kib "$bytes") |"
echo "| budget | $BUDGET_KIB |"
echo "| unstripped (symbols kept) | $(kib "$(stat -c %s "$built")") |"
echo

echo "### Sections of the stripped library"
echo
echo "| section | KiB | share |"
echo "|---|---|---|"
# size -A: name, size, address; sections under 1 KiB are summed in one row
size -A "$stripped" | awk -v total="$bytes" '
  $1 ~ /^\./ && $1 != ".comment" && $1 != ".bss" && $1 != ".tbss" { sum += $2; if ($2 >= 1024) print $2, $1; else small += $2 }
  END { print small, "(sections under 1 KiB)"; print total - sum, "(ELF headers, section table, padding)" }' |
  sort -rn | while read -r size name; do
    echo "| $name | $(kib "$size") | $(share "$size" "$bytes") |"
  done
echo

echo "### Crates (top $TOP)"
echo
echo "| crate | KiB | share |"
echo "|---|---|---|"
crates=$(nm -S -t d -C --defined-only "$built" | awk '
  function is_std(c) {
    return c ~ /^(core|alloc|std|gimli|addr2line|miniz_oxide|rustc_demangle|object|hashbrown|std_detect|adler2?|panic_unwind|unwind)$/
  }
  function crate_of(name,   c, rest) {
    if (index(name, "::") == 0) {
      if (name ~ /^cognito_/) return "cognito_native"
      if (name ~ /^(rust_|__)/) return "std"
      return "ring (C, assembly)"
    }
    # the first crate named that is not std: a path that starts the name or follows < , ( & * [
    rest = " " name
    while (match(rest, /[ <,(&*\[][a-z_][a-z0-9_]*::/)) {
      c = substr(rest, RSTART + 1, RLENGTH - 3)
      if (!is_std(c)) return c
      rest = substr(rest, RSTART + RLENGTH)
    }
    return "std"
  }
  $3 ~ /^[tTrRdDbBvVwW]$/ && NF >= 4 {
    name = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", name)
    size[crate_of(name)] += $2
  }
  END { for (c in size) printf "%d\t%s\n", size[c], c }' | sort -rn)
covered=$(printf '%s\n' "$crates" | awk -F'\t' '{ s += $1 } END { print s + 0 }')
shown=0
while IFS=$'\t' read -r size name; do
  echo "| $name | $(kib "$size") | $(share "$size" "$bytes") |"
  shown=$((shown + size))
done < <(printf '%s\n' "$crates" | head -n "$TOP")
echo "| (the other crates) | $(kib $((covered - shown))) | $(share $((covered - shown)) "$bytes") |"
echo "| (in no symbol: unwind tables, relocations, anonymous constants, ELF headers) | $(kib $((bytes - covered))) | $(share $((bytes - covered)) "$bytes") |"
echo

kib_int=$(( (bytes + 1023) / 1024 ))
if [ "$kib_int" -gt "$BUDGET_KIB" ]; then
  echo "over budget: $LIB stripped is $(kib "$bytes") KiB, the budget $BUDGET_KIB KiB" >&2
  exit 1
fi
echo "within budget: $(kib "$bytes") KiB of $BUDGET_KIB KiB" >&2
