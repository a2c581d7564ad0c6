/* The C ABI's side of the peer benchmark (scripts/bench.sh): resident memory after init, and the
 * cost of a cached read (cognito_provider_cached_credentials + cognito_credentials_free: what a
 * game server calls before each AWS request). Prints one JSON line.
 *
 *   c_abi <endpoint-url> <identity-pool-id> [iterations]
 * The emulator's test CA is read from the file named by AWS_CA_BUNDLE. Linux (/proc/self/status).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cognito_native.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int done;
static cognito_status_t done_status;

static void on_credentials(void *user_data, cognito_status_t status,
                           cognito_credentials_t const *credentials, cognito_error_t const *error) {
    (void)user_data;
    (void)credentials;
    if (error) {
        fprintf(stderr, "get_credentials: %s: %s\n", error->code, error->message);
    }
    pthread_mutex_lock(&mu);
    done = 1;
    done_status = status;
    pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&mu);
}

/* VmRSS of /proc/self/status in bytes, or -1. */
static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) {
        return -1;
    }
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int fail(const char *what, cognito_status_t status) {
    char *message = cognito_last_error_message();
    fprintf(stderr, "c_abi: %s failed (status %d): %s\n", what, (int)status, message ? message : "?");
    cognito_string_free(message);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <endpoint-url> <identity-pool-id> [iterations]\n", argv[0]);
        return 2;
    }
    const char *ca = getenv("AWS_CA_BUNDLE");
    if (!ca || !*ca) {
        fprintf(stderr, "c_abi: AWS_CA_BUNDLE is not set\n");
        return 2;
    }
    long iterations = argc > 3 ? atol(argv[3]) : 1000000;
    long rss_start = rss_bytes();
    cognito_status_t status = cognito_init(2, 0);
    if (status != COGNITO_STATUS_OK) {
        return fail("cognito_init", status);
    }
    long rss_init = rss_bytes();

    char options[4096];
    snprintf(options, sizeof options, "{\"endpoint\":\"%s\",\"ca_bundle_file\":\"%s\",\"use_environment\":false}",
             argv[1], ca);
    cognito_provider_t *provider = NULL;
    status = cognito_provider_new(argv[2], options, &provider);
    if (status != COGNITO_STATUS_OK) {
        return fail("cognito_provider_new", status);
    }
    status = cognito_provider_get_credentials(provider, on_credentials, NULL, NULL);
    if (status != COGNITO_STATUS_OK) {
        return fail("cognito_provider_get_credentials", status);
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&mu);
    while (!done && pthread_cond_timedwait(&done_cv, &mu, &deadline) == 0) {
    }
    int got = done && done_status == COGNITO_STATUS_OK;
    pthread_mutex_unlock(&mu);
    if (!got) {
        fprintf(stderr, "c_abi: no credentials within 30 s\n");
        return 1;
    }
    long rss_credentials = rss_bytes();

    /* Warm-up, then the timed loop. */
    double start = 0;
    for (long i = -iterations / 10; i < iterations; i++) {
        if (i == 0) {
            start = now_ns();
        }
        cognito_credentials_t *credentials = NULL;
        status = cognito_provider_cached_credentials(provider, &credentials);
        if (status != COGNITO_STATUS_OK) {
            return fail("cognito_provider_cached_credentials", status);
        }
        cognito_credentials_free(credentials);
    }
    double per_call = (now_ns() - start) / (double)iterations;

    cognito_provider_free(provider);
    cognito_shutdown();
    printf("{\"peer\":\"cognito-native C ABI\",\"version\":\"%s\",\"scenario\":\"c_abi\","
           "\"iters\":%ld,\"cached_credentials_ns\":%.1f,\"rss_start\":%ld,\"rss_after_init\":%ld,"
           "\"rss_after_credentials\":%ld}\n",
           cognito_version(), iterations, per_call, rss_start, rss_init, rss_credentials);
    return 0;
}
