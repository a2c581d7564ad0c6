/* Shared helpers of the C tests: assertions, bounded waits, completion records for the
 * asynchronous calls, and a tiny HTTP/1.1 client for the emulator's admin API.
 *
 * Environment:
 *   COGNITO_EMULATOR_URL   base URL of `cognito-native emulate` (required): http://127.0.0.1:PORT,
 *                          or https://127.0.0.1:PORT for an emulator run with --tls
 *   COGNITO_EMULATOR_CA    the emulator's test CA (PEM file, from --ca-out): required with an
 *                          https URL; the providers trust it through the ca_bundle_file option
 *   COGNITO_EMULATOR_ADMIN_URL   plain http:// URL for the admin API (/__emulator/...) when the
 *                          emulator serves HTTPS (the admin client here speaks plain HTTP; see
 *                          scripts/emulator-admin-relay.py); default: COGNITO_EMULATOR_URL
 *   COGNITO_UNAUTH_POOL_ID / COGNITO_AUTH_POOL_ID   pool ids (default: the emulator's)
 *   TU_TIMEOUT_SCALE       multiplies every deadline (e.g. 20 under valgrind)
 */
#ifndef COGNITO_TEST_UTIL_H
#define COGNITO_TEST_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cognito_native.h"

/* ---- assertions ------------------------------------------------------------------------- */

/* Number of failed checks so far (in the whole program). */
extern atomic_int tu_failures;

/* Records a failed check (prints a FAIL line with the location) when `ok` is false. */
bool tu_check(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define CHECK(cond, ...) tu_check((cond), __FILE__, __LINE__, __VA_ARGS__)
/* Checks a status; the message names the expression and both statuses. */
#define CHECK_STATUS(expr, expected)                                                            \
    do {                                                                                        \
        cognito_status_t tu_got_ = (expr);                                                      \
        tu_check(tu_got_ == (expected), __FILE__, __LINE__, "%s: expected %s, got %s", #expr,   \
                 tu_status_name(expected), tu_status_name(tu_got_));                            \
    } while (0)

/* Starts a named test; tu_end prints "PASS name" or "FAIL name" (failed checks since begin). */
void tu_begin(const char *name);
bool tu_end(void);
/* Prints the summary line and returns the process exit code (0 only if nothing failed). */
int tu_finish(const char *program);

const char *tu_status_name(cognito_status_t status);
/* Takes and frees cognito_last_error_message() into buf ("(null)" if none). */
void tu_take_last_error(char *buf, size_t size);

/* ---- time ----------------------------------------------------------------------------- */

int64_t tu_now_ms(void); /* monotonic */
/* `ms` multiplied by TU_TIMEOUT_SCALE. */
int tu_scaled_ms(int ms);
void tu_sleep_ms(int ms);

/* ---- counters with bounded waits ------------------------------------------------------- */

typedef struct tu_counter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long value;
} tu_counter_t;

void tu_counter_init(tu_counter_t *c);
void tu_counter_destroy(tu_counter_t *c);
void tu_counter_add(tu_counter_t *c, long n);
long tu_counter_get(tu_counter_t *c);
/* Waits until the value is >= target or timeout_ms passed (not scaled). True if reached. */
bool tu_counter_wait(tu_counter_t *c, long target, int timeout_ms);

/* ---- completion records of asynchronous calls ------------------------------------------ */

/* One asynchronous call: pass a pointer to it as user_data with tu_identity_cb or
 * tu_credentials_cb. `hits` counts callback invocations (must end at exactly 1). */
typedef struct tu_call {
    atomic_int hits;
    tu_counter_t *done;   /* incremented on every invocation (may be NULL) */
    cognito_status_t status;
    char identity_id[128];    /* identity id (identity call) or credentials->identity_id */
    char access_key_id[64];
    char secret_access_key[128];
    size_t session_token_len;
    int64_t expiration;
    uint32_t err_kind;
    bool err_retryable;
    char err_code[64];
    char err_message[256];
    bool had_error_struct;
    bool args_consistent;     /* result pointer set iff OK, error pointer set iff not OK */
} tu_call_t;

void tu_call_init(tu_call_t *call, tu_counter_t *done);
void tu_identity_cb(void *user_data, cognito_status_t status, const char *identity_id,
                    const cognito_error_t *error);
void tu_credentials_cb(void *user_data, cognito_status_t status,
                       const cognito_credentials_t *credentials, const cognito_error_t *error);

/* ---- emulator ------------------------------------------------------------------------- */

/* Reads the environment; exits with a FAIL line if COGNITO_EMULATOR_URL is missing or malformed
 * (or https without COGNITO_EMULATOR_CA and COGNITO_EMULATOR_ADMIN_URL). */
void emu_setup(void);
const char *emu_url(void);
/* True when the emulator serves HTTPS (COGNITO_EMULATOR_URL is https://). */
bool emu_tls(void);
const char *emu_unauth_pool(void);
const char *emu_auth_pool(void);

/* Sends an admin request; returns the HTTP status (-1 on I/O failure) and the body in `out`. */
int emu_request(const char *method, const char *path, const char *body, char *out, size_t size);
/* Admin helpers; each records a failed check if the emulator does not answer 200. */
void emu_reset(void);                  /* counters and faults */
void emu_fault(const char *json_rule); /* POST /__emulator/faults */
void emu_clear_faults(void);
long emu_count(const char *operation); /* stats.counts[operation], 0 if absent, -1 on error */
/* A user pool id token for `provider`/`sub` (malloc'd; free()), NULL on error. */
char *emu_mint_token(const char *provider, const char *sub);

/* Provider options pointing at the emulator, plus `extra` (e.g. "\"max_attempts\":1" or ""):
 * over http with allow_http_loopback, over https with ca_bundle_file (the test CA). Records a
 * failed check if `buf` is too small. */
void emu_options(char *buf, size_t size, const char *extra);
/* cognito_provider_new against the emulator; records a failed check and returns NULL on error. */
cognito_provider_t *emu_provider(const char *pool_id, const char *extra_options);

#endif
