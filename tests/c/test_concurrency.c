/* Many concurrent calls on ONE provider from 8 threads: every call completes exactly once, and
 * the provider sends exactly one GetId and one GetCredentialsForIdentity however many wait.
 * COGNITO_TEST_CALLS sets the number of calls (default 1000).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define THREADS 8

typedef struct {
    cognito_provider_t *provider;
    tu_call_t *slots;
    int calls;
    int thread_index;
    pthread_barrier_t *start;
    tu_counter_t *started; /* calls whose start returned OK */
    tu_counter_t *rejected;
} worker_t;

/* Even slots ask for the identity id, odd slots for credentials. */
static void *worker(void *arg) {
    worker_t *w = arg;
    pthread_barrier_wait(w->start);
    for (int i = w->thread_index; i < w->calls; i += THREADS) {
        tu_call_t *slot = &w->slots[i];
        cognito_status_t s =
            (i % 2 == 0)
                ? cognito_provider_get_identity_id(w->provider, tu_identity_cb, slot, NULL)
                : cognito_provider_get_credentials(w->provider, tu_credentials_cb, slot, NULL);
        tu_counter_add(s == COGNITO_STATUS_OK ? w->started : w->rejected, 1);
    }
    return NULL;
}

static void test_concurrent_calls(int calls) {
    char name[96];
    snprintf(name, sizeof name, "%d concurrent calls on one provider from %d threads", calls,
             THREADS);
    tu_begin(name);
    emu_reset();
    /* Slow the two requests down a little so that the calls really overlap them. */
    emu_fault("{\"op\":\"GetId\",\"fault\":\"delay\",\"ms\":200,\"times\":1}");
    emu_fault("{\"op\":\"GetCredentialsForIdentity\",\"fault\":\"delay\",\"ms\":200,\"times\":1}");
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), "");
    tu_call_t *slots = calloc((size_t)calls, sizeof *slots);
    tu_counter_t done, started, rejected;
    tu_counter_init(&done);
    tu_counter_init(&started);
    tu_counter_init(&rejected);
    for (int i = 0; i < calls; i++) {
        tu_call_init(&slots[i], &done);
    }
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    pthread_t threads[THREADS];
    worker_t workers[THREADS];
    int64_t t0 = tu_now_ms();
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (worker_t){p, slots, calls, t, &start, &started, &rejected};
        pthread_create(&threads[t], NULL, worker, &workers[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    long ok_starts = tu_counter_get(&started);
    CHECK(ok_starts == calls, "every start returned OK (%ld of %d, %ld rejected)", ok_starts,
          calls, tu_counter_get(&rejected));
    bool all_done = tu_counter_wait(&done, ok_starts, tu_scaled_ms(30000));
    int64_t elapsed = tu_now_ms() - t0;
    CHECK(all_done, "all %ld calls completed within 30 s (%ld did)", ok_starts,
          tu_counter_get(&done));
    tu_sleep_ms(200); /* a late second completion would show up here */

    int once = 0, never = 0, twice = 0, ok = 0;
    const char *identity = NULL;
    bool same_identity = true;
    for (int i = 0; i < calls; i++) {
        int hits = atomic_load(&slots[i].hits);
        once += hits == 1;
        never += hits == 0;
        twice += hits > 1;
        if (hits >= 1 && slots[i].status == COGNITO_STATUS_OK && slots[i].args_consistent) {
            ok++;
            if (!identity) {
                identity = slots[i].identity_id;
            }
            same_identity = same_identity && strcmp(identity, slots[i].identity_id) == 0;
        }
    }
    long get_id = emu_count("GetId");
    long get_credentials = emu_count("GetCredentialsForIdentity");
    printf("    exactly-once: %d calls, %d completed once, %d never, %d more than once; "
           "%d OK; counter %ld; GetId %ld, GetCredentialsForIdentity %ld; %lld ms\n",
           calls, once, never, twice, ok, tu_counter_get(&done), get_id, get_credentials,
           (long long)elapsed);
    CHECK(once == calls && never == 0 && twice == 0, "every slot hit exactly once");
    CHECK(tu_counter_get(&done) == calls, "completion counter %ld == %d calls",
          tu_counter_get(&done), calls);
    CHECK(ok == calls, "all %d calls succeeded (%d did)", calls, ok);
    CHECK(same_identity, "all calls saw the same identity");
    CHECK(get_id == 1, "emulator saw exactly 1 GetId (%ld)", get_id);
    CHECK(get_credentials == 1, "emulator saw exactly 1 GetCredentialsForIdentity (%ld)",
          get_credentials);

    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    pthread_barrier_destroy(&start);
    tu_counter_destroy(&done);
    tu_counter_destroy(&started);
    tu_counter_destroy(&rejected);
    free(slots);
    tu_end();
}

int main(void) {
    emu_setup();
    const char *env = getenv("COGNITO_TEST_CALLS");
    int calls = env ? atoi(env) : 1000;
    if (calls < 2) {
        calls = 1000;
    }
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    test_concurrent_calls(calls);
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    return tu_finish("test_concurrency");
}
