/* Service and transport errors reach the callback as COGNITO_STATUS_ERR_FAILED with a filled
 * cognito_error_t: kind, AWS code, message, retryable.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* Runs one call (identity or credentials) and waits (bounded) for its single completion. */
static void run_call(cognito_provider_t *p, bool credentials, tu_call_t *call, int timeout_ms) {
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_init(call, &done);
    CHECK_STATUS(credentials ? cognito_provider_get_credentials(p, tu_credentials_cb, call, NULL)
                             : cognito_provider_get_identity_id(p, tu_identity_cb, call, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(timeout_ms)), "callback within %d ms",
          timeout_ms);
    tu_sleep_ms(20);
    CHECK(atomic_load(&call->hits) == 1, "callback ran once (%d)", atomic_load(&call->hits));
    call->done = NULL;
    tu_counter_destroy(&done);
}

static void expect_error(const tu_call_t *call, uint32_t kind, const char *code, bool retryable) {
    printf("    -> %s, kind %u, code %s, retryable %s, message \"%s\"\n",
           tu_status_name(call->status), call->err_kind, call->err_code,
           call->err_retryable ? "yes" : "no", call->err_message);
    CHECK_STATUS(call->status, COGNITO_STATUS_ERR_FAILED);
    CHECK(call->args_consistent && call->had_error_struct, "error struct set, result NULL");
    CHECK(call->err_kind == kind, "kind %u (got %u)", kind, call->err_kind);
    CHECK(strcmp(call->err_code, code) == 0, "code %s (got %s)", code, call->err_code);
    CHECK(call->err_retryable == retryable, "retryable %d (got %d)", retryable,
          call->err_retryable);
    CHECK(call->err_message[0] != '\0', "message set");
}

static void test_not_authorized(void) {
    tu_begin("NotAuthorized: auth-only pool without logins");
    emu_reset();
    cognito_provider_t *p = emu_provider(emu_auth_pool(), "\"max_attempts\":1");
    tu_call_t id, cr;
    run_call(p, false, &id, 5000);
    expect_error(&id, 1, "NotAuthorizedException", false);
    run_call(p, true, &cr, 5000);
    expect_error(&cr, 1, "NotAuthorizedException", false);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    tu_end();
}

static void test_throttled_forever(void) {
    tu_begin("throttled forever: TooManyRequests, retryable, max_attempts honoured");
    emu_reset();
    emu_fault("{\"op\":\"GetId\",\"fault\":\"throttle\",\"times\":null}");
    cognito_provider_t *p = emu_provider(
        emu_unauth_pool(), "\"max_attempts\":3,\"retry_base_delay_ms\":10,\"retry_max_delay_ms\":50");
    tu_call_t id;
    run_call(p, false, &id, 10000);
    expect_error(&id, 3, "TooManyRequestsException", true);
    CHECK(emu_count("GetId") == 3, "3 attempts (got %ld)", emu_count("GetId"));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    emu_clear_faults();
    tu_end();
}

static void test_transport_errors(void) {
    tu_begin("server error, malformed answer, timeout");
    emu_reset();
    const char *fast = "\"max_attempts\":1,\"attempt_timeout_ms\":300";
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), fast);
    tu_call_t call;

    emu_fault("{\"op\":\"GetId\",\"fault\":\"server_error\",\"status\":500,\"times\":1}");
    run_call(p, false, &call, 5000);
    expect_error(&call, 9, "InternalErrorException", true);

    emu_fault("{\"op\":\"GetId\",\"fault\":\"malformed\",\"times\":1}");
    run_call(p, false, &call, 5000);
    CHECK_STATUS(call.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(call.err_kind == 52, "malformed answer: kind 52 InvalidResponse (got %u %s)",
          call.err_kind, call.err_code);

    emu_fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":3000,\"times\":1}");
    int64_t t0 = tu_now_ms();
    run_call(p, false, &call, 5000);
    CHECK_STATUS(call.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(call.err_kind == 51 && call.err_retryable, "timeout: kind 51, retryable (got %u %s)",
          call.err_kind, call.err_code);
    CHECK(tu_now_ms() - t0 < tu_scaled_ms(2500), "gave up after the attempt timeout (%lld ms)",
          (long long)(tu_now_ms() - t0));

    /* After the faults the same provider works. */
    emu_clear_faults();
    run_call(p, true, &call, 5000);
    CHECK_STATUS(call.status, COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    tu_end();
}

int main(void) {
    emu_setup();
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    test_not_authorized();
    test_throttled_forever();
    test_transport_errors();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    return tu_finish("test_errors");
}
