/* P10 (benches/signin.py) through the C ABI: --warmup + --runs SRP sign-ins in a row with
 * cognito_user_pool_sign_in (COGNITO_AUTH_FLOW_SRP) on one cognito_user_pool_t, each timed until
 * its callback has the session. Prints one JSON line, as the peers do (benches/peers/README.md).
 *
 *   signin sign-in --endpoint URL --region R --pool ID --user-pool ID --client-id ID \
 *          --username U [--runs 20] [--warmup 3]
 * The password comes from BENCH_SIGNIN_PASSWORD, the emulator's CA from AWS_CA_BUNDLE.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define MAX_RUNS 10000
#define TIMEOUT_S 30

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int done;
static int signed_in;
static char failure[512];

static void on_sign_in(void *user_data, cognito_status_t status, cognito_sign_in_t const *result,
                       cognito_error_t const *error) {
    (void)user_data;
    pthread_mutex_lock(&mu);
    if (status == COGNITO_STATUS_OK && result && result->session) {
        signed_in = 1;
        cognito_user_session_free(result->session);
    } else if (result && result->challenge) {
        snprintf(failure, sizeof failure, "unexpected challenge %s",
                 result->challenge_name ? result->challenge_name : "?");
        cognito_challenge_free(result->challenge);
    } else {
        snprintf(failure, sizeof failure, "%s: %s", error && error->code ? error->code : "?",
                 error && error->message ? error->message : "?");
    }
    done = 1;
    pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&mu);
}

int main(int argc, char **argv) {
    bench_program = "signin";
    const char *endpoint = NULL, *user_pool = NULL, *client_id = NULL, *username = NULL;
    long runs = 20, warmup = 3;
    if (argc < 2 || strcmp(argv[1], "sign-in") != 0) {
        fprintf(stderr, "usage: %s sign-in --endpoint URL --user-pool ID --client-id ID --username U "
                        "[--runs N] [--warmup W]\n", argv[0]);
        return 2;
    }
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--endpoint")) endpoint = v;
        else if (!strcmp(k, "--user-pool")) user_pool = v;
        else if (!strcmp(k, "--client-id")) client_id = v;
        else if (!strcmp(k, "--username")) username = v;
        else if (!strcmp(k, "--runs")) runs = atol(v);
        else if (!strcmp(k, "--warmup")) warmup = atol(v);
        else if (strcmp(k, "--region") && strcmp(k, "--pool")) {
            fprintf(stderr, "signin: unknown option %s\n", k);
            return 2;
        }
    }
    const char *password = getenv("BENCH_SIGNIN_PASSWORD");
    const char *ca = getenv("AWS_CA_BUNDLE");
    if (!endpoint || !user_pool || !client_id || !username || !password || !*password || !ca || !*ca ||
        runs < 1 || runs > MAX_RUNS || warmup < 0 || warmup > MAX_RUNS) {
        fprintf(stderr, "signin: --endpoint, --user-pool, --client-id, --username, 1 <= --runs <= %d, "
                        "BENCH_SIGNIN_PASSWORD and AWS_CA_BUNDLE are required\n", MAX_RUNS);
        return 2;
    }
    cognito_status_t status = cognito_init(2, 0);
    if (status != COGNITO_STATUS_OK) return fail("cognito_init", status);
    char options[4096];
    snprintf(options, sizeof options,
             "{\"endpoint\":\"%s\",\"ca_bundle_file\":\"%s\",\"use_environment\":false,"
             "\"attempt_timeout_ms\":30000}", endpoint, ca);
    cognito_user_pool_t *pool = NULL;
    status = cognito_user_pool_new(user_pool, client_id, options, &pool);
    if (status != COGNITO_STATUS_OK) return fail("cognito_user_pool_new", status);

    static double runs_ns[MAX_RUNS];
    for (long run = 0; run < warmup + runs; run++) {
        pthread_mutex_lock(&mu);
        done = 0;
        signed_in = 0;
        pthread_mutex_unlock(&mu);
        double start = now_ns();
        status = cognito_user_pool_sign_in(pool, username, password, COGNITO_AUTH_FLOW_SRP, on_sign_in,
                                           NULL, NULL);
        if (status != COGNITO_STATUS_OK) return fail("cognito_user_pool_sign_in", status);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += TIMEOUT_S;
        pthread_mutex_lock(&mu);
        while (!done && pthread_cond_timedwait(&done_cv, &mu, &deadline) == 0) {
        }
        int ok = done && signed_in;
        double elapsed = now_ns() - start;
        pthread_mutex_unlock(&mu);
        if (!ok) {
            fprintf(stderr, "signin: sign-in %ld: %s\n", run, done ? failure : "no answer within 30 s");
            return 1;
        }
        if (run >= warmup) runs_ns[run - warmup] = elapsed;
    }
    cognito_user_pool_free(pool);
    cognito_shutdown();
    printf("{\"peer\":\"cognito-native C ABI\",\"version\":\"%s\",\"scenario\":\"sign-in\",\"runs_ns\":[",
           cognito_version());
    for (long i = 0; i < runs; i++) printf("%s%.0f", i ? "," : "", runs_ns[i]);
    printf("]}\n");
    return 0;
}
