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

#include "bench.h"

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

int main(int argc, char **argv) {
    bench_program = "c_abi";
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

    cognito_provider_t *provider = bench_provider_with_credentials(argv[1], argv[2], ca);
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
