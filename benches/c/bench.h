/* What the C ABI's bench programs share (benches/c/): a monotonic clock, reporting a failed
 * call, and a provider on the emulator with its first credentials. Header-only: each program is
 * one translation unit (scripts/bench.sh compiles them alone). */
#ifndef COGNITO_BENCH_H
#define COGNITO_BENCH_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cognito_native.h"

/* The program's name in messages; each program sets it first thing in main. */
static const char *bench_program = "bench";

static inline double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Prints what failed with the library's last error; returns the exit status 1. */
static inline int fail(const char *what, cognito_status_t status) {
    char *message = cognito_last_error_message();
    fprintf(stderr, "%s: %s failed (status %d): %s\n", bench_program, what, (int)status,
            message ? message : "?");
    cognito_string_free(message);
    return 1;
}

static pthread_mutex_t bench_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bench_cv = PTHREAD_COND_INITIALIZER;
static int bench_done;
static cognito_status_t bench_status;

static inline void bench_on_credentials(void *user_data, cognito_status_t status,
                                        cognito_credentials_t const *credentials,
                                        cognito_error_t const *error) {
    (void)user_data;
    (void)credentials;
    if (error) {
        fprintf(stderr, "get_credentials: %s: %s\n", error->code, error->message);
    }
    pthread_mutex_lock(&bench_mu);
    bench_done = 1;
    bench_status = status;
    pthread_cond_signal(&bench_cv);
    pthread_mutex_unlock(&bench_mu);
}

/* A provider for `pool` on the emulator at `endpoint` (trusting the CA file `ca`), with its first
 * credentials fetched (at most 30 s): what the measurements read. Exits the program on failure. */
static inline cognito_provider_t *bench_provider_with_credentials(const char *endpoint, const char *pool,
                                                                  const char *ca) {
    char options[4096];
    snprintf(options, sizeof options,
             "{\"endpoint\":\"%s\",\"ca_bundle_file\":\"%s\",\"use_environment\":false}", endpoint,
             ca);
    cognito_provider_t *provider = NULL;
    cognito_status_t status = cognito_provider_new(pool, options, &provider);
    if (status != COGNITO_STATUS_OK) {
        exit(fail("cognito_provider_new", status));
    }
    status = cognito_provider_get_credentials(provider, bench_on_credentials, NULL, NULL);
    if (status != COGNITO_STATUS_OK) {
        exit(fail("cognito_provider_get_credentials", status));
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&bench_mu);
    while (!bench_done && pthread_cond_timedwait(&bench_cv, &bench_mu, &deadline) == 0) {
    }
    int got = bench_done && bench_status == COGNITO_STATUS_OK;
    pthread_mutex_unlock(&bench_mu);
    if (!got) {
        fprintf(stderr, "%s: got no credentials (waited at most 30 s)\n", bench_program);
        exit(1);
    }
    return provider;
}

#endif
