#!/usr/bin/env bash
# C tests of the C ABI (include/cognito_native.h) against the local emulator: every test binary
# under AddressSanitizer + UBSan and under valgrind, the game-server example as a smoke run (guest
# identities, developer identities, memory per provider), and a check that the committed header is
# the generated one.
#
#   scripts/c-tests.sh
#
# Environment:
#   VALGRIND_CALLS=1000    concurrent calls of test_concurrency under valgrind (at least 200)
#   VALGRIND_SCALE=20      deadline multiplier under valgrind
#   SKIP_VALGRIND=1        ASan only;  SKIP_HEADER_CHECK=1  skip the header freshness check
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/c-tests
TESTS=(test_happy test_concurrency test_lifecycle test_errors test_misuse test_developer)

step() { printf '\n=== %s\n' "$*"; }

step "build: libcognito_native.so (debug, no default features) and the CLI"
cargo build --lib --no-default-features
cargo build --bin cognito-native
LIB_DIR=$ROOT/target/debug

if [[ "${SKIP_HEADER_CHECK:-}" != 1 ]]; then
    step "header freshness: include/cognito_native.h is the generated one"
    cargo test --no-default-features --features headers --lib -- generate_header
    git diff --exit-code include/cognito_native.h
fi

step "compile the C tests (ASan+UBSan, and plain -g for valgrind) and the example"
mkdir -p "$OUT/asan" "$OUT/plain"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pthread -Iinclude -Itests/c)
LDFLAGS=(-L"$LIB_DIR" -lcognito_native -Wl,-rpath,"$LIB_DIR")
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1)
for t in "${TESTS[@]}"; do
    gcc "${CFLAGS[@]}" "${SAN[@]}" tests/c/test_util.c "tests/c/$t.c" "${LDFLAGS[@]}" -o "$OUT/asan/$t"
    gcc "${CFLAGS[@]}" -g -O0 tests/c/test_util.c "tests/c/$t.c" "${LDFLAGS[@]}" -o "$OUT/plain/$t"
done
gcc "${CFLAGS[@]}" "${SAN[@]}" examples/game_server.c "${LDFLAGS[@]}" -o "$OUT/asan/game_server"
gcc "${CFLAGS[@]}" -O2 examples/game_server.c "${LDFLAGS[@]}" -o "$OUT/plain/game_server"

step "start the emulator"
EMU_OUT=$(mktemp)
target/debug/cognito-native emulate --port 0 >"$EMU_OUT" 2>"$EMU_OUT.err" &
EMU_PID=$!
cleanup() {
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
    rm -f "$EMU_OUT" "$EMU_OUT.err"
}
trap cleanup EXIT
for _ in $(seq 100); do
    grep -q '"url"' "$EMU_OUT" && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$EMU_OUT.err"; echo "emulator died"; exit 1; }
    sleep 0.1
done
json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$EMU_OUT"; }
export COGNITO_EMULATOR_URL COGNITO_UNAUTH_POOL_ID COGNITO_AUTH_POOL_ID
COGNITO_EMULATOR_URL=$(json_field url)
COGNITO_UNAUTH_POOL_ID=$(json_field unauth_pool_id)
COGNITO_AUTH_POOL_ID=$(json_field auth_only_pool_id)
[[ -n "$COGNITO_EMULATOR_URL" ]] || { echo "no emulator url in: $(cat "$EMU_OUT")"; exit 1; }
echo "emulator at $COGNITO_EMULATOR_URL (pid $EMU_PID)"

FAILED=()
# run NAME TIMEOUT_SECS COMMAND...: runs one test, bounded in time, and records its result.
run() {
    local name=$1 limit=$2
    shift 2
    step "$name"
    if timeout --kill-after=10 "$limit" "$@"; then
        echo "--> PASS $name"
    else
        echo "--> FAIL $name (exit $?)"
        FAILED+=("$name")
    fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
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
    VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
              --show-leak-kinds=definite --fair-sched=yes)
    for t in "${TESTS[@]}"; do
        run "valgrind $t" 1200 env TU_TIMEOUT_SCALE="${VALGRIND_SCALE:-20}" \
            COGNITO_TEST_CALLS="${VALGRIND_CALLS:-1000}" "${VALGRIND[@]}" "$OUT/plain/$t"
    done
fi

step "summary"
if ((${#FAILED[@]})); then
    printf 'FAILED: %s\n' "${FAILED[@]}"
    exit 1
fi
echo "all C tests passed"
