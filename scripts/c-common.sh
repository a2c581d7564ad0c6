#!/usr/bin/env bash
# Shared by scripts/c-tests.sh and scripts/soak.sh (sourced, not run): building the library and
# the emulator, the compiler and sanitizer settings of the C tests, starting and stopping the
# emulator, and running one test bounded in time.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB_DIR=$ROOT/target/debug
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pthread -I"$ROOT/include" -I"$ROOT/tests/c")
LDFLAGS=(-L"$LIB_DIR" -lcognito_native "-Wl,-rpath,$LIB_DIR")
SAN=("-fsanitize=address,undefined" -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1)
ASAN_OPTIONS_C=detect_leaks=1:abort_on_error=1:strict_string_checks=1
UBSAN_OPTIONS_C=print_stacktrace=1:halt_on_error=1
# scripts/valgrind.supp: two reports of ring's AES-GCM assembly over HTTPS, false positives (the
# evidence is in the file); they match frames ~23 deep, hence --num-callers=30 (default 12). -s
# lists how often each suppression was used.
VALGRIND=(valgrind -q -s --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
          --show-leak-kinds=definite --fair-sched=yes --num-callers=30
          "--suppressions=$ROOT/scripts/valgrind.supp")
FAILED=()
EMULATOR_ARGS=()

step() { printf '\n=== %s\n' "$*"; }

# build_native: libcognito_native.so (debug, no default features) and the CLI (the emulator).
build_native() {
    (cd "$ROOT" && cargo build --lib --no-default-features && cargo build --bin cognito-native)
}

# start_emulator: starts `cognito-native emulate --port 0 "${EMULATOR_ARGS[@]}"`, waits (at most
# 10 s) for its URL, exports COGNITO_EMULATOR_URL, COGNITO_UNAUTH_POOL_ID and
# COGNITO_AUTH_POOL_ID, and stops it on exit (trap).
start_emulator() {
    EMU_OUT=$(mktemp)
    "$ROOT/target/debug/cognito-native" emulate --port 0 "${EMULATOR_ARGS[@]}" \
        >"$EMU_OUT" 2>"$EMU_OUT.err" &
    EMU_PID=$!
    trap stop_emulator EXIT
    local _
    for _ in $(seq 100); do
        grep -q '"url"' "$EMU_OUT" && break
        kill -0 "$EMU_PID" 2>/dev/null || { cat "$EMU_OUT.err"; echo "emulator died"; exit 1; }
        sleep 0.1
    done
    export COGNITO_EMULATOR_URL COGNITO_UNAUTH_POOL_ID COGNITO_AUTH_POOL_ID
    COGNITO_EMULATOR_URL=$(emulator_field url)
    COGNITO_UNAUTH_POOL_ID=$(emulator_field unauth_pool_id)
    COGNITO_AUTH_POOL_ID=$(emulator_field auth_only_pool_id)
    [[ -n "$COGNITO_EMULATOR_URL" ]] || { echo "no emulator url in: $(cat "$EMU_OUT")"; exit 1; }
    echo "emulator at $COGNITO_EMULATOR_URL (pid $EMU_PID)"
}

emulator_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$EMU_OUT"; }

# stop_emulator: stops the emulator (SIGTERM, then SIGKILL after 5 s) and removes its output.
stop_emulator() {
    if [[ -n "${EMU_PID:-}" ]]; then
        kill "$EMU_PID" 2>/dev/null || true
        local _
        for _ in $(seq 50); do
            kill -0 "$EMU_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
        EMU_PID=
    fi
    rm -f "${EMU_OUT:-}" "${EMU_OUT:+$EMU_OUT.err}"
}

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

# summary: prints the failed tests and returns 1 if there is any.
summary() {
    step "summary"
    if ((${#FAILED[@]})); then
        printf 'FAILED: %s\n' "${FAILED[@]}"
        return 1
    fi
    echo "${1:-all passed}"
}
