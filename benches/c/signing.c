/* The C ABI's side of P9, the signing cost (benches/signing.py): ns per signed request with valid
 * cached credentials, through cognito_provider_sign_cached + cognito_signed_headers_free (header
 * signing) and cognito_provider_presign_cached + cognito_string_free (a presigned URL), on the
 * requests the driver gives. Prints one JSON line.
 *
 *   signing <endpoint-url> <identity-pool-id> --s3-url URL --ddb-url URL --ddb-target T
 *           --ddb-body JSON --presign-url URL [--expires 900] [--round-ms 100] [--rounds 5]
 * The emulator's test CA is read from the file named by AWS_CA_BUNDLE.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define ROUNDS_MAX 100

static cognito_provider_t *provider;
static uint32_t expires = 900;

/* One signed request: 0 on success (a non-empty signature), else the status. */
static int sign_headers(cognito_sign_request_t const *request) {
    cognito_signed_headers_t *headers = NULL;
    cognito_status_t status = cognito_provider_sign_cached(provider, request, &headers);
    if (status != COGNITO_STATUS_OK) {
        return fail("cognito_provider_sign_cached", status);
    }
    int ok = headers && headers->count > 0;
    cognito_signed_headers_free(headers);
    return ok ? 0 : 1;
}

static int presign(cognito_sign_request_t const *request) {
    char *url = NULL;
    int64_t expiration = 0;
    cognito_status_t status = cognito_provider_presign_cached(provider, request, expires, &url, &expiration);
    if (status != COGNITO_STATUS_OK) {
        return fail("cognito_provider_presign_cached", status);
    }
    int ok = url && strstr(url, "X-Amz-Signature=") != NULL;
    cognito_string_free(url);
    return ok ? 0 : 1;
}

struct series {
    const char *request;
    int (*call)(cognito_sign_request_t const *);
    cognito_sign_request_t const *arg;
    long iters;
    double rounds_ns[ROUNDS_MAX];
};

static const char *flag(int argc, char **argv, const char *name) {
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], name) == 0) {
            return argv[i + 1];
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    bench_program = "signing";
    if (argc < 3) {
        fprintf(stderr, "usage: %s <endpoint-url> <identity-pool-id> --s3-url URL ...\n", argv[0]);
        return 2;
    }
    const char *ca = getenv("AWS_CA_BUNDLE");
    const char *s3_url = flag(argc, argv, "--s3-url"), *ddb_url = flag(argc, argv, "--ddb-url"),
               *ddb_target = flag(argc, argv, "--ddb-target"), *ddb_body = flag(argc, argv, "--ddb-body"),
               *presign_url = flag(argc, argv, "--presign-url");
    if (!ca || !*ca || !s3_url || !ddb_url || !ddb_target || !ddb_body || !presign_url) {
        fprintf(stderr, "signing: AWS_CA_BUNDLE, --s3-url, --ddb-url, --ddb-target, --ddb-body and "
                        "--presign-url are required\n");
        return 2;
    }
    const char *v;
    if ((v = flag(argc, argv, "--expires"))) {
        expires = (uint32_t)atol(v);
    }
    double round_ns = 100e6;
    if ((v = flag(argc, argv, "--round-ms"))) {
        round_ns = atof(v) * 1e6;
    }
    int rounds = 5;
    if ((v = flag(argc, argv, "--rounds"))) {
        rounds = atoi(v);
    }
    if (rounds < 1 || rounds > ROUNDS_MAX) {
        fprintf(stderr, "signing: --rounds is 1 to %d\n", ROUNDS_MAX);
        return 2;
    }

    cognito_status_t status = cognito_init(2, 0);
    if (status != COGNITO_STATUS_OK) {
        return fail("cognito_init", status);
    }
    provider = bench_provider_with_credentials(argv[1], argv[2], ca);

    cognito_sign_request_t s3 = {.method = "GET", .url = s3_url, .unsigned_payload = true, .service = "s3"};
    cognito_header_t ddb_headers[] = {
        {.name = "content-type", .value = "application/x-amz-json-1.0"},
        {.name = "x-amz-target", .value = ddb_target},
    };
    cognito_sign_request_t ddb = {.method = "POST",
                                  .url = ddb_url,
                                  .headers = ddb_headers,
                                  .header_count = 2,
                                  .body = (uint8_t const *)ddb_body,
                                  .body_len = strlen(ddb_body),
                                  .service = "dynamodb"};
    cognito_sign_request_t get = {.method = "GET", .url = presign_url, .service = "s3"};
    struct series series[] = {
        {.request = "s3_get", .call = sign_headers, .arg = &s3},
        {.request = "dynamodb_put", .call = sign_headers, .arg = &ddb},
        {.request = "s3_presign", .call = presign, .arg = &get},
    };
    size_t n = sizeof series / sizeof series[0];

    /* Warm-up and calibration: one round's time each; then the rounds, the requests in turn. */
    for (size_t s = 0; s < n; s++) {
        double start = now_ns();
        long count = 0;
        while (now_ns() - start < round_ns) {
            if (series[s].call(series[s].arg)) {
                return 1;
            }
            count++;
        }
        series[s].iters = count > 0 ? count : 1;
    }
    for (int r = 0; r < rounds; r++) {
        for (size_t s = 0; s < n; s++) {
            double start = now_ns();
            for (long i = 0; i < series[s].iters; i++) {
                if (series[s].call(series[s].arg)) {
                    return 1;
                }
            }
            series[s].rounds_ns[r] = (now_ns() - start) / (double)series[s].iters;
        }
    }

    cognito_provider_free(provider);
    cognito_shutdown();
    printf("{\"peer\":\"cognito-native C ABI\",\"version\":\"%s\",\"scenario\":\"signing\",\"series\":[",
           cognito_version());
    for (size_t s = 0; s < n; s++) {
        printf("%s{\"request\":\"%s\",\"client\":\"c\",\"iters_per_round\":%ld,\"rounds_ns\":[", s ? "," : "",
               series[s].request, series[s].iters);
        for (int r = 0; r < rounds; r++) {
            printf("%s%.1f", r ? "," : "", series[s].rounds_ns[r]);
        }
        printf("]}");
    }
    printf("]}\n");
    return 0;
}
