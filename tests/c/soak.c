/* Soak test of the C ABI: many threads on a few providers for a bounded time, against the
 * emulator with short-lived credentials (so they are refreshed all the time), while providers are
 * freed and re-created under the threads using them. Run by scripts/soak.sh.
 *
 * Each of SOAK_THREADS threads loops, choosing at random (per-thread PRNG, seeded from SOAK_SEED):
 * cached reads (credentials, identity id), asynchronous get_credentials / get_identity_id (fire
 * and forget, or waited for, bounded; at most 8 in flight per thread), cancel of a call just
 * started / of an older one / of a finished one, clear / clear_credentials /
 * clear_identity_cache, add_login / remove_login ("graph.facebook.com" = "player-<n>"), logins
 * queries, a logins provider answered from its callback, a new identity-changed callback.
 * Providers with an even index are "stable": only read and called, so their credentials are
 * renewed because they expire (background refresh); odd ones are "volatile": they also sign in and
 * out, at most once per SOAK_MUTATE_MS each. A churn thread frees and re-creates one provider every
 * SOAK_CHURN_MS while the others keep using its old handle (INVALID_HANDLE is expected). Providers
 * 0-1 keep the identity id in files, 2-3 in host store callbacks, 4-6 in memory; 7 is on the
 * auth-only pool.
 *
 * Invariants (each violation is counted and the first few printed):
 * - every accepted asynchronous call completes exactly once (per-call records: none twice, none
 *   never, none inside the call that started it, through its own callback, with consistent
 *   arguments); a call whose cancel returned OK completes as CANCELLED; cancelling a finished
 *   call gives NOT_FOUND; no call is refused while the library runs;
 * - statuses are only the expected ones: OK, CANCELLED, INVALID_HANDLE, NOT_FOUND (sync), and
 *   FAILED with NotAuthorized / ResourceNotFound / LoginsProvider (sign-in races, merges, the
 *   logins provider's refusals); a failed synchronous call leaves a last error message;
 * - credentials are non-empty, for an identity id `<region>:<uuid>`, and not expired (wall clock,
 *   at the callback or the read; the expiration is in whole seconds, so "expired" means
 *   expiration + 1 <= now; those with under a second left are counted and reported);
 *   identity ids have that form everywhere;
 * - no provider callback (identity changed, store, token request) runs after its
 *   cognito_provider_free returned;
 * - at the end (all completions waited for, providers freed, cognito_shutdown, then a call that
 *   must be refused with SHUT_DOWN): accepted == completed per kind; nothing completes after
 *   shutdown; the stable providers' cached reads hit at least SOAK_MIN_HIT_PERCENT; the emulator
 *   saw enough GetCredentialsForIdentity for the credentials to have been renewed;
 * - memory: the live heap (ASan's allocator, or glibc's mallinfo2) grew by at most
 *   SOAK_HEAP_LIMIT_MB and the RSS by at most SOAK_RSS_LIMIT_MB since warm-up (not under
 *   valgrind, where both are only printed).
 * A watchdog aborts the process, listing the calls still outstanding and the threads inside a
 * call, if nothing progresses for SOAK_STALL_SECONDS or the run exceeds SOAK_SECONDS +
 * SOAK_GRACE_SECONDS (both scaled by TU_TIMEOUT_SCALE, capped at 180 s and 400 s).
 *
 * Environment (besides test_util.h's): SOAK_SECONDS (30), SOAK_THREADS (64), SOAK_SEED (time and
 * pid; printed), SOAK_CHURN_MS (1000; 0: no churn), SOAK_MUTATE_MS (100), SOAK_RSS_LIMIT_MB (16;
 * 64 + SOAK_SECONDS / 2 under ASan), SOAK_HEAP_LIMIT_MB (4), SOAK_RSS_CHECK (1; 0 under valgrind),
 * SOAK_MIN_HIT_PERCENT (80; 0 under valgrind), SOAK_STALL_SECONDS (20), SOAK_GRACE_SECONDS (60),
 * SOAK_CREDENTIAL_LIFETIME (5: set through the admin API if the emulator differs),
 * SOAK_REFRESH_WINDOW (2), SOAK_WORKERS (library threads, 2), SOAK_TMPDIR (/tmp).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <inttypes.h>
#include <malloc.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

#define MAX_THREADS 256
#define PROVIDERS 8
#define AUTH_ONLY_INDEX 7
#define RING 32
#define MAX_OUTSTANDING 8
#define MAX_GENS 4096
#define LOGIN_PROVIDER "graph.facebook.com"
#define PLAYERS 48

/* ---- configuration ---------------------------------------------------------------------- */

static struct {
    int seconds, threads, churn_ms, rss_limit_mb, heap_limit_mb, min_hit_percent, workers,
        lifetime, refresh_window, mutate_ms;
    bool rss_check, under_valgrind, under_asan;
    int stall_ms, total_limit_ms, wait_ms;
    uint64_t seed;
    char tmpdir[256];
    char base[200];
} cfg;

static int env_int(const char *name, int fallback) {
    const char *v = getenv(name);
    return v && *v ? atoi(v) : fallback;
}

static int min_int(int a, int b) { return a < b ? a : b; }

/* Present (non-NULL) only under a sanitizer runtime. */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static void read_config(void) {
    const char *preload = getenv("LD_PRELOAD");
    cfg.under_valgrind = preload && strstr(preload, "vgpreload");
    cfg.seconds = env_int("SOAK_SECONDS", 30);
    cfg.threads = env_int("SOAK_THREADS", 64);
    if (cfg.threads < 1 || cfg.threads > MAX_THREADS) {
        cfg.threads = 64;
    }
    cfg.churn_ms = env_int("SOAK_CHURN_MS", 1000);
    cfg.mutate_ms = env_int("SOAK_MUTATE_MS", 100);
    cfg.under_asan = __sanitizer_get_current_allocated_bytes != NULL;
    /* ASan's allocator keeps touching fresh memory for a long while even when the live heap is
     * flat (measured: +14 MiB of RSS in 30 s, +39 MiB in 120 s, with a live heap of 1 MiB that
     * does not grow): its RSS bound is wider, and the live heap bound is the tight one there.
     * Uninstrumented, the RSS is flat (within 1 MiB over 120 s). */
    cfg.rss_limit_mb =
        env_int("SOAK_RSS_LIMIT_MB", cfg.under_asan ? 64 + cfg.seconds / 2 : 16);
    cfg.heap_limit_mb = env_int("SOAK_HEAP_LIMIT_MB", 4);
    cfg.rss_check = env_int("SOAK_RSS_CHECK", cfg.under_valgrind ? 0 : 1) != 0;
    cfg.min_hit_percent = env_int("SOAK_MIN_HIT_PERCENT", cfg.under_valgrind ? 0 : 80);
    cfg.workers = env_int("SOAK_WORKERS", 2);
    cfg.lifetime = env_int("SOAK_CREDENTIAL_LIFETIME", 5);
    cfg.refresh_window = env_int("SOAK_REFRESH_WINDOW", 2);
    /* Scaled under valgrind, but capped: a hang must still fail CI in bounded time. */
    cfg.stall_ms = min_int(tu_scaled_ms(env_int("SOAK_STALL_SECONDS", 20) * 1000), 180000);
    cfg.total_limit_ms =
        cfg.seconds * 1000 +
        min_int(tu_scaled_ms(env_int("SOAK_GRACE_SECONDS", 60) * 1000), 400000);
    cfg.wait_ms = min_int(tu_scaled_ms(20000), 120000);
    const char *seed = getenv("SOAK_SEED");
    cfg.seed = seed && *seed ? strtoull(seed, NULL, 0)
                             : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
    const char *dir = getenv("SOAK_TMPDIR");
    snprintf(cfg.base, sizeof cfg.base, "%s", dir && *dir ? dir : "/tmp");
}

/* ---- random numbers --------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n) { return (uint32_t)(splitmix64(s) % n); }

/* ---- counters and violations ------------------------------------------------------------ */

enum { K_IDENTITY, K_CREDENTIALS, K_COUNT };
static const char *kind_name[K_COUNT] = {"get_identity_id", "get_credentials"};
#define NSTATUS 12 /* 0..10, 11 = unknown */

enum violation {
    V_DOUBLE,
    V_INLINE,
    V_WRONG_KIND,
    V_ARGS,
    V_STATE,
    V_STATUS,
    V_BAD_RESULT,
    V_EXPIRED,
    V_CANCEL,
    V_CANCEL_DONE,
    V_AFTER_FREE,
    V_SYNC_STATUS,
    V_NO_MESSAGE,
    V_START,
    V_WAIT_TIMEOUT,
    V_TOKEN,
    V_COUNT
};
static const char *violation_name[V_COUNT] = {
    "completed more than once",
    "completed inside the call that started it",
    "completed through the wrong callback",
    "inconsistent callback arguments",
    "completion of a call not in flight",
    "unexpected completion status",
    "malformed result",
    "expired credentials handed out",
    "cancel returned OK but the call did not complete as cancelled",
    "cancel of a finished call did not give NOT_FOUND",
    "provider callback after cognito_provider_free returned",
    "unexpected status of a synchronous call",
    "failed call without a last error message",
    "asynchronous call refused",
    "waited-for call did not complete in time",
    "token request answer refused",
};
static atomic_long violations[V_COUNT];

static void violation(enum violation v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void violation(enum violation v, const char *fmt, ...) {
    long n = atomic_fetch_add(&violations[v], 1) + 1;
    atomic_fetch_add(&tu_failures, 1);
    if (n <= 5) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        printf("    FAIL [%s] %s\n", violation_name[v], msg);
        fflush(stdout);
    }
}

/* Operations a worker chooses from, with weights (per mille). */
enum op {
    OP_CACHED_CREDENTIALS,
    OP_CACHED_IDENTITY,
    OP_GET_CREDENTIALS,
    OP_GET_CREDENTIALS_WAIT,
    OP_GET_IDENTITY,
    OP_GET_IDENTITY_WAIT,
    OP_START_CANCEL,
    OP_CANCEL_OLDER,
    OP_CANCEL_FINISHED,
    OP_CLEAR_CREDENTIALS,
    OP_CLEAR_IDENTITY_CACHE,
    OP_CLEAR,
    OP_ADD_LOGIN,
    OP_REMOVE_LOGIN,
    OP_LOGINS_QUERY,
    OP_SET_LOGINS_PROVIDER,
    OP_SET_IDENTITY_CALLBACK,
    OP_COUNT
};
static const struct {
    const char *name;
    int weight;
} ops[OP_COUNT] = {
    {"cached_credentials", 340},
    {"cached_identity_id", 150},
    {"get_credentials", 120},
    {"get_credentials+wait", 50},
    {"get_identity_id", 70},
    {"get_identity_id+wait", 30},
    {"start+cancel", 60},
    {"cancel older call", 20},
    {"cancel finished call", 10},
    {"clear_credentials", 20},
    {"clear_identity_cache", 8},
    {"clear", 8},
    {"add_login", 30},
    {"remove_login", 20},
    {"logins queries", 50},
    {"set_logins_provider", 8},
    {"set identity-changed cb", 6},
};
static atomic_long op_count[OP_COUNT];
/* Synchronous results: OK, NOT_FOUND, INVALID_HANDLE. */
static atomic_long sync_ok, sync_not_found, sync_invalid_handle;

static atomic_long started[K_COUNT], accepted[K_COUNT], total_accepted, total_completed;
static atomic_long completed[K_COUNT][NSTATUS];
static atomic_long failed_by_kind[K_COUNT][64];
static atomic_long cancel_ok, cancel_not_found, waited_calls, cancelled_otherwise;
static atomic_long cached_ok[2], cached_not_found[2], credential_changes; /* [stable, volatile] */
static atomic_long id_changes, store_loads, store_saves, store_clears, token_requests,
    token_refusals;
static atomic_long churns, churn_free_first;
static atomic_long log_lines[6];
static atomic_long progress;
static _Atomic(const char *) phase = "setup";

/* ---- provider generations ---------------------------------------------------------------- */

/* One cognito_provider_new; the user_data of its callbacks. Never freed before the end. */
typedef struct gen {
    int index, number;
    cognito_provider_t *handle;
    atomic_bool freed; /* set once cognito_provider_free returned */
} gen_t;

static gen_t gens[MAX_GENS];
static atomic_int gen_count;
static _Atomic(gen_t *) slots[PROVIDERS];
static char region[64];

/* Host identity store of providers 2 and 3 (kept across their generations). */
static struct {
    pthread_mutex_t mu;
    char id[128];
} stores[PROVIDERS];

static bool valid_identity(const char *s) {
    size_t rl = strlen(region);
    if (!s || strncmp(s, region, rl) != 0 || s[rl] != ':') {
        return false;
    }
    const char *u = s + rl + 1;
    if (strlen(u) != 36) {
        return false;
    }
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = u[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

static void check_alive(gen_t *g, const char *what) {
    if (atomic_load(&g->freed)) {
        violation(V_AFTER_FREE, "%s callback of provider %d generation %d", what, g->index,
                  g->number);
    }
}

static void on_identity_changed(void *ud, const char *old_id, const char *new_id) {
    gen_t *g = ud;
    check_alive(g, "identity-changed");
    atomic_fetch_add(&id_changes, 1);
    if (!valid_identity(new_id) || (old_id && !valid_identity(old_id))) {
        violation(V_BAD_RESULT, "identity changed %s -> %s", old_id ? old_id : "(null)",
                  new_id ? new_id : "(null)");
    }
}

static size_t store_load(void *ud, const char *pool, char *buf, size_t cap) {
    gen_t *g = ud;
    (void)pool;
    check_alive(g, "store load");
    atomic_fetch_add(&store_loads, 1);
    pthread_mutex_lock(&stores[g->index].mu);
    size_t n = strlen(stores[g->index].id);
    if (n < cap) {
        memcpy(buf, stores[g->index].id, n + 1);
    }
    pthread_mutex_unlock(&stores[g->index].mu);
    return n;
}

static void store_save(void *ud, const char *pool, const char *id) {
    gen_t *g = ud;
    (void)pool;
    check_alive(g, "store save");
    atomic_fetch_add(&store_saves, 1);
    if (!valid_identity(id)) {
        violation(V_BAD_RESULT, "store save of %s", id ? id : "(null)");
        return;
    }
    pthread_mutex_lock(&stores[g->index].mu);
    snprintf(stores[g->index].id, sizeof stores[g->index].id, "%s", id);
    pthread_mutex_unlock(&stores[g->index].mu);
}

static void store_clear(void *ud, const char *pool) {
    gen_t *g = ud;
    (void)pool;
    check_alive(g, "store clear");
    atomic_fetch_add(&store_clears, 1);
    pthread_mutex_lock(&stores[g->index].mu);
    stores[g->index].id[0] = '\0';
    pthread_mutex_unlock(&stores[g->index].mu);
}

static atomic_uint token_seq;

/* The logins provider: answers from inside its callback; one request in 16 is refused. */
static void on_token_request(void *ud, const char *name, uint64_t request_id) {
    gen_t *g = ud;
    check_alive(g, "token request");
    atomic_fetch_add(&token_requests, 1);
    if (!name || strcmp(name, LOGIN_PROVIDER) != 0) {
        violation(V_BAD_RESULT, "token request for %s", name ? name : "(null)");
    }
    unsigned n = atomic_fetch_add(&token_seq, 1);
    cognito_status_t s;
    if (n % 16 == 15) {
        atomic_fetch_add(&token_refusals, 1);
        s = cognito_token_request_complete(request_id, NULL, "soak: no token this time");
    } else {
        char token[32];
        snprintf(token, sizeof token, "player-%u", (n * 7919u) % PLAYERS);
        s = cognito_token_request_complete(request_id, token, NULL);
    }
    if (s != COGNITO_STATUS_OK) {
        violation(V_TOKEN, "cognito_token_request_complete -> %s", tu_status_name(s));
    }
}

static void log_sink(void *ud, int32_t level, const char *target, const char *message) {
    (void)ud;
    long n = atomic_fetch_add(&log_lines[level >= 0 && level <= 5 ? level : 0], 1);
    if (level == 1 && n < 3) {
        printf("    library error log: %s: %s\n", target ? target : "", message ? message : "");
    }
}

static void options_for(int index, char *buf, size_t size) {
    char extra[512];
    int n = snprintf(extra, sizeof extra, "\"refresh_window_secs\":%d,\"logins_timeout_ms\":%d",
                     cfg.refresh_window, tu_scaled_ms(5000));
    if (index < 2) {
        snprintf(extra + n, sizeof extra - (size_t)n, ",\"identity_store_dir\":\"%s/p%d\"",
                 cfg.tmpdir, index);
    }
    emu_options(buf, size, extra);
}

/* Creates generation N of provider `index`; NULL (and a failed check) on error. */
static gen_t *create_provider(int index) {
    int number = atomic_fetch_add(&gen_count, 1);
    if (number >= MAX_GENS) {
        atomic_fetch_sub(&gen_count, 1);
        return NULL;
    }
    gen_t *g = &gens[number];
    g->index = index;
    g->number = number;
    atomic_init(&g->freed, false);
    char options[1024];
    options_for(index, options, sizeof options);
    const char *pool = index == AUTH_ONLY_INDEX ? emu_auth_pool() : emu_unauth_pool();
    cognito_status_t s =
        (index == 2 || index == 3)
            ? cognito_provider_new_with_store(pool, options, store_load, store_save, store_clear,
                                              g, &g->handle)
            : cognito_provider_new(pool, options, &g->handle);
    if (!CHECK(s == COGNITO_STATUS_OK, "cognito_provider_new(%d) -> %s", index,
               tu_status_name(s))) {
        return NULL;
    }
    CHECK_STATUS(cognito_provider_set_identity_changed_callback(g->handle, on_identity_changed, g),
                 COGNITO_STATUS_OK);
    if (index == AUTH_ONLY_INDEX) {
        CHECK_STATUS(cognito_provider_add_login(g->handle, LOGIN_PROVIDER, "player-auth"),
                     COGNITO_STATUS_OK);
    }
    return g;
}

/* `progress`: false for the churn thread, which must not hide workers that are stuck. */
static void free_provider(gen_t *g, bool progress_made) {
    CHECK_STATUS(cognito_provider_free(g->handle), COGNITO_STATUS_OK);
    atomic_store(&g->freed, true);
    if (progress_made) {
        atomic_fetch_add(&progress, 1);
    }
}

/* ---- per-call records -------------------------------------------------------------------- */

enum { S_FREE, S_IN_FLIGHT, S_DONE };

typedef struct thread_ctx thread_ctx_t;

typedef struct call_rec {
    atomic_int state;
    atomic_int hits;
    atomic_int status;
    atomic_uint_least64_t call_id;
    int kind;
    int provider_index;
    int64_t started_ms;
    bool cancel_ok; /* owner only */
    thread_ctx_t *owner;
} call_rec_t;

struct thread_ctx {
    int index;
    uint64_t rng;
    call_rec_t ring[RING];
    int outstanding; /* in flight or done and not yet retired; owner only */
    tu_counter_t done;
    uint64_t last_finished_id;
    uint64_t cred_hash[PROVIDERS];
    atomic_int cur_op;
    atomic_llong op_started_ms;
    pthread_t thread;
};

static thread_ctx_t *_Atomic threads; /* read by the watchdog */
static atomic_bool stop_workers, stop_churn, stop_watchdog;
static _Thread_local call_rec_t *tl_starting; /* set while this thread starts a call */

static void finish(call_rec_t *r, int kind, cognito_status_t st, const cognito_error_t *err,
                   bool args_ok) {
    if (tl_starting) {
        violation(V_INLINE, "%s on provider %d", kind_name[kind], r->provider_index);
    }
    thread_ctx_t *owner = r->owner;
    int prev = atomic_fetch_add(&r->hits, 1);
    if (prev != 0) {
        violation(V_DOUBLE, "%s call %" PRIu64 " on provider %d: status %s after %s",
                  kind_name[kind], (uint64_t)atomic_load(&r->call_id), r->provider_index,
                  tu_status_name(st), tu_status_name(atomic_load(&r->status)));
        atomic_fetch_add(&progress, 1);
        return;
    }
    if (r->kind != kind) {
        violation(V_WRONG_KIND, "%s callback for a %s call", kind_name[kind], kind_name[r->kind]);
    }
    if (!args_ok) {
        violation(V_ARGS, "%s completed %s with result %s and error %s", kind_name[kind],
                  tu_status_name(st), st == COGNITO_STATUS_OK ? "missing" : "set",
                  err ? "set" : "NULL");
    }
    int idx = st >= 0 && st <= 10 ? st : 11;
    atomic_fetch_add(&completed[kind][idx], 1);
    uint32_t ek = err ? err->kind : 0;
    switch (st) {
    case COGNITO_STATUS_OK:
    case COGNITO_STATUS_ERR_INVALID_HANDLE:
        break;
    case COGNITO_STATUS_ERR_CANCELLED:
        if (err && ek != 55) {
            violation(V_STATUS, "CANCELLED with error kind %u", ek);
        }
        break;
    case COGNITO_STATUS_ERR_FAILED:
        atomic_fetch_add(&failed_by_kind[kind][ek < 64 ? ek : 63], 1);
        /* NotAuthorized, ResourceNotFound (sign-in and merge races), LoginsProvider (refusals) */
        if (ek != 1 && ek != 2 && ek != 56) {
            violation(V_STATUS, "%s FAILED: kind %u %s: %s", kind_name[kind], ek,
                      err && err->code ? err->code : "", err && err->message ? err->message : "");
        }
        break;
    default:
        violation(V_STATUS, "%s completed with %s: %s", kind_name[kind], tu_status_name(st),
                  err && err->message ? err->message : "");
    }
    atomic_store(&r->status, st);
    int expected = S_IN_FLIGHT;
    if (!atomic_compare_exchange_strong(&r->state, &expected, S_DONE)) {
        violation(V_STATE, "%s record in state %d", kind_name[kind], expected);
    }
    atomic_fetch_add(&total_completed, 1);
    atomic_fetch_add(&progress, 1);
    tu_counter_add(&owner->done, 1);
}

static bool error_ok(cognito_status_t st, const cognito_error_t *err) {
    return err && err->code && err->message && st != COGNITO_STATUS_OK;
}

static void on_identity(void *ud, cognito_status_t st, const char *id,
                        const cognito_error_t *err) {
    call_rec_t *r = ud;
    bool args_ok = st == COGNITO_STATUS_OK ? (id && !err) : (!id && error_ok(st, err));
    if (st == COGNITO_STATUS_OK && id && !valid_identity(id)) {
        violation(V_BAD_RESULT, "identity id %s", id);
    }
    finish(r, K_IDENTITY, st, err, args_ok);
}

/* Credentials handed out with under a second left by their (whole-second) expiration: the
 * library means to keep min(10 s, lifetime / 4) in hand, so these say its deadline was judged
 * late (see the report). [cached read, callback]; and the least time left seen, in ms (an upper
 * bound: the expiration is rounded down to the second). */
static atomic_long last_second[2];
static atomic_llong least_left_ms = INT64_MAX;

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Checks credentials handed out; returns a hash of the access key id (0 if invalid). */
static uint64_t check_credentials(const cognito_credentials_t *c, bool cached) {
    const char *where = cached ? "cached_credentials" : "get_credentials callback";
    if (!c->access_key_id || !*c->access_key_id || !c->secret_access_key ||
        !*c->secret_access_key || !c->session_token || !*c->session_token ||
        !valid_identity(c->identity_id)) {
        violation(V_BAD_RESULT, "%s: empty field or bad identity id %s", where,
                  c->identity_id ? c->identity_id : "(null)");
        return 0;
    }
    /* The expiration is rounded down to the second: they expire before expiration + 1. */
    int64_t now = wall_ms(), left_ms = (c->expiration + 1) * 1000 - now;
    if (left_ms <= 0) {
        violation(V_EXPIRED, "%s: expiration %lld (+1 s) <= now %lld.%03lld", where,
                  (long long)c->expiration, (long long)(now / 1000), (long long)(now % 1000));
    } else if (left_ms <= 1000) {
        atomic_fetch_add(&last_second[cached ? 0 : 1], 1);
    }
    long long least = atomic_load(&least_left_ms);
    while (left_ms < least && !atomic_compare_exchange_weak(&least_left_ms, &least, left_ms)) {
    }
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = c->access_key_id; *p; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    }
    return h;
}

static void on_credentials(void *ud, cognito_status_t st, const cognito_credentials_t *c,
                           const cognito_error_t *err) {
    call_rec_t *r = ud;
    bool args_ok = st == COGNITO_STATUS_OK ? (c && !err) : (!c && error_ok(st, err));
    if (st == COGNITO_STATUS_OK && c) {
        check_credentials(c, false);
    }
    finish(r, K_CREDENTIALS, st, err, args_ok);
}

/* Owner: checks finished records and frees their slots. */
static void retire_done(thread_ctx_t *t) {
    for (int i = 0; i < RING; i++) {
        call_rec_t *r = &t->ring[i];
        if (atomic_load(&r->state) != S_DONE) {
            continue;
        }
        int st = atomic_load(&r->status);
        if (r->cancel_ok && st != COGNITO_STATUS_ERR_CANCELLED) {
            violation(V_CANCEL, "%s call %" PRIu64 ": cancel OK, completed %s",
                      kind_name[r->kind], (uint64_t)atomic_load(&r->call_id), tu_status_name(st));
        }
        if (!r->cancel_ok && st == COGNITO_STATUS_ERR_CANCELLED) {
            atomic_fetch_add(&cancelled_otherwise, 1); /* provider freed (or identity reset) */
        }
        t->last_finished_id = atomic_load(&r->call_id);
        atomic_store(&r->state, S_FREE);
        t->outstanding--;
    }
}

/* A free record, waiting for completions while MAX_OUTSTANDING calls are in flight. NULL once
 * the workers are told to stop. The watchdog catches a completion that never comes. */
static call_rec_t *acquire(thread_ctx_t *t) {
    for (;;) {
        long seen = tu_counter_get(&t->done);
        retire_done(t);
        if (t->outstanding < MAX_OUTSTANDING) {
            for (int i = 0; i < RING; i++) {
                if (atomic_load(&t->ring[i].state) == S_FREE) {
                    return &t->ring[i];
                }
            }
        }
        if (atomic_load(&stop_workers)) {
            return NULL;
        }
        tu_counter_wait(&t->done, seen + 1, 200);
    }
}

static call_rec_t *start_call(thread_ctx_t *t, gen_t *g, int kind) {
    call_rec_t *r = acquire(t);
    if (!r) {
        return NULL;
    }
    r->kind = kind;
    r->provider_index = g->index;
    r->started_ms = tu_now_ms();
    r->cancel_ok = false;
    r->owner = t;
    atomic_store(&r->call_id, 0);
    atomic_store(&r->hits, 0);
    atomic_store(&r->status, -1);
    atomic_store(&r->state, S_IN_FLIGHT);
    uint64_t id = 0;
    atomic_fetch_add(&started[kind], 1);
    tl_starting = r;
    cognito_status_t s =
        kind == K_IDENTITY ? cognito_provider_get_identity_id(g->handle, on_identity, r, &id)
                           : cognito_provider_get_credentials(g->handle, on_credentials, r, &id);
    tl_starting = NULL;
    if (s != COGNITO_STATUS_OK) {
        violation(V_START, "%s -> %s", kind_name[kind], tu_status_name(s));
        atomic_store(&r->state, S_FREE);
        return NULL;
    }
    atomic_store(&r->call_id, id);
    atomic_fetch_add(&accepted[kind], 1);
    atomic_fetch_add(&total_accepted, 1);
    t->outstanding++;
    return r;
}

static void wait_call(thread_ctx_t *t, call_rec_t *r) {
    int64_t deadline = tu_now_ms() + cfg.wait_ms;
    atomic_fetch_add(&waited_calls, 1);
    for (;;) {
        long seen = tu_counter_get(&t->done);
        if (atomic_load(&r->state) == S_DONE) {
            return;
        }
        if (tu_now_ms() > deadline) {
            violation(V_WAIT_TIMEOUT, "%s call %" PRIu64 " on provider %d: not done after %d ms",
                      kind_name[r->kind], (uint64_t)atomic_load(&r->call_id), r->provider_index,
                      cfg.wait_ms);
            return;
        }
        tu_counter_wait(&t->done, seen + 1, 100);
    }
}

static void do_cancel(call_rec_t *r) {
    cognito_status_t s = cognito_cancel(atomic_load(&r->call_id));
    if (s == COGNITO_STATUS_OK) {
        r->cancel_ok = true;
        atomic_fetch_add(&cancel_ok, 1);
    } else if (s == COGNITO_STATUS_ERR_NOT_FOUND) {
        atomic_fetch_add(&cancel_not_found, 1);
        cognito_string_free(cognito_last_error_message());
    } else {
        violation(V_SYNC_STATUS, "cognito_cancel -> %s", tu_status_name(s));
    }
}

/* Checks a synchronous status against the allowed ones; takes the last error message. */
static bool sync_status(const char *what, cognito_status_t s, bool not_found_ok) {
    if (s == COGNITO_STATUS_OK) {
        atomic_fetch_add(&sync_ok, 1);
        return true;
    }
    char *m = cognito_last_error_message();
    if (!m) {
        violation(V_NO_MESSAGE, "%s -> %s", what, tu_status_name(s));
    }
    if (s == COGNITO_STATUS_ERR_INVALID_HANDLE) {
        atomic_fetch_add(&sync_invalid_handle, 1);
    } else if (s == COGNITO_STATUS_ERR_NOT_FOUND && not_found_ok) {
        atomic_fetch_add(&sync_not_found, 1);
    } else {
        violation(V_SYNC_STATUS, "%s -> %s: %s", what, tu_status_name(s), m ? m : "(null)");
    }
    cognito_string_free(m);
    return false;
}

/* Stable providers (even indexes) are only read and called: their credentials are refreshed
 * because they expire. Volatile ones (odd) also sign in and out, at most once per
 * SOAK_MUTATE_MS each, so that their credentials live long enough to be read. */
static atomic_llong last_mutation_ms[PROVIDERS];
static atomic_long mutations_skipped;

static bool is_mutation(int op) {
    return op >= OP_CLEAR_CREDENTIALS && op <= OP_SET_LOGINS_PROVIDER && op != OP_LOGINS_QUERY;
}

static bool may_mutate(int index) {
    if (index % 2 == 0) {
        return false;
    }
    long long now = tu_now_ms(), last = atomic_load(&last_mutation_ms[index]);
    return now - last >= cfg.mutate_ms &&
           atomic_compare_exchange_strong(&last_mutation_ms[index], &last, now);
}

static int choose_op(thread_ctx_t *t) {
    int x = (int)rnd(&t->rng, 1000);
    for (int i = 0; i < OP_COUNT; i++) {
        if (x < ops[i].weight) {
            return i;
        }
        x -= ops[i].weight;
    }
    return OP_CACHED_CREDENTIALS;
}

static void run_op(thread_ctx_t *t, int op, gen_t *g) {
    cognito_provider_t *h = g->handle;
    switch (op) {
    case OP_CACHED_CREDENTIALS: {
        cognito_credentials_t *c = NULL;
        cognito_status_t s = cognito_provider_cached_credentials(h, &c);
        if (sync_status("cached_credentials", s, true)) {
            atomic_fetch_add(&cached_ok[g->index % 2], 1);
            uint64_t hash = check_credentials(c, true);
            if (hash && hash != t->cred_hash[g->index]) {
                t->cred_hash[g->index] = hash;
                atomic_fetch_add(&credential_changes, 1);
            }
            cognito_credentials_free(c);
        } else if (s == COGNITO_STATUS_ERR_NOT_FOUND) {
            atomic_fetch_add(&cached_not_found[g->index % 2], 1);
        }
        break;
    }
    case OP_CACHED_IDENTITY: {
        char *id = NULL;
        if (sync_status("cached_identity_id", cognito_provider_cached_identity_id(h, &id), true)) {
            if (!valid_identity(id)) {
                violation(V_BAD_RESULT, "cached identity id %s", id ? id : "(null)");
            }
            cognito_string_free(id);
        }
        break;
    }
    case OP_GET_CREDENTIALS:
    case OP_GET_CREDENTIALS_WAIT:
    case OP_GET_IDENTITY:
    case OP_GET_IDENTITY_WAIT: {
        int kind = op <= OP_GET_CREDENTIALS_WAIT ? K_CREDENTIALS : K_IDENTITY;
        call_rec_t *r = start_call(t, g, kind);
        if (r && (op == OP_GET_CREDENTIALS_WAIT || op == OP_GET_IDENTITY_WAIT)) {
            wait_call(t, r);
        }
        break;
    }
    case OP_START_CANCEL: {
        call_rec_t *r = start_call(t, g, rnd(&t->rng, 2) ? K_CREDENTIALS : K_IDENTITY);
        if (r) {
            uint32_t how = rnd(&t->rng, 3);
            if (how == 1) {
                sched_yield();
            } else if (how == 2) {
                struct timespec ts = {0, (long)rnd(&t->rng, 500) * 1000L};
                nanosleep(&ts, NULL);
            }
            do_cancel(r);
        }
        break;
    }
    case OP_CANCEL_OLDER: {
        int start = (int)rnd(&t->rng, RING);
        for (int i = 0; i < RING; i++) {
            call_rec_t *r = &t->ring[(start + i) % RING];
            if (atomic_load(&r->state) == S_IN_FLIGHT && !r->cancel_ok) {
                do_cancel(r);
                break;
            }
        }
        break;
    }
    case OP_CANCEL_FINISHED:
        retire_done(t);
        if (t->last_finished_id) {
            cognito_status_t s = cognito_cancel(t->last_finished_id);
            cognito_string_free(cognito_last_error_message());
            if (s != COGNITO_STATUS_ERR_NOT_FOUND) {
                violation(V_CANCEL_DONE, "cognito_cancel(%" PRIu64 ") -> %s", t->last_finished_id,
                          tu_status_name(s));
            }
        }
        break;
    case OP_CLEAR_CREDENTIALS:
        sync_status("clear_credentials", cognito_provider_clear_credentials(h), false);
        break;
    case OP_CLEAR_IDENTITY_CACHE:
        sync_status("clear_identity_cache", cognito_provider_clear_identity_cache(h), false);
        break;
    case OP_CLEAR:
        sync_status("clear", cognito_provider_clear(h), false);
        break;
    case OP_ADD_LOGIN: {
        char token[32];
        snprintf(token, sizeof token, "player-%u", rnd(&t->rng, PLAYERS));
        sync_status("add_login", cognito_provider_add_login(h, LOGIN_PROVIDER, token), false);
        break;
    }
    case OP_REMOVE_LOGIN:
        sync_status("remove_login", cognito_provider_remove_login(h, LOGIN_PROVIDER), true);
        break;
    case OP_LOGINS_QUERY: {
        bool contains = false;
        size_t count = 99;
        char *names = NULL;
        sync_status("contains_login", cognito_provider_contains_login(h, LOGIN_PROVIDER, &contains),
                    false);
        if (sync_status("logins_count", cognito_provider_logins_count(h, &count), false) &&
            count > 1) {
            violation(V_BAD_RESULT, "logins_count %zu", count);
        }
        if (sync_status("logins_list", cognito_provider_logins_list(h, &names), false)) {
            if (!names || (strcmp(names, "") != 0 && strcmp(names, LOGIN_PROVIDER) != 0)) {
                violation(V_BAD_RESULT, "logins_list \"%s\"", names ? names : "(null)");
            }
            cognito_string_free(names);
        }
        break;
    }
    case OP_SET_LOGINS_PROVIDER:
        sync_status("set_logins_provider",
                    cognito_provider_set_logins_provider(h, LOGIN_PROVIDER, on_token_request, g),
                    false);
        break;
    case OP_SET_IDENTITY_CALLBACK:
        sync_status("set_identity_changed_callback",
                    cognito_provider_set_identity_changed_callback(
                        h, rnd(&t->rng, 4) ? on_identity_changed : NULL, g),
                    false);
        break;
    default:
        break;
    }
}

static void *worker(void *arg) {
    thread_ctx_t *t = arg;
    while (!atomic_load(&stop_workers)) {
        int op = choose_op(t);
        gen_t *g = atomic_load(&slots[rnd(&t->rng, PROVIDERS)]);
        if (is_mutation(op) && !may_mutate(g->index)) {
            atomic_fetch_add(&mutations_skipped, 1);
            op = OP_CACHED_CREDENTIALS;
        }
        atomic_store(&t->op_started_ms, tu_now_ms());
        atomic_store(&t->cur_op, op);
        run_op(t, op, g);
        atomic_store(&t->cur_op, -1);
        atomic_fetch_add(&op_count[op], 1);
        atomic_fetch_add(&progress, 1);
    }
    return NULL;
}

/* Frees and re-creates one provider at a time, round robin, while the workers use it: every
 * fourth time the old one is freed first (its handle stays in the slot meanwhile). */
static void *churn(void *arg) {
    (void)arg;
    for (int k = 0; !atomic_load(&stop_churn); k++) {
        for (int slept = 0; slept < cfg.churn_ms && !atomic_load(&stop_churn); slept += 50) {
            tu_sleep_ms(min_int(50, cfg.churn_ms - slept));
        }
        if (atomic_load(&stop_churn)) {
            break;
        }
        if (atomic_load(&gen_count) >= MAX_GENS - PROVIDERS) {
            printf("    note: %d providers created: no more churn\n", MAX_GENS - PROVIDERS);
            break;
        }
        int index = k % PROVIDERS;
        gen_t *old = atomic_load(&slots[index]);
        if (k % 4 == 3) {
            free_provider(old, false);
            atomic_fetch_add(&churn_free_first, 1);
            gen_t *g = create_provider(index);
            if (!g) {
                break;
            }
            atomic_store(&slots[index], g);
        } else {
            gen_t *g = create_provider(index);
            if (!g) {
                break;
            }
            atomic_store(&slots[index], g);
            free_provider(old, false);
        }
        atomic_fetch_add(&churns, 1);
    }
    return NULL;
}

/* ---- watchdog ----------------------------------------------------------------------------- */

static int64_t run_started_ms;

static void dump_outstanding(void) {
    int shown = 0, total = 0;
    int64_t now = tu_now_ms();
    for (int i = 0; threads && i < cfg.threads; i++) {
        thread_ctx_t *t = &threads[i];
        int op = atomic_load(&t->cur_op);
        if (op >= 0) {
            printf("    thread %d inside %s for %lld ms\n", i, ops[op].name,
                   (long long)(now - atomic_load(&t->op_started_ms)));
        }
        for (int j = 0; j < RING; j++) {
            call_rec_t *r = &t->ring[j];
            if (atomic_load(&r->state) != S_IN_FLIGHT) {
                continue;
            }
            total++;
            if (shown++ < 40) {
                printf("    outstanding: thread %d %s call %" PRIu64
                       " on provider %d, started %lld ms ago%s\n",
                       i, kind_name[r->kind], (uint64_t)atomic_load(&r->call_id),
                       r->provider_index, (long long)(now - r->started_ms),
                       r->cancel_ok ? " (cancel returned OK)" : "");
            }
        }
    }
    printf("    %d call(s) outstanding; accepted %ld, completed %ld\n", total,
           atomic_load(&total_accepted), atomic_load(&total_completed));
}

static void *watchdog(void *arg) {
    (void)arg;
    long last = -1;
    int64_t last_change = tu_now_ms();
    while (!atomic_load(&stop_watchdog)) {
        tu_sleep_ms(250);
        int64_t now = tu_now_ms();
        long p = atomic_load(&progress);
        if (p != last) {
            last = p;
            last_change = now;
        }
        const char *why = NULL;
        char msg[256];
        if (now - last_change > cfg.stall_ms) {
            snprintf(msg, sizeof msg, "no progress for %d s", cfg.stall_ms / 1000);
            why = msg;
        }
        /* One thread stuck while the others go on (a waited-for call gives up after wait_ms). */
        for (int i = 0; !why && threads && i < cfg.threads; i++) {
            int op = atomic_load(&threads[i].cur_op);
            int64_t since = atomic_load(&threads[i].op_started_ms);
            if (op >= 0 && now - since > (int64_t)cfg.stall_ms + cfg.wait_ms) {
                snprintf(msg, sizeof msg, "thread %d inside %s for %lld s", i, ops[op].name,
                         (long long)(now - since) / 1000);
                why = msg;
            }
        }
        if (!why && now - run_started_ms > cfg.total_limit_ms) {
            snprintf(msg, sizeof msg, "the run exceeded %d s (SOAK_SECONDS + grace)",
                     cfg.total_limit_ms / 1000);
            why = msg;
        }
        if (why) {
            printf("FAIL soak WATCHDOG: %s in phase '%s' (seed %" PRIu64 "): deadlock or hang\n",
                   why, atomic_load(&phase), cfg.seed);
            dump_outstanding();
            printf("FAIL soak (watchdog abort)\n");
            fflush(stdout);
            abort();
        }
    }
    return NULL;
}

/* ---- RSS, emulator stats, files ---------------------------------------------------------- */

static long rss_kb(void) {
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
    return kb;
}

/* KiB of live heap: the sanitizer allocator's count under ASan, glibc's otherwise (valgrind
 * replaces malloc: not measured there). Unlike the RSS it excludes freed memory kept in ASan's
 * quarantine and allocator caches. */
static long heap_kb(void) {
    if (__sanitizer_get_current_allocated_bytes) {
        return (long)(__sanitizer_get_current_allocated_bytes() / 1024);
    }
    return cfg.under_valgrind ? -1 : (long)(mallinfo2().uordblks / 1024);
}

static long json_number(const char *json, const char *key) {
    char k[64];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *at = strstr(json, k);
    return at ? strtol(at + strlen(k), NULL, 10) : -1;
}

static void remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* ---- main ----------------------------------------------------------------------------------- */

static long sum_completed(int kind) {
    long n = 0;
    for (int s = 0; s < NSTATUS; s++) {
        n += atomic_load(&completed[kind][s]);
    }
    return n;
}

static void sample(const char *label, int64_t t0) {
    long ops_total = 0;
    for (int i = 0; i < OP_COUNT; i++) {
        ops_total += atomic_load(&op_count[i]);
    }
    long acc = atomic_load(&total_accepted), done = atomic_load(&total_completed);
    char heap[32] = "n/a";
    if (heap_kb() >= 0) {
        snprintf(heap, sizeof heap, "%ld KiB", heap_kb());
    }
    printf("    %-9s t=%5.1fs ops %9ld  calls %8ld  completed %8ld  in flight %4ld  "
           "churns %4ld  RSS %6ld KiB  live heap %s\n",
           label, (double)(tu_now_ms() - t0) / 1000.0, ops_total, acc, done, acc - done,
           atomic_load(&churns), rss_kb(), heap);
    fflush(stdout);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    emu_setup();
    read_config();
    run_started_ms = tu_now_ms();
    const char *pool = emu_unauth_pool();
    const char *colon = strchr(pool, ':');
    snprintf(region, sizeof region, "%.*s", colon ? (int)(colon - pool) : 0, pool);
    printf("soak: %d s, %d threads, %d providers, churn every %d ms, seed %" PRIu64
           " (SOAK_SEED=%" PRIu64 " repeats each thread's choices), credentials %d s, refresh"
           " window %d s, stall limit %d s, total limit %d s%s\n",
           cfg.seconds, cfg.threads, PROVIDERS, cfg.churn_ms, cfg.seed, cfg.seed, cfg.lifetime,
           cfg.refresh_window, cfg.stall_ms / 1000, cfg.total_limit_ms / 1000,
           cfg.under_valgrind ? ", under valgrind" : cfg.under_asan ? ", under ASan" : "");
    tu_begin("soak");
    pthread_t watchdog_thread;
    pthread_create(&watchdog_thread, NULL, watchdog, NULL);
    long rss_start = rss_kb();

    /* The emulator: fresh counters, short-lived credentials. */
    emu_reset();
    char stats[4096];
    int hs = emu_request("GET", "/__emulator/stats", NULL, stats, sizeof stats);
    CHECK(hs == 200, "emulator stats -> %d", hs);
    const char *lt = strstr(stats, "\"credential_lifetime_secs\":");
    double lifetime = lt ? strtod(lt + strlen("\"credential_lifetime_secs\":"), NULL) : -1;
    if ((int)lifetime != cfg.lifetime) {
        char body[64], out[256];
        snprintf(body, sizeof body, "{\"secs\":%d}", cfg.lifetime);
        int st = emu_request("POST", "/__emulator/lifetime", body, out, sizeof out);
        printf("    note: the emulator's credential lifetime was %.0f s; set to %d s (-> %d)\n",
               lifetime, cfg.lifetime, st);
    }

    snprintf(cfg.tmpdir, sizeof cfg.tmpdir, "%s/cognito-soak.XXXXXX", cfg.base);
    CHECK(mkdtemp(cfg.tmpdir) != NULL, "mkdtemp %s", cfg.tmpdir);

    CHECK_STATUS(cognito_init((uint32_t)cfg.workers, 2), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_set_log_sink(log_sink, NULL, 2), COGNITO_STATUS_OK);
    for (int i = 0; i < PROVIDERS; i++) {
        pthread_mutex_init(&stores[i].mu, NULL);
        gen_t *g = create_provider(i);
        if (!g) {
            printf("FAIL soak: cannot create the providers\n");
            return 1;
        }
        atomic_store(&slots[i], g);
    }

    /* First round: every provider gets credentials once. */
    atomic_store(&phase, "first round");
    tu_counter_t first_done;
    tu_counter_init(&first_done);
    tu_call_t first[PROVIDERS];
    for (int i = 0; i < PROVIDERS; i++) {
        tu_call_init(&first[i], &first_done);
        CHECK_STATUS(cognito_provider_get_credentials(atomic_load(&slots[i])->handle,
                                                      tu_credentials_cb, &first[i], NULL),
                     COGNITO_STATUS_OK);
    }
    CHECK(tu_counter_wait(&first_done, PROVIDERS, cfg.wait_ms), "first round completed");
    for (int i = 0; i < PROVIDERS; i++) {
        CHECK(first[i].status == COGNITO_STATUS_OK && valid_identity(first[i].identity_id),
              "first round, provider %d: %s %s %s", i, tu_status_name(first[i].status),
              first[i].err_code, first[i].err_message);
    }
    atomic_fetch_add(&progress, 1);
    long rss_first = rss_kb();

    /* The soak. */
    atomic_store(&phase, "soak");
    threads = calloc((size_t)cfg.threads, sizeof *threads);
    for (int i = 0; i < cfg.threads; i++) {
        thread_ctx_t *t = &threads[i];
        t->index = i;
        t->rng = cfg.seed + 0x1000193ULL * (uint64_t)(i + 1);
        tu_counter_init(&t->done);
        atomic_init(&t->cur_op, -1);
        for (int j = 0; j < RING; j++) {
            atomic_init(&t->ring[j].state, S_FREE);
        }
    }
    int64_t t0 = tu_now_ms();
    for (int i = 0; i < cfg.threads; i++) {
        CHECK(pthread_create(&threads[i].thread, NULL, worker, &threads[i]) == 0,
              "pthread_create");
    }
    pthread_t churn_thread;
    bool churning = cfg.churn_ms > 0;
    if (churning) {
        pthread_create(&churn_thread, NULL, churn, NULL);
    }
    int64_t warmup_ms = min_int(5000, cfg.seconds * 1000 / 5);
    int64_t end_ms = t0 + (int64_t)cfg.seconds * 1000;
    int64_t every_ms = cfg.seconds >= 10 ? cfg.seconds * 100 : 1000;
    long rss_warm = -1, rss_max = 0, heap_warm = -1;
    int64_t next = t0 + warmup_ms;
    while (tu_now_ms() < end_ms) {
        tu_sleep_ms((int)(next - tu_now_ms() > 0 ? min_int((int)(next - tu_now_ms()), 200) : 0));
        if (tu_now_ms() >= next && tu_now_ms() < end_ms) {
            if (rss_warm < 0) {
                rss_warm = rss_kb();
                heap_warm = heap_kb();
                sample("warm-up", t0);
            } else {
                sample("running", t0);
            }
            long r = rss_kb();
            rss_max = r > rss_max ? r : rss_max;
            next += every_ms;
        }
    }
    atomic_store(&stop_churn, true);
    atomic_store(&stop_workers, true);
    atomic_store(&phase, "stopping workers");
    if (churning) {
        pthread_join(churn_thread, NULL);
    }
    for (int i = 0; i < cfg.threads; i++) {
        pthread_join(threads[i].thread, NULL);
    }
    double run_s = (double)(tu_now_ms() - t0) / 1000.0;

    /* Drain: every accepted call completes. */
    atomic_store(&phase, "drain");
    int64_t drain_deadline = tu_now_ms() + cfg.wait_ms;
    while (atomic_load(&total_completed) < atomic_load(&total_accepted) &&
           tu_now_ms() < drain_deadline) {
        tu_sleep_ms(20);
    }
    CHECK(atomic_load(&total_completed) == atomic_load(&total_accepted),
          "all accepted calls completed within %d ms (%ld of %ld)", cfg.wait_ms,
          atomic_load(&total_completed), atomic_load(&total_accepted));
    if (atomic_load(&total_completed) != atomic_load(&total_accepted)) {
        dump_outstanding();
    }
    for (int i = 0; i < cfg.threads; i++) {
        retire_done(&threads[i]);
    }
    sample("drained", t0);
    long rss_end = rss_kb(), heap_end = heap_kb();

    /* Free everything, shut down. */
    atomic_store(&phase, "free");
    for (int i = 0; i < PROVIDERS; i++) {
        free_provider(atomic_load(&slots[i]), true);
    }
    atomic_store(&phase, "shutdown");
    int64_t sd0 = tu_now_ms();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    int64_t shutdown_ms = tu_now_ms() - sd0;
    atomic_fetch_add(&progress, 1);
    atomic_store(&phase, "report");
    long completed_at_shutdown = atomic_load(&total_completed);
    /* After shutdown: calls are refused and their callbacks never run. */
    call_rec_t late = {0};
    late.owner = &threads[0];
    atomic_init(&late.state, S_IN_FLIGHT);
    CHECK_STATUS(cognito_provider_get_credentials(gens[0].handle, on_credentials, &late, NULL),
                 COGNITO_STATUS_ERR_SHUT_DOWN);
    cognito_string_free(cognito_last_error_message());
    tu_sleep_ms(300); /* a late or second completion would show up here */
    CHECK(atomic_load(&total_completed) == completed_at_shutdown && atomic_load(&late.hits) == 0,
          "no completion after shutdown (%ld, then %ld)", completed_at_shutdown,
          atomic_load(&total_completed));
    long rss_after = rss_kb();

    /* The emulator's view. */
    hs = emu_request("GET", "/__emulator/stats", NULL, stats, sizeof stats);
    CHECK(hs == 200, "emulator stats -> %d", hs);
    long get_id = emu_count("GetId");
    long get_creds = emu_count("GetCredentialsForIdentity");

    /* ---- report ---- */
    long ops_total = 0;
    for (int i = 0; i < OP_COUNT; i++) {
        ops_total += atomic_load(&op_count[i]);
    }
    printf("\n  operations (%.1f s, %d threads): %ld, %.0f/s\n", run_s, cfg.threads, ops_total,
           (double)ops_total / run_s);
    for (int i = 0; i < OP_COUNT; i++) {
        printf("    %-26s %9ld\n", ops[i].name, atomic_load(&op_count[i]));
    }
    printf("  synchronous results: OK %ld, NOT_FOUND %ld, INVALID_HANDLE %ld; sign-in changes "
           "skipped (stable provider or too soon) %ld\n",
           atomic_load(&sync_ok), atomic_load(&sync_not_found), atomic_load(&sync_invalid_handle),
           atomic_load(&mutations_skipped));
    printf("  cached credentials: stable providers OK %ld / NOT_FOUND %ld (%.1f%% hits), volatile "
           "OK %ld / NOT_FOUND %ld; a thread saw them change %ld times\n",
           atomic_load(&cached_ok[0]), atomic_load(&cached_not_found[0]),
           100.0 * (double)atomic_load(&cached_ok[0]) /
               (double)(atomic_load(&cached_ok[0]) + atomic_load(&cached_not_found[0]) + 1),
           atomic_load(&cached_ok[1]), atomic_load(&cached_not_found[1]),
           atomic_load(&credential_changes));
    printf("\n  asynchronous calls       started  accepted completed        OK CANCELLED "
           "INV_HANDLE    FAILED     other\n");
    for (int k = 0; k < K_COUNT; k++) {
        long other = sum_completed(k) - atomic_load(&completed[k][COGNITO_STATUS_OK]) -
                     atomic_load(&completed[k][COGNITO_STATUS_ERR_CANCELLED]) -
                     atomic_load(&completed[k][COGNITO_STATUS_ERR_INVALID_HANDLE]) -
                     atomic_load(&completed[k][COGNITO_STATUS_ERR_FAILED]);
        printf("    %-20s %9ld %9ld %9ld %9ld %9ld %10ld %9ld %9ld\n", kind_name[k],
               atomic_load(&started[k]), atomic_load(&accepted[k]), sum_completed(k),
               atomic_load(&completed[k][COGNITO_STATUS_OK]),
               atomic_load(&completed[k][COGNITO_STATUS_ERR_CANCELLED]),
               atomic_load(&completed[k][COGNITO_STATUS_ERR_INVALID_HANDLE]),
               atomic_load(&completed[k][COGNITO_STATUS_ERR_FAILED]), other);
        for (int e = 0; e < 64; e++) {
            long n = atomic_load(&failed_by_kind[k][e]);
            if (n) {
                printf("      FAILED with error kind %d: %ld\n", e, n);
            }
        }
        CHECK(atomic_load(&accepted[k]) == sum_completed(k),
              "%s: accepted %ld == completed %ld", kind_name[k], atomic_load(&accepted[k]),
              sum_completed(k));
    }
    printf("    calls: %.0f/s; waited for %ld; cancel OK %ld, NOT_FOUND %ld; CANCELLED without a "
           "cancel (provider freed) %ld\n",
           (double)atomic_load(&total_accepted) / run_s, atomic_load(&waited_calls),
           atomic_load(&cancel_ok), atomic_load(&cancel_not_found),
           atomic_load(&cancelled_otherwise));
    printf("  credentials handed out with under 1 s left: cached reads %ld, callbacks %ld; least "
           "time left seen: under %lld ms\n",
           atomic_load(&last_second[0]), atomic_load(&last_second[1]),
           (long long)atomic_load(&least_left_ms));
    printf("  provider callbacks: identity changed %ld, store load %ld / save %ld / clear %ld, "
           "token requests %ld (%ld refused)\n",
           atomic_load(&id_changes), atomic_load(&store_loads), atomic_load(&store_saves),
           atomic_load(&store_clears), atomic_load(&token_requests), atomic_load(&token_refusals));
    printf("  providers re-created under load: %ld (%ld freed before the new one existed); %d "
           "generations\n",
           atomic_load(&churns), atomic_load(&churn_free_first), atomic_load(&gen_count));
    printf("  library log lines: error %ld, warn %ld\n", atomic_load(&log_lines[1]),
           atomic_load(&log_lines[2]));
    printf("  emulator: total %ld requests (%.0f/s), GetId %ld, GetCredentialsForIdentity %ld "
           "(refreshes), connections %ld, identities %ld\n",
           json_number(stats, "total"), (double)json_number(stats, "total") / run_s, get_id,
           get_creds, json_number(stats, "connections"), json_number(stats, "identities"));
    printf("  cognito_shutdown: %lld ms\n", (long long)shutdown_ms);
    long growth = rss_end - rss_warm;
    printf("  RSS KiB: start %ld, first round %ld, warm-up %ld, max while running %ld, end %ld "
           "(growth since warm-up %+ld KiB = %+.1f MiB, limit %d MiB%s), after shutdown %ld\n",
           rss_start, rss_first, rss_warm, rss_max, rss_end, growth, (double)growth / 1024.0,
           cfg.rss_limit_mb, cfg.rss_check ? "" : ", not checked", rss_after);
    if (heap_end >= 0) {
        printf("  live heap KiB (%s): warm-up %ld, end %ld (growth %+ld KiB, limit %d MiB)\n",
               cfg.under_asan ? "ASan allocator" : "glibc mallinfo2", heap_warm, heap_end,
               heap_end - heap_warm, cfg.heap_limit_mb);
    }
    bool any = false;
    for (int v = 0; v < V_COUNT; v++) {
        long n = atomic_load(&violations[v]);
        if (n) {
            printf("  VIOLATION %-60s %ld\n", violation_name[v], n);
            any = true;
        }
    }
    if (!any) {
        printf("  no invariant violated\n");
    }

    if (cfg.rss_check) {
        CHECK(rss_warm > 0 && rss_end > 0 && growth <= (long)cfg.rss_limit_mb * 1024,
              "RSS growth since warm-up %+ld KiB <= %d MiB", growth, cfg.rss_limit_mb);
    }
    if (heap_end >= 0 && cfg.rss_check) {
        CHECK(heap_warm >= 0 && heap_end - heap_warm <= (long)cfg.heap_limit_mb * 1024,
              "live heap growth since warm-up %+ld KiB <= %d MiB", heap_end - heap_warm,
              cfg.heap_limit_mb);
    }
    /* Stable providers are read all the time: the background refresh must keep their
     * credentials valid (misses only after a re-creation, or a refresh slower than 0.75 s). */
    long hits = atomic_load(&cached_ok[0]), misses = atomic_load(&cached_not_found[0]);
    CHECK(hits * 100 >= (hits + misses) * cfg.min_hit_percent,
          "stable providers' cached reads hit %ld of %ld (>= %d%%)", hits, hits + misses,
          cfg.min_hit_percent);
    /* Every provider serving credentials for the whole run needs a new set at least every
     * lifetime; allow for the providers failing while signed out. */
    long floor_refreshes = (long)(PROVIDERS * run_s / cfg.lifetime / 2);
    CHECK(get_creds >= floor_refreshes, "credentials were refreshed: %ld >= %ld",
          get_creds, floor_refreshes);
    CHECK(atomic_load(&cached_ok[0]) > 0 && atomic_load(&cached_ok[1]) > 0 &&
              atomic_load(&completed[K_CREDENTIALS][0]) > 0 &&
              atomic_load(&completed[K_IDENTITY][0]) > 0,
          "calls succeeded");

    /* Clean up. */
    atomic_store(&stop_watchdog, true);
    pthread_join(watchdog_thread, NULL);
    for (int i = 0; i < cfg.threads; i++) {
        tu_counter_destroy(&threads[i].done);
    }
    free(threads);
    tu_counter_destroy(&first_done);
    for (int i = 0; i < PROVIDERS; i++) {
        pthread_mutex_destroy(&stores[i].mu);
    }
    remove_tree(cfg.tmpdir);
    tu_end();
    return tu_finish("soak");
}
