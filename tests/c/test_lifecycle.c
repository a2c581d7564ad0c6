/* Lifecycle: cognito_cancel, cognito_provider_free and cognito_shutdown with calls in flight
 * (each call completes exactly once with COGNITO_STATUS_ERR_CANCELLED), then cognito_init again.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define FAST "\"max_attempts\":1"

/* Counts slots by hits and status. */
static void tally(tu_call_t *calls, int n, int *once, int *cancelled, int *extra) {
    *once = *cancelled = *extra = 0;
    for (int i = 0; i < n; i++) {
        int hits = atomic_load(&calls[i].hits);
        *once += hits == 1;
        *extra += hits > 1;
        *cancelled += hits >= 1 && calls[i].status == COGNITO_STATUS_ERR_CANCELLED &&
                      calls[i].args_consistent && calls[i].err_kind == 55;
    }
}

static void test_cancel(void) {
    tu_begin("cancel a hanging call");
    emu_reset();
    emu_fault("{\"op\":\"GetId\",\"fault\":\"hang\",\"times\":1}");
    /* The request itself gives up after 2 s (scaled, like every deadline here: the second call
     * must still be pending when it is cancelled, under valgrind too), so nothing lingers long in
     * the background. */
    char hang_options[128];
    snprintf(hang_options, sizeof hang_options, FAST ",\"attempt_timeout_ms\":%lld",
             (long long)tu_scaled_ms(2000));
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), hang_options);
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t call, other;
    tu_call_init(&call, &done);
    tu_call_init(&other, &done);
    uint64_t id = 0, other_id = 0;
    CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, &call, &id),
                 COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, &other, &other_id),
                 COGNITO_STATUS_OK);
    CHECK(id != 0 && other_id != 0 && id != other_id, "distinct call ids (%llu, %llu)",
          (unsigned long long)id, (unsigned long long)other_id);
    tu_sleep_ms(100); /* the request is on the wire, hanging */
    CHECK(tu_counter_get(&done) == 0, "nothing completed while the server hangs");
    int64_t t0 = tu_now_ms();
    CHECK_STATUS(cognito_cancel(id), COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(1000)), "cancelled call completes at once");
    CHECK(tu_now_ms() - t0 < tu_scaled_ms(1000), "within 1 s (%lld ms)",
          (long long)(tu_now_ms() - t0));
    CHECK_STATUS(cognito_cancel(id), COGNITO_STATUS_ERR_NOT_FOUND); /* already cancelled */
    CHECK_STATUS(call.status, COGNITO_STATUS_ERR_CANCELLED);
    CHECK(call.args_consistent && call.err_kind == 55, "NULL id, error kind 55 (got %u)",
          call.err_kind);
    CHECK(atomic_load(&other.hits) == 0, "the other call is still pending");
    CHECK_STATUS(cognito_cancel(other_id), COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 2, tu_scaled_ms(1000)), "second cancelled call completes");
    CHECK_STATUS(other.status, COGNITO_STATUS_ERR_CANCELLED);
    tu_sleep_ms(200);
    CHECK(atomic_load(&call.hits) == 1 && atomic_load(&other.hits) == 1,
          "each callback ran exactly once (%d, %d)", atomic_load(&call.hits),
          atomic_load(&other.hits));
    CHECK_STATUS(cognito_cancel(UINT64_MAX), COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK_STATUS(cognito_cancel(0), COGNITO_STATUS_ERR_NOT_FOUND);

    /* A completed call cannot be cancelled. */
    emu_clear_faults();
    cognito_provider_t *q = emu_provider(emu_unauth_pool(), FAST);
    tu_call_t finished;
    tu_call_init(&finished, &done);
    uint64_t finished_id = 0;
    CHECK_STATUS(cognito_provider_get_identity_id(q, tu_identity_cb, &finished, &finished_id),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 3, tu_scaled_ms(5000)), "call completes");
    CHECK_STATUS(finished.status, COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_cancel(finished_id), COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_free(q), COGNITO_STATUS_OK);
    tu_counter_destroy(&done);
    tu_end();
}

static void on_changed(void *user_data, const char *old_id, const char *new_id) {
    (void)old_id;
    (void)new_id;
    tu_counter_add(user_data, 1);
}

#define IN_FLIGHT 10

static void test_free_in_flight(void) {
    tu_begin("free a provider with calls in flight");
    emu_reset();
    emu_fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":1500,\"times\":1}");
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), FAST);
    tu_counter_t done, changed;
    tu_counter_init(&done);
    tu_counter_init(&changed);
    CHECK_STATUS(cognito_provider_set_identity_changed_callback(p, on_changed, &changed),
                 COGNITO_STATUS_OK);
    tu_call_t calls[IN_FLIGHT];
    for (int i = 0; i < IN_FLIGHT; i++) {
        tu_call_init(&calls[i], &done);
        CHECK_STATUS(i % 2 ? cognito_provider_get_credentials(p, tu_credentials_cb, &calls[i], NULL)
                           : cognito_provider_get_identity_id(p, tu_identity_cb, &calls[i], NULL),
                     COGNITO_STATUS_OK);
    }
    tu_sleep_ms(100);
    CHECK(tu_counter_get(&done) == 0, "all pending before the free");
    int64_t t0 = tu_now_ms();
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, IN_FLIGHT, tu_scaled_ms(1000)),
          "all %d calls completed within 1 s of the free (%ld did)", IN_FLIGHT,
          tu_counter_get(&done));
    printf("    %ld completions %lld ms after the free\n", tu_counter_get(&done),
           (long long)(tu_now_ms() - t0));
    /* The delayed GetId still answers after 1.5 s: no identity-changed callback after free. */
    tu_sleep_ms(1800 + tu_scaled_ms(100));
    int once, cancelled, extra;
    tally(calls, IN_FLIGHT, &once, &cancelled, &extra);
    printf("    exactly-once: %d calls, %d once, %d more than once, %d CANCELLED\n", IN_FLIGHT,
           once, extra, cancelled);
    CHECK(once == IN_FLIGHT && extra == 0, "each call completed exactly once");
    CHECK(cancelled == IN_FLIGHT, "each with COGNITO_STATUS_ERR_CANCELLED, kind 55");
    CHECK(tu_counter_get(&changed) == 0, "no identity-changed callback after free (%ld)",
          tu_counter_get(&changed));

    /* The freed handle: sync calls say INVALID_HANDLE, async calls complete with an error. */
    char *s = NULL;
    size_t n = 0;
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_ERR_INVALID_HANDLE);
    CHECK_STATUS(cognito_provider_cached_identity_id(p, &s), COGNITO_STATUS_ERR_INVALID_HANDLE);
    CHECK_STATUS(cognito_provider_logins_count(p, &n), COGNITO_STATUS_ERR_INVALID_HANDLE);
    CHECK_STATUS(cognito_provider_add_login(p, "graph.facebook.com", "t"),
                 COGNITO_STATUS_ERR_INVALID_HANDLE);
    tu_call_t late;
    tu_call_init(&late, &done);
    CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, &late, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, IN_FLIGHT + 1, tu_scaled_ms(2000)), "late call completes");
    tu_sleep_ms(100);
    CHECK(atomic_load(&late.hits) == 1, "once (%d)", atomic_load(&late.hits));
    CHECK(late.status != COGNITO_STATUS_OK && late.args_consistent,
          "late call on the freed handle fails: %s kind %u '%s'", tu_status_name(late.status),
          late.err_kind, late.err_message);
    printf("    async call on the freed handle -> callback %s, kind %u, \"%s\"\n",
           tu_status_name(late.status), late.err_kind, late.err_message);
    tu_counter_destroy(&done);
    tu_counter_destroy(&changed);
    tu_end();
}

#define SHUTDOWN_CALLS 20

static void test_shutdown_in_flight(void) {
    tu_begin("shutdown with calls in flight, then init again");
    emu_reset();
    emu_fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":3000,\"times\":null}");
    cognito_provider_t *old[2] = {emu_provider(emu_unauth_pool(), FAST),
                                  emu_provider(emu_unauth_pool(), FAST)};
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t calls[SHUTDOWN_CALLS];
    uint64_t old_ids[SHUTDOWN_CALLS];
    for (int i = 0; i < SHUTDOWN_CALLS; i++) {
        tu_call_init(&calls[i], &done);
        cognito_provider_t *p = old[i % 2];
        CHECK_STATUS(i % 4 < 2 ? cognito_provider_get_identity_id(p, tu_identity_cb, &calls[i],
                                                                  &old_ids[i])
                               : cognito_provider_get_credentials(p, tu_credentials_cb,
                                                                  &calls[i], &old_ids[i]),
                     COGNITO_STATUS_OK);
    }
    tu_sleep_ms(100);
    int64_t t0 = tu_now_ms();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    long at_return = tu_counter_get(&done);
    printf("    cognito_shutdown took %lld ms; %ld of %d completions when it returned\n",
           (long long)(tu_now_ms() - t0), at_return, SHUTDOWN_CALLS);
    CHECK(at_return == SHUTDOWN_CALLS, "every pending call completed by the time shutdown returns");
    tu_sleep_ms(200);
    int once, cancelled, extra;
    tally(calls, SHUTDOWN_CALLS, &once, &cancelled, &extra);
    printf("    exactly-once: %d calls, %d once, %d more than once, %d CANCELLED\n",
           SHUTDOWN_CALLS, once, extra, cancelled);
    CHECK(once == SHUTDOWN_CALLS && extra == 0, "each call completed exactly once");
    CHECK(cancelled == SHUTDOWN_CALLS, "each with COGNITO_STATUS_ERR_CANCELLED, kind 55");

    /* Shut down: everything fails with SHUT_DOWN, callbacks are never called. */
    cognito_provider_t *np = NULL;
    char options[512];
    emu_options(options, sizeof options, FAST);
    CHECK_STATUS(cognito_provider_new(emu_unauth_pool(), options, &np),
                 COGNITO_STATUS_ERR_SHUT_DOWN);
    CHECK(np == NULL, "no provider written");
    tu_call_t refused;
    tu_call_init(&refused, &done);
    CHECK_STATUS(cognito_provider_get_identity_id(old[0], tu_identity_cb, &refused, NULL),
                 COGNITO_STATUS_ERR_SHUT_DOWN);
    CHECK_STATUS(cognito_provider_get_credentials(old[1], tu_credentials_cb, &refused, NULL),
                 COGNITO_STATUS_ERR_SHUT_DOWN);
    CHECK_STATUS(cognito_provider_add_login(old[0], "graph.facebook.com", "t"),
                 COGNITO_STATUS_ERR_SHUT_DOWN);
    CHECK_STATUS(cognito_provider_free(old[0]), COGNITO_STATUS_ERR_SHUT_DOWN);
    CHECK_STATUS(cognito_cancel(old_ids[0]), COGNITO_STATUS_ERR_SHUT_DOWN);
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK); /* twice is fine */
    tu_sleep_ms(100);
    CHECK(atomic_load(&refused.hits) == 0, "refused calls never call back");

    /* Init again: a new provider works; nothing from before the shutdown is valid. */
    emu_clear_faults();
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK); /* already running: fine */
    cognito_provider_t *fresh[8];
    bool aliased = false;
    for (int i = 0; i < 8; i++) {
        fresh[i] = emu_provider(emu_unauth_pool(), FAST);
        aliased = aliased || fresh[i] == old[0] || fresh[i] == old[1];
    }
    CHECK(!aliased, "no new handle equals a handle from before the shutdown");
    size_t n;
    CHECK_STATUS(cognito_provider_logins_count(old[0], &n), COGNITO_STATUS_ERR_INVALID_HANDLE);
    CHECK_STATUS(cognito_provider_logins_count(old[1], &n), COGNITO_STATUS_ERR_INVALID_HANDLE);
    CHECK_STATUS(cognito_provider_free(old[0]), COGNITO_STATUS_ERR_INVALID_HANDLE);

    tu_counter_t done2;
    tu_counter_init(&done2);
    tu_call_t works;
    tu_call_init(&works, &done2);
    uint64_t new_id = 0;
    CHECK_STATUS(cognito_provider_get_credentials(fresh[0], tu_credentials_cb, &works, &new_id),
                 COGNITO_STATUS_OK);
    /* Call ids from before the shutdown are finished: cancelling them finds nothing (and must
     * not hit the new call). */
    int stale_hits = 0;
    for (int i = 0; i < SHUTDOWN_CALLS; i++) {
        stale_hits += cognito_cancel(old_ids[i]) != COGNITO_STATUS_ERR_NOT_FOUND;
    }
    CHECK(stale_hits == 0, "cancel of %d pre-shutdown call ids: %d not NOT_FOUND", SHUTDOWN_CALLS,
          stale_hits);
    CHECK(tu_counter_wait(&done2, 1, tu_scaled_ms(10000)), "new provider's call completes");
    CHECK_STATUS(works.status, COGNITO_STATUS_OK);
    CHECK(works.session_token_len > 0, "credentials after re-init");
    for (int i = 0; i < 8; i++) {
        CHECK_STATUS(cognito_provider_free(fresh[i]), COGNITO_STATUS_OK);
    }
    tu_counter_destroy(&done);
    tu_counter_destroy(&done2);
    tu_end();
}

#define RACES 500

/* cognito_cancel racing the completion of fast calls: whatever wins, each call completes once,
 * and a cancel that returned OK means the callback says CANCELLED. */
static void test_cancel_races_completion(void) {
    tu_begin("cancel racing completion (500 calls)");
    emu_reset();
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), FAST);
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t warm;
    tu_call_init(&warm, &done);
    CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, &warm, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(5000)), "warm-up call completes");
    static tu_call_t calls[RACES];
    static cognito_status_t cancel_status[RACES];
    for (int i = 0; i < RACES; i++) {
        uint64_t id = 0;
        tu_call_init(&calls[i], &done);
        CHECK_STATUS(i % 2 ? cognito_provider_get_credentials(p, tu_credentials_cb, &calls[i], &id)
                           : cognito_provider_get_identity_id(p, tu_identity_cb, &calls[i], &id),
                     COGNITO_STATUS_OK);
        if (i % 3) {
            tu_sleep_ms(0); /* vary the timing a little */
        }
        cancel_status[i] = cognito_cancel(id);
    }
    CHECK(tu_counter_wait(&done, 1 + RACES, tu_scaled_ms(10000)), "all calls complete");
    tu_sleep_ms(100);
    int won = 0, lost = 0, inconsistent = 0, once = 0;
    for (int i = 0; i < RACES; i++) {
        once += atomic_load(&calls[i].hits) == 1;
        if (cancel_status[i] == COGNITO_STATUS_OK) {
            won++;
            inconsistent += calls[i].status != COGNITO_STATUS_ERR_CANCELLED;
        } else {
            lost++;
            inconsistent += cancel_status[i] != COGNITO_STATUS_ERR_NOT_FOUND ||
                            calls[i].status != COGNITO_STATUS_OK;
        }
    }
    printf("    exactly-once: %d calls, %d once; cancel OK %d (callback CANCELLED), NOT_FOUND %d "
           "(callback OK); %d inconsistent\n",
           RACES, once, won, lost, inconsistent);
    CHECK(once == RACES, "each call completed exactly once");
    CHECK(inconsistent == 0, "cancel OK <=> callback CANCELLED (%d inconsistent)", inconsistent);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    tu_counter_destroy(&done);
    tu_end();
}

typedef struct {
    pthread_barrier_t *go;
    tu_counter_t *done;
    cognito_status_t status;
    long completed_at_return;
} shutdown_thread_t;

static void *shutdown_thread(void *arg) {
    shutdown_thread_t *t = arg;
    pthread_barrier_wait(t->go);
    t->status = cognito_shutdown();
    t->completed_at_return = tu_counter_get(t->done);
    return NULL;
}

/* Two threads shut down at once: neither may return before every pending call completed (a
 * host unloads the library right after cognito_shutdown returns). */
static void test_concurrent_shutdown(void) {
    tu_begin("two threads call cognito_shutdown at once");
    emu_reset();
    emu_fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":3000,\"times\":null}");
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), FAST);
    tu_counter_t done;
    tu_counter_init(&done);
    static tu_call_t calls[SHUTDOWN_CALLS];
    for (int i = 0; i < SHUTDOWN_CALLS; i++) {
        tu_call_init(&calls[i], &done);
        CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, &calls[i], NULL),
                     COGNITO_STATUS_OK);
    }
    tu_sleep_ms(100);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 2);
    shutdown_thread_t t[2] = {{&go, &done, -1, -1}, {&go, &done, -1, -1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&th[i], NULL, shutdown_thread, &t[i]);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    printf("    completions seen when each cognito_shutdown returned: %ld and %ld of %d\n",
           t[0].completed_at_return, t[1].completed_at_return, SHUTDOWN_CALLS);
    for (int i = 0; i < 2; i++) {
        CHECK_STATUS(t[i].status, COGNITO_STATUS_OK);
        CHECK(t[i].completed_at_return == SHUTDOWN_CALLS,
              "thread %d: all %d calls completed when its shutdown returned (%ld)", i,
              SHUTDOWN_CALLS, t[i].completed_at_return);
    }
    CHECK(tu_counter_wait(&done, SHUTDOWN_CALLS, tu_scaled_ms(5000)), "all completed");
    pthread_barrier_destroy(&go);
    tu_counter_destroy(&done);
    emu_clear_faults();
    tu_end();
}

int main(void) {
    emu_setup();
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    test_cancel();
    test_free_in_flight();
    test_shutdown_in_flight();
    test_cancel_races_completion();
    test_concurrent_shutdown();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    return tu_finish("test_lifecycle");
}
