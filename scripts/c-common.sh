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
# The schemes the C tests and the soak run over, each against an emulator of its own: http
# (allow_http_loopback) and https (emulate --tls, trusted through ca_bundle_file).
read -r -a SCHEMES <<<"${EMULATOR_SCHEMES:-http https}"
for _scheme in "${SCHEMES[@]}"; do
    [[ $_scheme == http || $_scheme == https ]] || {
        echo "EMULATOR_SCHEMES: '$_scheme' is neither http nor https" >&2
        exit 2
    }
done
unset _scheme

step() { printf '\n=== %s\n' "$*"; }

# build_native: libcognito_native.so (debug) and the CLI (the emulator), in one cargo command:
# their dependencies get one set of features, so one build of them serves both (and
# scripts/csharp-tests.sh, which builds the same).
build_native() {
    (cd "$ROOT" && cargo build -p cognito-native-lib -p cognito-cli)
}

# start_emulator [http|https]: starts `cognito-native emulate --port 0 "${EMULATOR_ARGS[@]}"`
# (with https: --tls --ca-out FILE), waits (at most 10 s) for its URL, exports
# COGNITO_EMULATOR_URL, COGNITO_UNAUTH_POOL_ID and COGNITO_AUTH_POOL_ID, and stops it on exit
# (trap). With https it also exports COGNITO_EMULATOR_CA (the test CA's PEM file, for the
# providers' ca_bundle_file) and COGNITO_EMULATOR_ADMIN_URL (a plain-HTTP relay to the admin API,
# scripts/emulator-admin-relay.py, for the tests' admin client); with http it unsets both.
start_emulator() {
    local scheme=${1:-http} tls=()
    EMU_OUT=$(mktemp)
    if [[ $scheme == https ]]; then
        tls=(--tls --ca-out "$EMU_OUT.ca.pem")
    fi
    "$ROOT/target/debug/cognito-native" emulate --port 0 "${tls[@]}" "${EMULATOR_ARGS[@]}" \
        >"$EMU_OUT" 2>"$EMU_OUT.err" &
    EMU_PID=$!
    trap stop_emulator EXIT
    wait_for_url "$EMU_OUT" "$EMU_PID" emulator
    export COGNITO_EMULATOR_URL COGNITO_UNAUTH_POOL_ID COGNITO_AUTH_POOL_ID
    COGNITO_EMULATOR_URL=$(json_field url "$EMU_OUT")
    COGNITO_UNAUTH_POOL_ID=$(json_field unauth_pool_id "$EMU_OUT")
    COGNITO_AUTH_POOL_ID=$(json_field auth_only_pool_id "$EMU_OUT")
    [[ -n "$COGNITO_EMULATOR_URL" ]] || { echo "no emulator url in: $(cat "$EMU_OUT")"; exit 1; }
    if [[ $scheme == https ]]; then
        [[ $COGNITO_EMULATOR_URL == https://* && -s $EMU_OUT.ca.pem ]] ||
            { echo "emulate --tls: no https URL or no CA in $EMU_OUT.ca.pem"; exit 1; }
        python3 "$ROOT/scripts/emulator-admin-relay.py" \
            --upstream "${COGNITO_EMULATOR_URL#https://}" --ca "$EMU_OUT.ca.pem" --parent $$ \
            >"$EMU_OUT.relay" 2>&1 &
        RELAY_PID=$!
        wait_for_url "$EMU_OUT.relay" "$RELAY_PID" "admin relay"
        export COGNITO_EMULATOR_CA=$EMU_OUT.ca.pem
        export COGNITO_EMULATOR_ADMIN_URL
        COGNITO_EMULATOR_ADMIN_URL=$(json_field url "$EMU_OUT.relay")
        echo "emulator at $COGNITO_EMULATOR_URL (pid $EMU_PID), test CA $COGNITO_EMULATOR_CA," \
            "admin API through $COGNITO_EMULATOR_ADMIN_URL (pid $RELAY_PID)"
    else
        unset COGNITO_EMULATOR_CA COGNITO_EMULATOR_ADMIN_URL
        echo "emulator at $COGNITO_EMULATOR_URL (pid $EMU_PID)"
    fi
}

# wait_for_url FILE PID WHAT: waits (at most 10 s) for a "url" in FILE, written by process PID.
wait_for_url() {
    local _
    for _ in $(seq 100); do
        grep -q '"url"' "$1" && return 0
        kill -0 "$2" 2>/dev/null || { cat "$1" "$1.err" 2>/dev/null; echo "$3 died"; exit 1; }
        sleep 0.1
    done
    cat "$1"
    echo "$3: no url within 10 s"
    exit 1
}

json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$2"; }

# stop_emulator: stops the emulator and the admin relay (SIGTERM, then SIGKILL after 5 s) and
# removes their output.
stop_emulator() {
    stop_pid "${RELAY_PID:-}"
    stop_pid "${EMU_PID:-}"
    RELAY_PID=
    EMU_PID=
    if [[ -n "${EMU_OUT:-}" ]]; then
        rm -f "$EMU_OUT" "$EMU_OUT.err" "$EMU_OUT.ca.pem" "$EMU_OUT.relay"
    fi
}

stop_pid() {
    [[ -n "$1" ]] || return 0
    kill "$1" 2>/dev/null || true
    local _
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# run NAME TIMEOUT_SECS COMMAND...: runs one test, bounded in time, and records its result and
# its wall time.
run() {
    local name=$1 limit=$2 started=$SECONDS
    shift 2
    step "$name"
    if timeout --kill-after=10 "$limit" "$@"; then
        echo "--> PASS $name ($((SECONDS - started)) s)"
    else
        echo "--> FAIL $name (exit $?, $((SECONDS - started)) s)"
        FAILED+=("$name")
    fi
}

# pass_begin NAME / pass_end: the wall time of a group of runs (a "pass"), listed by summary.
pass_begin() { PASS_NAME=$1 PASS_STARTED=$SECONDS; }
pass_end() { PASS_TIMES+=("$(printf '%-28s %4d s' "$PASS_NAME" $((SECONDS - PASS_STARTED)))"); }
PASS_TIMES=()

# summary: prints the passes' wall times and the failed tests, and returns 1 if there is any.
summary() {
    step "summary"
    if ((${#PASS_TIMES[@]})); then
        printf '%s\n' "${PASS_TIMES[@]}"
    fi
    if ((${#FAILED[@]})); then
        printf 'FAILED: %s\n' "${FAILED[@]}"
        return 1
    fi
    echo "${1:-all passed}"
}
