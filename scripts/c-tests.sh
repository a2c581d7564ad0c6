#!/usr/bin/env bash
# C tests of the C ABI (include/cognito_native.h) against the local emulator: every test binary
# under AddressSanitizer + UBSan and under valgrind, the game-server example as a smoke run (guest
# identities, developer identities, memory per provider). (That the committed header is the
# generated one is `scripts/check.sh header`.)
#
#   scripts/c-tests.sh
#
# Environment:
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

step "start the emulator"
start_emulator

export ASAN_OPTIONS=$ASAN_OPTIONS_C
export UBSAN_OPTIONS=$UBSAN_OPTIONS_C
for t in "${TESTS[@]}"; do
    run "asan $t" 300 "$OUT/asan/$t"
done
run "asan game_server 200" 120 "$OUT/asan/game_server" 200
run "asan game_server 200 --developer" 120 "$OUT/asan/game_server" 200 --developer
run "asan game_server 2000 --memory" 120 "$OUT/asan/game_server" 2000 --memory
run "game_server 200 (smoke, -O2)" 120 "$OUT/plain/game_server" 200
run "game_server 200 --developer (smoke, -O2)" 120 "$OUT/plain/game_server" 200 --developer
run "game_server 2000 --memory (smoke, -O2)" 120 "$OUT/plain/game_server" 2000 --memory
unset ASAN_OPTIONS UBSAN_OPTIONS

if [[ "${SKIP_VALGRIND:-}" != 1 ]]; then
    for t in "${TESTS[@]}"; do
        run "valgrind $t" 1200 env TU_TIMEOUT_SCALE="${VALGRIND_SCALE:-20}" \
            COGNITO_TEST_CALLS="${VALGRIND_CALLS:-1000}" "${VALGRIND[@]}" "$OUT/plain/$t"
    done
fi

summary "all C tests passed"
