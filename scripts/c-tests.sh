#!/usr/bin/env bash
# C tests of the C ABI (include/cognito_native.h) against the local emulator, over plain http and
# over HTTPS (the emulator's TLS with a generated test CA: the library's TLS stack, rustls + ring,
# runs as it does against AWS): every test binary under AddressSanitizer + UBSan and under
# valgrind, the examples as smoke runs (the game server: guest identities, developer identities,
# memory per provider; the S3 round trip: a signed PUT and a presigned GET the emulator verifies,
# with libcurl). (That the committed header is the generated one is `scripts/check.sh header`.)
#
#   scripts/c-tests.sh
#
# Environment:
#   EMULATOR_SCHEMES="http https"   the schemes to run every pass over (one emulator each)
#   VALGRIND_CALLS=1000    concurrent calls of test_concurrency under valgrind (at least 200)
#   VALGRIND_SCALE=20      deadline multiplier under valgrind
#   SKIP_VALGRIND=1        ASan only
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/c-common.sh
source scripts/c-common.sh
OUT=$ROOT/target/c-tests
TESTS=(test_happy test_concurrency test_lifecycle test_errors test_misuse test_developer)

step "build: libcognito_native.so (debug) and the CLI"
build_native

step "compile the C tests (ASan+UBSan, and plain -g for valgrind) and the example"
mkdir -p "$OUT/asan" "$OUT/plain"
for t in "${TESTS[@]}"; do
    gcc "${CFLAGS[@]}" "${SAN[@]}" tests/c/test_util.c "tests/c/$t.c" "${LDFLAGS[@]}" -o "$OUT/asan/$t"
    gcc "${CFLAGS[@]}" -g -O0 tests/c/test_util.c "tests/c/$t.c" "${LDFLAGS[@]}" -o "$OUT/plain/$t"
done
gcc "${CFLAGS[@]}" "${SAN[@]}" examples/game_server.c "${LDFLAGS[@]}" -o "$OUT/asan/game_server"
gcc "${CFLAGS[@]}" -O2 examples/game_server.c "${LDFLAGS[@]}" -o "$OUT/plain/game_server"
# The signing example sends its requests with libcurl.
gcc "${CFLAGS[@]}" "${SAN[@]}" examples/s3_round_trip.c "${LDFLAGS[@]}" -lcurl -o "$OUT/asan/s3_round_trip"
gcc "${CFLAGS[@]}" -g -O0 examples/s3_round_trip.c "${LDFLAGS[@]}" -lcurl -o "$OUT/plain/s3_round_trip"

for scheme in "${SCHEMES[@]}"; do
    step "start the emulator ($scheme)"
    start_emulator "$scheme"

    pass_begin "asan + smoke ($scheme)"
    export ASAN_OPTIONS=$ASAN_OPTIONS_C
    export UBSAN_OPTIONS=$UBSAN_OPTIONS_C
    for t in "${TESTS[@]}"; do
        run "asan $t ($scheme)" 300 "$OUT/asan/$t"
    done
    run "asan game_server 200 --stats-every 1 ($scheme)" 120 "$OUT/asan/game_server" 200 \
        --stats-every 1
    run "asan game_server 200 --developer ($scheme)" 120 "$OUT/asan/game_server" 200 --developer
    run "asan game_server 2000 --memory ($scheme)" 120 "$OUT/asan/game_server" 2000 --memory
    run "game_server 200 (smoke, -O2, $scheme)" 120 "$OUT/plain/game_server" 200
    run "game_server 200 --developer (smoke, -O2, $scheme)" 120 \
        "$OUT/plain/game_server" 200 --developer
    run "game_server 2000 --memory (smoke, -O2, $scheme)" 120 \
        "$OUT/plain/game_server" 2000 --memory
    # Sign a PUT, presign a GET: the emulator verifies both signatures.
    run "asan s3_round_trip ($scheme)" 120 "$OUT/asan/s3_round_trip" \
        "$COGNITO_UNAUTH_POOL_ID" replays "$COGNITO_EMULATOR_URL"
    unset ASAN_OPTIONS UBSAN_OPTIONS
    pass_end

    if [[ "${SKIP_VALGRIND:-}" != 1 ]]; then
        pass_begin "valgrind ($scheme)"
        for t in "${TESTS[@]}"; do
            run "valgrind $t ($scheme)" 1200 env TU_TIMEOUT_SCALE="${VALGRIND_SCALE:-20}" \
                COGNITO_TEST_CALLS="${VALGRIND_CALLS:-1000}" "${VALGRIND[@]}" "$OUT/plain/$t"
        done
        # Over http only: over https libcurl's own TLS (OpenSSL) would be under valgrind too.
        if [[ "$scheme" == http ]]; then
            run "valgrind s3_round_trip ($scheme)" 300 "${VALGRIND[@]}" "$OUT/plain/s3_round_trip" \
                "$COGNITO_UNAUTH_POOL_ID" replays "$COGNITO_EMULATOR_URL"
        fi
        pass_end
    fi
    stop_emulator
done

summary "all C tests passed"
