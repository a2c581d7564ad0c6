/* game_server.c: a game server resolving Amazon Cognito identities for many players at once
 * with the cognito-native C ABI. One provider per player (guest identities of an identity pool
 * that allows unauthenticated access), every request in flight at the same time, completions
 * collected from the library's threads, then a report with the throughput.
 *
 * Build (from the repository root; no make needed):
 *   cargo build --lib --no-default-features
 *   gcc -std=c11 -O2 -Wall -Wextra -pthread -Iinclude examples/game_server.c \
 *       -Ltarget/debug -lcognito_native -Wl,-rpath,"$PWD/target/debug" -o target/game_server
 *
 * Run against the local emulator (prints one JSON line with its "url"):
 *   cargo build --bin cognito-native && target/debug/cognito-native emulate --port 0 &
 *   COGNITO_EMULATOR_URL=http://127.0.0.1:<port> target/game_server 200
 * or against AWS, with a pool that allows guests:
 *   COGNITO_POOL_ID=eu-west-1:<guid> target/game_server 100
 *
 * Usage: game_server [players (default 100)] [--credentials]
 *   --credentials  also get each player's temporary AWS credentials (one more request each).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cognito_native.h"

#define EMULATOR_GUEST_POOL "us-east-1:00000000-0000-4000-8000-000000000001"
#define WAIT_SECONDS 60

typedef struct {
    cognito_provider_t *provider;
    cognito_status_t status;
    char identity_id[128];
    char error[160];
} player_t;

/* Completions arrive on library threads: count them under a mutex, wake the main thread. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static int completed;

static void finish(player_t *player, cognito_status_t status, const char *identity_id,
                   const cognito_error_t *error) {
    pthread_mutex_lock(&mu);
    player->status = status;
    if (identity_id) {
        snprintf(player->identity_id, sizeof player->identity_id, "%s", identity_id);
    }
    if (error) {
        snprintf(player->error, sizeof player->error, "%s: %s", error->code, error->message);
    }
    completed++;
    pthread_cond_signal(&all_done);
    pthread_mutex_unlock(&mu);
}

static void on_identity(void *user_data, cognito_status_t status, const char *identity_id,
                        const cognito_error_t *error) {
    finish(user_data, status, identity_id, error);
}

static void on_credentials(void *user_data, cognito_status_t status,
                           const cognito_credentials_t *credentials, const cognito_error_t *error) {
    /* A real server would hand the credentials to its AWS client here (valid only now). */
    finish(user_data, status, credentials ? credentials->identity_id : NULL, error);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_last_error(const char *what, cognito_status_t status) {
    char *message = cognito_last_error_message();
    fprintf(stderr, "%s failed (status %d): %s\n", what, (int)status, message ? message : "?");
    cognito_string_free(message);
}

int main(int argc, char **argv) {
    int players = 100;
    int want_credentials = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--credentials") == 0) {
            want_credentials = 1;
        } else if (atoi(argv[i]) > 0) {
            players = atoi(argv[i]);
        } else {
            fprintf(stderr, "usage: %s [players] [--credentials]\n", argv[0]);
            return 2;
        }
    }
    const char *endpoint = getenv("COGNITO_EMULATOR_URL");
    const char *pool = getenv("COGNITO_POOL_ID");
    if (!pool) {
        pool = EMULATOR_GUEST_POOL;
    }
    char options[512] = "";
    if (endpoint) {
        snprintf(options, sizeof options,
                 "{\"endpoint\":\"%s\",\"allow_http_loopback\":true,\"use_environment\":false}",
                 endpoint);
    }

    cognito_status_t s = cognito_init(2, 0);
    if (s != COGNITO_STATUS_OK) {
        print_last_error("cognito_init", s);
        return 1;
    }
    printf("cognito-native %s: %d players, pool %s%s%s\n", cognito_version(), players, pool,
           endpoint ? ", endpoint " : "", endpoint ? endpoint : "");

    player_t *roster = calloc((size_t)players, sizeof *roster);
    if (!roster) {
        return 1;
    }
    int created = 0;
    for (; created < players; created++) {
        roster[created].status = -1; /* no answer yet */
        s = cognito_provider_new(pool, endpoint ? options : NULL, &roster[created].provider);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("cognito_provider_new", s);
            break;
        }
    }

    /* All requests in flight at once; each completes exactly once, on a library thread. */
    double started = now_seconds();
    int in_flight = 0;
    for (int i = 0; i < created; i++) {
        s = want_credentials
                ? cognito_provider_get_credentials(roster[i].provider, on_credentials, &roster[i],
                                                   NULL)
                : cognito_provider_get_identity_id(roster[i].provider, on_identity, &roster[i],
                                                   NULL);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("starting a request", s);
            break;
        }
        in_flight++;
    }

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_SECONDS;
    pthread_mutex_lock(&mu);
    while (completed < in_flight &&
           pthread_cond_timedwait(&all_done, &mu, &deadline) == 0) {
    }
    pthread_mutex_unlock(&mu);
    double elapsed = now_seconds() - started;

    int ok = 0;
    for (int i = 0; i < created; i++) {
        pthread_mutex_lock(&mu);
        player_t p = roster[i];
        pthread_mutex_unlock(&mu);
        if (p.status == COGNITO_STATUS_OK && p.identity_id[0]) {
            if (ok < 5) {
                printf("  player %4d: %s\n", i, p.identity_id);
            }
            ok++;
        } else if (p.status == -1) {
            fprintf(stderr, "  player %4d: no answer within %d s\n", i, WAIT_SECONDS);
        } else {
            fprintf(stderr, "  player %4d: failed (status %d) %s\n", i, (int)p.status, p.error);
        }
    }
    if (ok > 5) {
        printf("  ... and %d more\n", ok - 5);
    }
    printf("%d of %d players resolved in %.3f s: %.0f players/s\n", ok, players, elapsed,
           elapsed > 0 ? ok / elapsed : 0.0);

    /* Freeing a provider completes its pending calls (if we timed out) with CANCELLED. */
    for (int i = 0; i < created; i++) {
        cognito_provider_free(roster[i].provider);
    }
    cognito_shutdown(); /* joins the library's threads */
    free(roster);
    return ok == players ? 0 : 1;
}
