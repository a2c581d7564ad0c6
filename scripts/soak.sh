#!/usr/bin/env bash
# Soak test of the C ABI (tests/c/soak.c): 64 threads on 8 providers for a bounded time against
# the emulator issuing 5-second credentials, with providers freed and re-created under load. Runs
# it under AddressSanitizer + UBSan (live heap and RSS bounded, leaks at exit), uninstrumented
# (glibc malloc: the tight RSS bound, and the most interleavings per second) and under valgrind
# (no memory error, no definite leak). A watchdog inside soak.c aborts on a hang; every run is also
# bounded here. Every run is made over plain http and over HTTPS (the emulator's TLS with its test
# CA: the library's TLS stack as against AWS), each against an emulator of its own.
#
#   scripts/soak.sh [--asan-only | --plain-only | --valgrind-only]
#
# Environment:
#   EMULATOR_SCHEMES="http https"   the schemes to run over
#   SOAK_SECONDS=30            duration of the ASan run
#   SOAK_PLAIN_SECONDS=15      duration of the uninstrumented run
#   SOAK_VALGRIND_SECONDS=20   duration of the valgrind run
#   SOAK_VALGRIND_CREDENTIAL_LIFETIME=20   its credentials' lifetime (the others: SOAK_CREDENTIAL_LIFETIME=5)
#   VALGRIND_SCALE=20          deadline multiplier under valgrind (TU_TIMEOUT_SCALE)
#   SOAK_SEED=<n>              repeats a run's random choices (printed by every run)
#   and the other SOAK_* variables of tests/c/soak.c (SOAK_THREADS, SOAK_CHURN_MS, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/c-common.sh
source scripts/c-common.sh
OUT=$ROOT/target/soak

modes=(asan plain valgrind)
case "${1:-}" in
    "") ;;
    --asan-only) modes=(asan) ;;
    --plain-only) modes=(plain) ;;
    --valgrind-only) modes=(valgrind) ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--asan-only | --plain-only | --valgrind-only]" >&2; exit 2 ;;
esac
started=$SECONDS

step "build: libcognito_native.so (debug) and the CLI"
build_native

step "compile tests/c/soak.c (ASan+UBSan, and plain -g for valgrind)"
mkdir -p "$OUT/tmp"
SOURCES=(tests/c/test_util.c tests/c/soak.c)
gcc "${CFLAGS[@]}" "${SAN[@]}" "${SOURCES[@]}" "${LDFLAGS[@]}" -o "$OUT/soak-asan"
gcc "${CFLAGS[@]}" -g -O1 "${SOURCES[@]}" "${LDFLAGS[@]}" -o "$OUT/soak-plain"

EMULATOR_ARGS=(--credential-lifetime "${SOAK_CREDENTIAL_LIFETIME:-5}")
export SOAK_TMPDIR="$OUT/tmp"

for scheme in "${SCHEMES[@]}"; do
    step "start the emulator ($scheme, ${SOAK_CREDENTIAL_LIFETIME:-5}-second credentials)"
    start_emulator "$scheme"
    for mode in "${modes[@]}"; do
        pass_begin "$mode soak ($scheme)"
        case $mode in
            asan)
                secs=${SOAK_SECONDS:-30}
                # A small quarantine: ASan's default (256 MiB) would fill up during the run and
                # hide the RSS trend. Use-after-free is still caught within the last 8 MiB of
                # frees, and by the C tests and valgrind run with full checking.
                quarantine=quarantine_size_mb=8:thread_local_quarantine_size_kb=64
                run "asan soak (${secs} s, $scheme)" $((secs + 200)) env SOAK_SECONDS="$secs" \
                    ASAN_OPTIONS="$ASAN_OPTIONS_C:$quarantine" UBSAN_OPTIONS="$UBSAN_OPTIONS_C" \
                    "$OUT/soak-asan"
                ;;
            plain)
                secs=${SOAK_PLAIN_SECONDS:-15}
                run "uninstrumented soak (${secs} s, $scheme)" $((secs + 200)) \
                    env SOAK_SECONDS="$secs" "$OUT/soak-plain"
                ;;
            valgrind)
                secs=${SOAK_VALGRIND_SECONDS:-20}
                # Longer-lived credentials (soak.c sets the emulator's lifetime): 5-second ones
                # leave the library 1.25 s in hand (a quarter of their life), which a callback
                # thread stalled under valgrind on a busy machine can overrun (a CI run saw one
                # delivered 0.1 s after they expired); the other passes keep 5 s.
                # exit 97: valgrind found an error or a definite leak; 1: an invariant failed.
                run "valgrind soak (${secs} s, $scheme)" $((secs + 600)) env SOAK_SECONDS="$secs" \
                    SOAK_CREDENTIAL_LIFETIME="${SOAK_VALGRIND_CREDENTIAL_LIFETIME:-20}" \
                    TU_TIMEOUT_SCALE="${VALGRIND_SCALE:-20}" \
                    "${VALGRIND[@]/--error-exitcode=1/--error-exitcode=97}" "$OUT/soak-plain"
                ;;
        esac
        pass_end
    done
    stop_emulator
done

echo
echo "soak.sh: $((SECONDS - started)) s"
summary "soak passed"
