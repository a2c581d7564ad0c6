/* game_server.c: a game server resolving Amazon Cognito identities for many players at once
 * with the cognito-native C ABI. One provider per player (guest identities of an identity pool
 * that allows unauthenticated access), every request in flight at the same time, completions
 * collected from the library's threads, then a report with the throughput.
 *
 * Build (from the repository root; no make needed):
 *   cargo build --lib
 *   gcc -std=c11 -O2 -Wall -Wextra -pthread -Iinclude examples/game_server.c \
 *       -Ltarget/debug -lcognito_native -Wl,-rpath,"$PWD/target/debug" -o target/game_server
 *
 * Run against the local emulator (prints one JSON line with its "url"):
 *   cargo build -p cognito-cli && target/debug/cognito-native emulate --port 0 &
 *   COGNITO_EMULATOR_URL=http://127.0.0.1:<port> target/game_server 200
 * or over HTTPS, trusting the emulator's generated test CA (the ca_bundle_file option):
 *   target/debug/cognito-native emulate --port 0 --tls --ca-out target/emulator-ca.pem &
 *   COGNITO_EMULATOR_URL=https://127.0.0.1:<port> COGNITO_EMULATOR_CA=target/emulator-ca.pem \
 *       target/game_server 200
 * or against AWS, with a pool that allows guests:
 *   COGNITO_POOL_ID=eu-west-1:<guid> target/game_server 100
 *
 * Usage: game_server [players] [--credentials | --developer | --memory] [--stats-every SECONDS]
 *   (default)      guest identities for `players` (default 100) players.
 *   --credentials  also get each player's temporary AWS credentials (one more request each).
 *   --developer    developer-authenticated identities: the "backend" mints one OpenID token
 *                  per player (GetOpenIdTokenForDeveloperIdentity, SigV4-signed) with ONE shared
 *                  developer client, all at once; then each player's "app" (one provider per
 *                  player) gets credentials through a developer identity source fed by those
 *                  tokens, all at once. Prints players/s for both phases.
 *                  Signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN),
 *                  or, against the emulator (COGNITO_EMULATOR_URL), with its test key.
 *                  COGNITO_DEVELOPER_PROVIDER names the pool's developer provider (default: the
 *                  emulator's "login.cognitonative.emulator").
 *   --memory       memory per provider: creates `players` providers (default 10000) sharing the
 *                  library's one runtime and prints the resident set size (VmRSS) before and
 *                  after, then after each got a guest identity (get_identity_id, at most
 *                  MEMORY_IN_FLIGHT at a time). Linux only (/proc/self/status).
 *   --stats-every  print the library's statistics (cognito_statistics_json: requests by
 *                  operation and outcome, throttles, waits for a quota slot, cached reads, calls
 *                  in flight) every SECONDS while the players log in. They are printed once at
 *                  the end in any case.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim: --memory also reports RSS with freed heap returned */
#endif

#include "cognito_native.h"

#define EMULATOR_GUEST_POOL "us-east-1:00000000-0000-4000-8000-000000000001"
#define EMULATOR_DEVELOPER_PROVIDER "login.cognitonative.emulator"
/* The emulator's test key (it verifies SigV4 signatures made with it). */
#define EMULATOR_KEY_ID "AKIDEMULATOREXAMPLE1"
#define EMULATOR_SECRET "emulator/SECRET/key/EXAMPLEKEY0000000000"
#define WAIT_SECONDS 60
#define MEMORY_IN_FLIGHT 500

typedef struct {
    cognito_provider_t *provider;
    cognito_status_t status;
    char identity_id[128];
    char error[160];
    /* --developer: what the backend minted for this player, handed to the player's app. */
    char *token;
    cognito_status_t token_status;
    int source_asks;
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

/* Prints the library's statistics as one line of JSON. */
static void print_statistics(const char *when) {
    char *json = NULL;
    cognito_status_t s = cognito_statistics_json(&json);
    if (s != COGNITO_STATUS_OK) {
        print_last_error("cognito_statistics_json", s);
        return;
    }
    printf("statistics (%s): %s\n", when, json);
    fflush(stdout);
    cognito_string_free(json);
}

/* --stats-every: a reporter thread, stopped through `reporter_stop`. */
static pthread_mutex_t reporter_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reporter_wake = PTHREAD_COND_INITIALIZER;
static int reporter_stop = 0;

static void *reporter(void *arg) {
    int every = *(const int *)arg;
    pthread_mutex_lock(&reporter_mu);
    while (!reporter_stop) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += every;
        if (pthread_cond_timedwait(&reporter_wake, &reporter_mu, &deadline) != 0 && !reporter_stop) {
            pthread_mutex_unlock(&reporter_mu);
            print_statistics("so far");
            pthread_mutex_lock(&reporter_mu);
        }
    }
    pthread_mutex_unlock(&reporter_mu);
    return NULL;
}

/* Waits until `target` completions were counted (or WAIT_SECONDS passed); returns the count. */
static int wait_completed(int target) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_SECONDS;
    pthread_mutex_lock(&mu);
    while (completed < target && pthread_cond_timedwait(&all_done, &mu, &deadline) == 0) {
    }
    int n = completed;
    pthread_mutex_unlock(&mu);
    return n;
}

static void reset_completed(void) {
    pthread_mutex_lock(&mu);
    completed = 0;
    pthread_mutex_unlock(&mu);
}

/* Counts the players whose last call succeeded, printing the first few and every failure. */
static int report(player_t *roster, int count, const char *what) {
    int ok = 0;
    for (int i = 0; i < count; i++) {
        pthread_mutex_lock(&mu);
        player_t p = roster[i];
        pthread_mutex_unlock(&mu);
        if (p.status == COGNITO_STATUS_OK && p.identity_id[0]) {
            if (ok < 5) {
                printf("  player %4d: %s\n", i, p.identity_id);
            }
            ok++;
        } else if (p.status == -1) {
            fprintf(stderr, "  player %4d: %s: no answer within %d s\n", i, what, WAIT_SECONDS);
        } else {
            fprintf(stderr, "  player %4d: %s failed (status %d) %s\n", i, what, (int)p.status,
                    p.error);
        }
    }
    if (ok > 5) {
        printf("  ... and %d more\n", ok - 5);
    }
    return ok;
}

static int create_providers(player_t *roster, int players, const char *pool,
                            const char *options) {
    int created = 0;
    for (; created < players; created++) {
        roster[created].status = -1; /* no answer yet */
        cognito_status_t s = cognito_provider_new(pool, options, &roster[created].provider);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("cognito_provider_new", s);
            break;
        }
    }
    return created;
}

/* Freeing a provider completes its pending calls (if we timed out) with CANCELLED. */
static void free_providers(player_t *roster, int created) {
    for (int i = 0; i < created; i++) {
        cognito_provider_free(roster[i].provider);
        roster[i].provider = NULL;
    }
}

/* ---- guest identities (default mode) ------------------------------------------------- */

static int run_guests(player_t *roster, int players, const char *pool, const char *options,
                      int want_credentials) {
    int created = create_providers(roster, players, pool, options);

    /* All requests in flight at once; each completes exactly once, on a library thread. */
    double started = now_seconds();
    int in_flight = 0;
    for (int i = 0; i < created; i++) {
        cognito_status_t s =
            want_credentials
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
    wait_completed(in_flight);
    double elapsed = now_seconds() - started;

    int ok = report(roster, created, want_credentials ? "credentials" : "identity");
    printf("%d of %d players resolved in %.3f s: %.0f players/s\n", ok, players, elapsed,
           elapsed > 0 ? ok / elapsed : 0.0);
    free_providers(roster, created);
    return ok == players;
}

/* ---- developer-authenticated identities (--developer) ---------------------------------- */

/* Backend: GetOpenIdTokenForDeveloperIdentity answered, on a library thread. */
static void on_developer_token(void *user_data, cognito_status_t status, const char *identity_id,
                               const char *token, const cognito_error_t *error) {
    player_t *player = user_data;
    pthread_mutex_lock(&mu);
    player->token_status = status;
    if (status == COGNITO_STATUS_OK) {
        snprintf(player->identity_id, sizeof player->identity_id, "%s", identity_id);
        player->token = strdup(token); /* the pointer is valid only during this callback */
    } else if (error) {
        snprintf(player->error, sizeof player->error, "%s: %s", error->code, error->message);
    }
    completed++;
    pthread_cond_signal(&all_done);
    pthread_mutex_unlock(&mu);
}

/* App: the provider needs the player's developer identity. A real app would ask its backend
 * over the network (and answer later, from any thread); here the backend's answer is at hand,
 * so answer at once. */
static void on_developer_identity_request(void *user_data, uint64_t request_id) {
    player_t *player = user_data;
    pthread_mutex_lock(&mu);
    player->source_asks++;
    char identity_id[128];
    snprintf(identity_id, sizeof identity_id, "%s", player->identity_id);
    const char *token = player->token;
    pthread_mutex_unlock(&mu);
    cognito_status_t s =
        token ? cognito_developer_identity_complete(request_id, identity_id, token, NULL)
              : cognito_developer_identity_complete(request_id, NULL, NULL, "no token for player");
    if (s != COGNITO_STATUS_OK) {
        print_last_error("cognito_developer_identity_complete", s);
    }
}

static int run_developer(player_t *roster, int players, const char *pool, const char *options,
                         int emulator) {
    const char *provider_name = getenv("COGNITO_DEVELOPER_PROVIDER");
    if (!provider_name) {
        provider_name = EMULATOR_DEVELOPER_PROVIDER;
    }
    /* One client for the whole backend; NULL key: AWS_ACCESS_KEY_ID / ... from the environment
     * (the emulator knows only its test key). */
    int test_key = emulator;
    cognito_developer_client_t *backend = NULL;
    cognito_status_t s = cognito_developer_client_new(
        pool, options, test_key ? EMULATOR_KEY_ID : NULL, test_key ? EMULATOR_SECRET : NULL,
        NULL, &backend);
    if (s != COGNITO_STATUS_OK) {
        print_last_error("cognito_developer_client_new", s);
        return 0;
    }
    printf("backend: developer provider %s, signing with %s\n", provider_name,
           test_key ? "the emulator's test key" : "AWS_ACCESS_KEY_ID");

    /* Phase 1, backend: a token for every player, all in flight at once on the one client. */
    for (int i = 0; i < players; i++) {
        roster[i].status = -1;
        roster[i].token_status = -1;
    }
    reset_completed();
    double started = now_seconds();
    int in_flight = 0;
    for (int i = 0; i < players; i++) {
        char user[32];
        snprintf(user, sizeof user, "player-%d", i);
        s = cognito_developer_client_get_token(backend, pool, provider_name, user,
                                               "{\"token_duration_secs\":900}",
                                               on_developer_token, &roster[i], NULL);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("cognito_developer_client_get_token", s);
            break;
        }
        in_flight++;
    }
    wait_completed(in_flight);
    double token_elapsed = now_seconds() - started;
    int tokens = 0;
    for (int i = 0; i < players; i++) {
        pthread_mutex_lock(&mu);
        int ok = roster[i].token_status == COGNITO_STATUS_OK && roster[i].token;
        if (!ok) {
            fprintf(stderr, "  player %4d: token failed (status %d) %s\n", i,
                    (int)roster[i].token_status, roster[i].error);
        }
        pthread_mutex_unlock(&mu);
        tokens += ok;
    }
    printf("token phase: %d of %d developer tokens in %.3f s: %.0f players/s\n", tokens, players,
           token_elapsed, token_elapsed > 0 ? tokens / token_elapsed : 0.0);

    /* Phase 2, the players' apps: one provider each, its identity from the backend's token. */
    double create_started = now_seconds();
    int created = create_providers(roster, players, pool, options);
    for (int i = 0; i < created; i++) {
        s = cognito_provider_set_developer_identity_source(
            roster[i].provider, on_developer_identity_request, &roster[i]);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("cognito_provider_set_developer_identity_source", s);
            created = i;
            break;
        }
    }
    double create_elapsed = now_seconds() - create_started;
    reset_completed();
    started = now_seconds();
    in_flight = 0;
    for (int i = 0; i < created; i++) {
        s = cognito_provider_get_credentials(roster[i].provider, on_credentials, &roster[i], NULL);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("cognito_provider_get_credentials", s);
            break;
        }
        in_flight++;
    }
    wait_completed(in_flight);
    double credentials_elapsed = now_seconds() - started;
    int ok = report(roster, created, "credentials");
    int asks = 0;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < created; i++) {
        asks += roster[i].source_asks;
    }
    pthread_mutex_unlock(&mu);
    printf("(%d providers created in %.3f s; developer identity source asked %d times)\n",
           created, create_elapsed, asks);
    printf("credentials phase: %d of %d players got credentials in %.3f s: %.0f players/s\n", ok,
           players, credentials_elapsed,
           credentials_elapsed > 0 ? ok / credentials_elapsed : 0.0);

    free_providers(roster, created);
    cognito_developer_client_free(backend);
    for (int i = 0; i < players; i++) {
        free(roster[i].token);
        roster[i].token = NULL;
    }
    return tokens == players && ok == players;
}

/* ---- memory per provider (--memory) -------------------------------------------------- */

/* The resident set size in bytes (VmRSS of /proc/self/status), or -1. */
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

/* Open file descriptors (mostly the HTTP client's idle keep-alive connections), or -1. */
static int open_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        return -1;
    }
    int n = 0;
    while (readdir(d)) {
        n++;
    }
    closedir(d);
    return n - 3; /* ".", ".." and the directory itself */
}

static double mib(long bytes) { return (double)bytes / (1024.0 * 1024.0); }

/* RSS after handing freed heap back to the system (glibc keeps it otherwise, so RSS after a
 * burst of requests also counts their freed buffers); -1 where that is not possible. */
static long trimmed_rss_bytes(void) {
#ifdef __GLIBC__
    malloc_trim(0);
    return rss_bytes();
#else
    return -1;
#endif
}

static int run_memory(player_t *roster, int players, const char *pool, const char *options) {
    /* Warm up: the runtime, TLS/HTTP setup and allocator arenas are paid once, not per provider. */
    player_t warm = {.status = -1};
    if (create_providers(&warm, 1, pool, options) != 1) {
        return 0;
    }
    reset_completed();
    if (cognito_provider_get_identity_id(warm.provider, on_identity, &warm, NULL) ==
        COGNITO_STATUS_OK) {
        wait_completed(1);
    }
    free_providers(&warm, 1);

    long before = trimmed_rss_bytes();
    if (before < 0) {
        before = rss_bytes();
    }
    double started = now_seconds();
    int created = create_providers(roster, players, pool, options);
    double create_elapsed = now_seconds() - started;
    long after_create = rss_bytes();
    if (before < 0 || after_create < 0) {
        fprintf(stderr, "no VmRSS in /proc/self/status\n");
        free_providers(roster, created);
        return 0;
    }
    printf("RSS before: %.1f MiB; after %d providers: %.1f MiB (created in %.3f s)\n", mib(before),
           created, mib(after_create), create_elapsed);
    printf("  per provider, no identity yet: %.0f bytes\n",
           created ? (double)(after_create - before) / created : 0.0);

    /* Every provider gets a guest identity, at most MEMORY_IN_FLIGHT requests at a time. */
    reset_completed();
    started = now_seconds();
    int started_calls = 0;
    for (int i = 0; i < created; i++) {
        pthread_mutex_lock(&mu);
        while (started_calls - completed >= MEMORY_IN_FLIGHT) {
            pthread_cond_wait(&all_done, &mu);
        }
        pthread_mutex_unlock(&mu);
        cognito_status_t s =
            cognito_provider_get_identity_id(roster[i].provider, on_identity, &roster[i], NULL);
        if (s != COGNITO_STATUS_OK) {
            print_last_error("cognito_provider_get_identity_id", s);
            break;
        }
        started_calls++;
    }
    wait_completed(started_calls);
    double identity_elapsed = now_seconds() - started;
    int ok = 0;
    for (int i = 0; i < created; i++) {
        pthread_mutex_lock(&mu);
        int good = roster[i].status == COGNITO_STATUS_OK;
        if (!good) {
            fprintf(stderr, "  provider %d: identity failed (status %d) %s\n", i,
                    (int)roster[i].status, roster[i].error);
        }
        pthread_mutex_unlock(&mu);
        ok += good;
    }
    long after_identity = rss_bytes();
    printf("%d of %d providers got an identity in %.3f s (%d in flight at most): %.0f/s\n", ok,
           created, identity_elapsed, MEMORY_IN_FLIGHT,
           identity_elapsed > 0 ? ok / identity_elapsed : 0.0);
    printf("RSS with identities: %.1f MiB (%d open file descriptors)\n", mib(after_identity),
           open_fds());
    printf("  per provider, with an identity: %.0f bytes\n",
           created ? (double)(after_identity - before) / created : 0.0);
    long trimmed = trimmed_rss_bytes();
    if (trimmed >= 0) {
        printf("RSS with identities, freed heap returned (malloc_trim): %.1f MiB\n", mib(trimmed));
        printf("  per provider, with an identity: %.0f bytes\n",
               created ? (double)(trimmed - before) / created : 0.0);
    }

    free_providers(roster, created);
    long after_free = trimmed_rss_bytes();
    if (after_free < 0) {
        after_free = rss_bytes();
        trimmed = after_identity;
    }
    /* What stays is shared: the HTTP client's idle keep-alive connections (up to one per request
     * that was in flight), runtime and allocator state. What went is what the providers held. */
    printf("RSS after freeing them: %.1f MiB (kept: shared idle connections, allocator)\n",
           mib(after_free));
    printf("  released by cognito_provider_free: %.0f bytes per provider (with identity)\n",
           created ? (double)(trimmed - after_free) / created : 0.0);
    return created == players && ok == players;
}

int main(int argc, char **argv) {
    int players = 0;
    int want_credentials = 0, developer = 0, memory = 0, stats_every = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stats-every") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            stats_every = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--credentials") == 0) {
            want_credentials = 1;
        } else if (strcmp(argv[i], "--developer") == 0) {
            developer = 1;
        } else if (strcmp(argv[i], "--memory") == 0) {
            memory = 1;
        } else if (atoi(argv[i]) > 0) {
            players = atoi(argv[i]);
        } else {
            fprintf(stderr,
                    "usage: %s [players] [--credentials | --developer | --memory]"
                    " [--stats-every SECONDS]\n",
                    argv[0]);
            return 2;
        }
    }
    if (want_credentials + developer + memory > 1) {
        fprintf(stderr, "%s: --credentials, --developer and --memory are exclusive\n", argv[0]);
        return 2;
    }
    if (players == 0) {
        players = memory ? 10000 : 100;
    }
    const char *endpoint = getenv("COGNITO_EMULATOR_URL");
    const char *pool = getenv("COGNITO_POOL_ID");
    if (!pool) {
        pool = EMULATOR_GUEST_POOL;
    }
    char options[1024] = "";
    if (endpoint) {
        /* http: allowed on loopback when asked. https: trust the emulator's test CA when
         * COGNITO_EMULATOR_CA names it (a path without '"' or '\\': it goes into JSON as is). */
        const char *ca = getenv("COGNITO_EMULATOR_CA");
        int https = strncmp(endpoint, "https://", 8) == 0, with_ca = https && ca && ca[0];
        int n = snprintf(options, sizeof options,
                         "{\"endpoint\":\"%s\",%s%s%s\"use_environment\":false}", endpoint,
                         !https    ? "\"allow_http_loopback\":true,"
                         : with_ca ? "\"ca_bundle_file\":\""
                                   : "",
                         with_ca ? ca : "", with_ca ? "\"," : "");
        if (n < 0 || (size_t)n >= sizeof options) {
            fprintf(stderr, "%s: COGNITO_EMULATOR_URL / COGNITO_EMULATOR_CA too long\n", argv[0]);
            return 2;
        }
    }

    cognito_status_t s = cognito_init(2, 0);
    if (s != COGNITO_STATUS_OK) {
        print_last_error("cognito_init", s);
        return 1;
    }
    printf("cognito-native %s: %d players%s, pool %s%s%s\n", cognito_version(), players,
           developer ? " (developer identities)" : memory ? " (memory per provider)" : "", pool,
           endpoint ? ", endpoint " : "", endpoint ? endpoint : "");

    player_t *roster = calloc((size_t)players, sizeof *roster);
    if (!roster) {
        return 1;
    }
    const char *opts = endpoint ? options : NULL;
    pthread_t reporter_thread;
    int reporting = stats_every > 0 &&
                    pthread_create(&reporter_thread, NULL, reporter, &stats_every) == 0;
    int all_ok = developer ? run_developer(roster, players, pool, opts, endpoint != NULL)
                 : memory  ? run_memory(roster, players, pool, opts)
                           : run_guests(roster, players, pool, opts, want_credentials);
    if (reporting) {
        pthread_mutex_lock(&reporter_mu);
        reporter_stop = 1;
        pthread_cond_signal(&reporter_wake);
        pthread_mutex_unlock(&reporter_mu);
        pthread_join(reporter_thread, NULL);
    }
    print_statistics("at the end");
    cognito_shutdown(); /* joins the library's threads */
    free(roster);
    return all_ok ? 0 : 1;
}
