/* Happy paths of the C ABI against the emulator: identity id and credentials, cached reads,
 * logins, user pool login, identity-changed callback, host store, host logins provider, log sink.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

#define USER_POOL_ID "us-east-1_Test"
#define USER_POOL_PROVIDER "cognito-idp.us-east-1.amazonaws.com/" USER_POOL_ID

/* Starts an identity call on `p` and waits (bounded) for its single completion. */
static void get_identity(cognito_provider_t *p, tu_call_t *call) {
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_init(call, &done);
    CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, call, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(10000)), "identity callback within 10 s");
    CHECK(atomic_load(&call->hits) == 1, "identity callback ran %d times",
          atomic_load(&call->hits));
    call->done = NULL;
    tu_counter_destroy(&done);
}

static void get_credentials(cognito_provider_t *p, tu_call_t *call) {
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_init(call, &done);
    CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, call, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(10000)), "credentials callback within 10 s");
    CHECK(atomic_load(&call->hits) == 1, "credentials callback ran %d times",
          atomic_load(&call->hits));
    call->done = NULL;
    tu_counter_destroy(&done);
}

static bool is_identity_id(const char *id) {
    return strncmp(id, "us-east-1:", 10) == 0 && strlen(id) == 10 + 36;
}

static void test_unauth_identity_and_credentials(void) {
    tu_begin("unauth identity id and credentials");
    emu_reset();
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), "");
    tu_call_t id, cr;
    get_identity(p, &id);
    CHECK_STATUS(id.status, COGNITO_STATUS_OK);
    CHECK(id.args_consistent, "identity callback arguments consistent with the status");
    CHECK(is_identity_id(id.identity_id), "identity id looks like <region>:<uuid>: '%s'",
          id.identity_id);
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);
    CHECK(cr.args_consistent, "credentials callback arguments consistent with the status");
    CHECK(strcmp(cr.identity_id, id.identity_id) == 0, "credentials for the same identity");
    CHECK(strlen(cr.access_key_id) >= 16, "access key id '%s'", cr.access_key_id);
    CHECK(strlen(cr.secret_access_key) > 0, "secret access key present");
    CHECK(cr.session_token_len > 0, "session token present");
    int64_t now = (int64_t)time(NULL);
    CHECK(cr.expiration > now + 600 && cr.expiration < now + 7200,
          "expiration in about an hour (%lld, now %lld)", (long long)cr.expiration,
          (long long)now);
    /* A second round is served from the cache. */
    tu_call_t id2, cr2;
    get_identity(p, &id2);
    get_credentials(p, &cr2);
    CHECK(strcmp(id2.identity_id, id.identity_id) == 0, "cached identity id");
    CHECK(strcmp(cr2.access_key_id, cr.access_key_id) == 0, "cached credentials");
    CHECK(emu_count("GetId") == 1, "1 GetId (got %ld)", emu_count("GetId"));
    CHECK(emu_count("GetCredentialsForIdentity") == 1, "1 GetCredentialsForIdentity (got %ld)",
          emu_count("GetCredentialsForIdentity"));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    tu_end();
}

static void test_cached_reads(void) {
    tu_begin("cached identity / credentials sync reads");
    emu_reset();
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), "");
    static cognito_credentials_t sentinel;
    char *cached_id = (char *)"sentinel";
    cognito_credentials_t *creds = &sentinel;
    CHECK_STATUS(cognito_provider_cached_identity_id(p, &cached_id), COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK(strcmp(cached_id, "sentinel") == 0, "output untouched on failure");
    CHECK_STATUS(cognito_provider_cached_credentials(p, &creds), COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK(creds == &sentinel, "output untouched on failure");
    tu_call_t cr;
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);

    cached_id = NULL;
    CHECK_STATUS(cognito_provider_cached_identity_id(p, &cached_id), COGNITO_STATUS_OK);
    CHECK(cached_id && strcmp(cached_id, cr.identity_id) == 0, "cached id '%s'",
          cached_id ? cached_id : "(null)");
    cognito_string_free(cached_id);

    creds = NULL;
    CHECK_STATUS(cognito_provider_cached_credentials(p, &creds), COGNITO_STATUS_OK);
    if (CHECK(creds != NULL, "cached credentials written")) {
        CHECK(strcmp(creds->access_key_id, cr.access_key_id) == 0, "same access key");
        CHECK(strcmp(creds->secret_access_key, cr.secret_access_key) == 0, "same secret");
        CHECK(strlen(creds->session_token) == cr.session_token_len, "same session token");
        CHECK(strcmp(creds->identity_id, cr.identity_id) == 0, "same identity");
        CHECK(creds->expiration == cr.expiration, "same expiration");
    }
    /* Two copies live at once, freed independently (one after the provider is gone). */
    cognito_credentials_t *creds2 = NULL;
    CHECK_STATUS(cognito_provider_cached_credentials(p, &creds2), COGNITO_STATUS_OK);
    cognito_credentials_free(creds);
    CHECK_STATUS(cognito_provider_clear_credentials(p), COGNITO_STATUS_OK);
    creds = NULL;
    CHECK_STATUS(cognito_provider_cached_credentials(p, &creds), COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    if (creds2) {
        CHECK(strcmp(creds2->access_key_id, cr.access_key_id) == 0,
              "credentials stay valid after the provider is freed");
    }
    cognito_credentials_free(creds2);
    tu_end();
}

static void test_logins(void) {
    tu_begin("logins add / contains / count / list / remove");
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), "");
    size_t count = 99;
    bool contains = true;
    char *list = NULL;
    CHECK_STATUS(cognito_provider_logins_count(p, &count), COGNITO_STATUS_OK);
    CHECK(count == 0, "no logins at first (%zu)", count);
    CHECK_STATUS(cognito_provider_logins_list(p, &list), COGNITO_STATUS_OK);
    CHECK(list && strcmp(list, "") == 0, "empty list is \"\"");
    cognito_string_free(list);

    CHECK_STATUS(cognito_provider_add_login(p, "graph.facebook.com", "fb-token"),
                 COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_add_login(p, "accounts.google.com", "g-token"),
                 COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_add_login(p, "accounts.google.com", "g-token-2"),
                 COGNITO_STATUS_OK); /* replaces */
    CHECK_STATUS(cognito_provider_logins_count(p, &count), COGNITO_STATUS_OK);
    CHECK(count == 2, "2 logins (%zu)", count);
    CHECK_STATUS(cognito_provider_contains_login(p, "graph.facebook.com", &contains),
                 COGNITO_STATUS_OK);
    CHECK(contains, "contains graph.facebook.com");
    CHECK_STATUS(cognito_provider_contains_login(p, "api.twitter.com", &contains),
                 COGNITO_STATUS_OK);
    CHECK(!contains, "does not contain api.twitter.com");
    list = NULL;
    CHECK_STATUS(cognito_provider_logins_list(p, &list), COGNITO_STATUS_OK);
    CHECK(list && strcmp(list, "accounts.google.com\ngraph.facebook.com") == 0,
          "sorted list, got '%s'", list ? list : "(null)");
    cognito_string_free(list);

    CHECK_STATUS(cognito_provider_remove_login(p, "graph.facebook.com"), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_remove_login(p, "graph.facebook.com"),
                 COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK_STATUS(cognito_provider_logins_count(p, &count), COGNITO_STATUS_OK);
    CHECK(count == 1, "1 login left (%zu)", count);
    CHECK_STATUS(cognito_provider_clear(p), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_logins_count(p, &count), COGNITO_STATUS_OK);
    CHECK(count == 0, "clear forgets the logins (%zu)", count);

    char *name = NULL;
    CHECK_STATUS(cognito_user_pool_provider_name(NULL, USER_POOL_ID, &name), COGNITO_STATUS_OK);
    CHECK(name && strcmp(name, USER_POOL_PROVIDER) == 0, "user pool provider name '%s'",
          name ? name : "(null)");
    cognito_string_free(name);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    tu_end();
}

static void test_user_pool_login(void) {
    tu_begin("user pool login on the auth-only pool");
    emu_reset();
    char *token = emu_mint_token(USER_POOL_PROVIDER, "alice");
    cognito_provider_t *p = emu_provider(emu_auth_pool(), "\"max_attempts\":1");
    CHECK_STATUS(cognito_provider_add_login(p, USER_POOL_PROVIDER, token ? token : "x"),
                 COGNITO_STATUS_OK);
    tu_call_t cr;
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);
    CHECK(is_identity_id(cr.identity_id), "authenticated identity '%s'", cr.identity_id);
    CHECK(cr.session_token_len > 0, "session token present");
    /* The same user on another provider gets the same identity. */
    cognito_provider_t *p2 = emu_provider(emu_auth_pool(), "\"max_attempts\":1");
    CHECK_STATUS(cognito_provider_add_login(p2, USER_POOL_PROVIDER, token ? token : "x"),
                 COGNITO_STATUS_OK);
    tu_call_t id2;
    get_identity(p2, &id2);
    CHECK_STATUS(id2.status, COGNITO_STATUS_OK);
    CHECK(strcmp(id2.identity_id, cr.identity_id) == 0, "same user, same identity");
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_free(p2), COGNITO_STATUS_OK);
    free(token);
    tu_end();
}

/* ---- identity changed ---- */

typedef struct {
    tu_counter_t calls;
    char old_id[128];
    char new_id[128];
    bool old_was_null;
} changed_t;

static void on_identity_changed(void *user_data, const char *old_id, const char *new_id) {
    changed_t *c = user_data;
    pthread_mutex_lock(&c->calls.mu);
    c->old_was_null = old_id == NULL;
    snprintf(c->old_id, sizeof c->old_id, "%s", old_id ? old_id : "");
    snprintf(c->new_id, sizeof c->new_id, "%s", new_id ? new_id : "");
    pthread_mutex_unlock(&c->calls.mu);
    tu_counter_add(&c->calls, 1);
}

static void test_identity_changed(void) {
    tu_begin("identity-changed callback");
    changed_t c = {0};
    tu_counter_init(&c.calls);
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), "");
    CHECK_STATUS(cognito_provider_set_identity_changed_callback(p, on_identity_changed, &c),
                 COGNITO_STATUS_OK);
    tu_call_t id;
    get_identity(p, &id);
    CHECK_STATUS(id.status, COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&c.calls, 1, tu_scaled_ms(5000)), "identity-changed called");
    tu_sleep_ms(100);
    CHECK(tu_counter_get(&c.calls) == 1, "called once (%ld)", tu_counter_get(&c.calls));
    pthread_mutex_lock(&c.calls.mu);
    CHECK(c.old_was_null, "old id is NULL the first time");
    CHECK(strcmp(c.new_id, id.identity_id) == 0, "new id '%s' is the identity id", c.new_id);
    pthread_mutex_unlock(&c.calls.mu);

    /* A new identity after clearing the cache is reported again; NULL removes the callback. */
    CHECK_STATUS(cognito_provider_clear_identity_cache(p), COGNITO_STATUS_OK);
    tu_call_t id2;
    get_identity(p, &id2);
    CHECK(tu_counter_wait(&c.calls, 2, tu_scaled_ms(5000)), "called for the second identity");
    pthread_mutex_lock(&c.calls.mu);
    CHECK(strcmp(c.new_id, id2.identity_id) == 0 && strcmp(id2.identity_id, id.identity_id) != 0,
          "second identity reported");
    pthread_mutex_unlock(&c.calls.mu);
    CHECK_STATUS(cognito_provider_set_identity_changed_callback(p, NULL, NULL), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_clear_identity_cache(p), COGNITO_STATUS_OK);
    tu_call_t id3;
    get_identity(p, &id3);
    tu_sleep_ms(200);
    CHECK(tu_counter_get(&c.calls) == 2, "removed callback not called (%ld)",
          tu_counter_get(&c.calls));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    tu_counter_destroy(&c.calls);
    tu_end();
}

/* ---- host store ---- */

typedef struct {
    char stored[128];     /* what load hands out ("" = nothing) */
    tu_counter_t loads, saves, clears;
    char saved_pool[128], saved_id[128], cleared_pool[128];
} store_t;

static size_t store_load(void *user_data, const char *pool_id, char *buffer, size_t capacity) {
    store_t *s = user_data;
    (void)pool_id;
    tu_counter_add(&s->loads, 1);
    size_t n = strlen(s->stored);
    if (n == 0 || n + 1 > capacity) {
        return 0;
    }
    memcpy(buffer, s->stored, n + 1);
    return n;
}

static void store_save(void *user_data, const char *pool_id, const char *identity_id) {
    store_t *s = user_data;
    pthread_mutex_lock(&s->saves.mu);
    snprintf(s->saved_pool, sizeof s->saved_pool, "%s", pool_id);
    snprintf(s->saved_id, sizeof s->saved_id, "%s", identity_id);
    pthread_mutex_unlock(&s->saves.mu);
    tu_counter_add(&s->saves, 1);
}

static void store_clear(void *user_data, const char *pool_id) {
    store_t *s = user_data;
    pthread_mutex_lock(&s->clears.mu);
    snprintf(s->cleared_pool, sizeof s->cleared_pool, "%s", pool_id);
    pthread_mutex_unlock(&s->clears.mu);
    tu_counter_add(&s->clears, 1);
}

static void store_init(store_t *s, const char *stored) {
    memset(s, 0, sizeof *s);
    snprintf(s->stored, sizeof s->stored, "%s", stored);
    tu_counter_init(&s->loads);
    tu_counter_init(&s->saves);
    tu_counter_init(&s->clears);
}

static void store_destroy(store_t *s) {
    tu_counter_destroy(&s->loads);
    tu_counter_destroy(&s->saves);
    tu_counter_destroy(&s->clears);
}

static cognito_provider_t *store_provider(store_t *s) {
    char options[512];
    emu_options(options, sizeof options, "");
    cognito_provider_t *p = NULL;
    CHECK_STATUS(cognito_provider_new_with_store(emu_unauth_pool(), options, store_load,
                                                 store_save, store_clear, s, &p),
                 COGNITO_STATUS_OK);
    return p;
}

static void test_store(void) {
    tu_begin("store callbacks (load / save / clear)");
    emu_reset();
    /* Empty store: load once inside new, then save the id GetId gave. */
    store_t empty;
    store_init(&empty, "");
    cognito_provider_t *p = store_provider(&empty);
    CHECK(tu_counter_get(&empty.loads) == 1, "load called once inside new (%ld)",
          tu_counter_get(&empty.loads));
    tu_call_t id;
    get_identity(p, &id);
    CHECK_STATUS(id.status, COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&empty.saves, 1, tu_scaled_ms(5000)), "save called");
    pthread_mutex_lock(&empty.saves.mu);
    CHECK(strcmp(empty.saved_id, id.identity_id) == 0, "saved the new id '%s'", empty.saved_id);
    CHECK(strcmp(empty.saved_pool, emu_unauth_pool()) == 0, "saved under the pool id");
    pthread_mutex_unlock(&empty.saves.mu);
    CHECK(emu_count("GetId") == 1, "1 GetId (%ld)", emu_count("GetId"));
    CHECK_STATUS(cognito_provider_clear(p), COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&empty.clears, 1, tu_scaled_ms(5000)), "clear called on sign-out");
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);

    /* A stored id is used as is: no GetId, credentials for that identity. */
    emu_reset();
    store_t full;
    store_init(&full, id.identity_id);
    p = store_provider(&full);
    char *cached = NULL;
    CHECK_STATUS(cognito_provider_cached_identity_id(p, &cached), COGNITO_STATUS_OK);
    CHECK(cached && strcmp(cached, id.identity_id) == 0, "stored id cached at once");
    cognito_string_free(cached);
    tu_call_t id2, cr;
    get_identity(p, &id2);
    get_credentials(p, &cr);
    CHECK_STATUS(id2.status, COGNITO_STATUS_OK);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);
    CHECK(strcmp(id2.identity_id, id.identity_id) == 0, "stored id returned");
    CHECK(strcmp(cr.identity_id, id.identity_id) == 0, "credentials for the stored id");
    CHECK(emu_count("GetId") == 0, "no GetId (%ld)", emu_count("GetId"));
    CHECK(emu_count("GetCredentialsForIdentity") == 1, "1 GetCredentialsForIdentity (%ld)",
          emu_count("GetCredentialsForIdentity"));
    CHECK(tu_counter_get(&full.saves) == 0, "nothing new to save (%ld)",
          tu_counter_get(&full.saves));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    store_destroy(&empty);
    store_destroy(&full);
    tu_end();
}

/* ---- host logins provider, answered from another thread ---- */

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t queue[16];
    int queued;
    int asked;            /* token requests received */
    int answered_ok;      /* cognito_token_request_complete returned OK */
    bool stop;
    bool fail;            /* answer with an error instead of the token */
    bool inline_answer;   /* answer inside the callback itself */
    const char *token;
    char provider_name[160];
    pthread_t callback_thread;
} answerer_t;

static void on_token_request(void *user_data, const char *provider_name, uint64_t request_id) {
    answerer_t *a = user_data;
    pthread_mutex_lock(&a->mu);
    snprintf(a->provider_name, sizeof a->provider_name, "%s", provider_name);
    a->callback_thread = pthread_self();
    a->asked++;
    if (a->inline_answer) {
        a->answered_ok += cognito_token_request_complete(request_id, a->token, NULL) ==
                          COGNITO_STATUS_OK;
    } else if (a->queued < 16) {
        a->queue[a->queued++] = request_id;
    }
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

static void *answer_thread(void *arg) {
    answerer_t *a = arg;
    int64_t deadline = tu_now_ms() + tu_scaled_ms(20000);
    pthread_mutex_lock(&a->mu);
    while (!a->stop && tu_now_ms() < deadline) {
        if (a->queued == 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 20 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&a->cv, &a->mu, &ts);
            continue;
        }
        uint64_t id = a->queue[--a->queued];
        pthread_mutex_unlock(&a->mu);
        cognito_status_t s = a->fail
                                 ? cognito_token_request_complete(id, NULL, "no session")
                                 : cognito_token_request_complete(id, a->token, NULL);
        /* A request is answered once; a second answer is refused. */
        cognito_status_t again = cognito_token_request_complete(id, a->token, NULL);
        pthread_mutex_lock(&a->mu);
        if (s == COGNITO_STATUS_OK && again == COGNITO_STATUS_ERR_NOT_FOUND) {
            a->answered_ok++;
        }
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

static void run_logins_provider(answerer_t *a, const char *token, bool fail, bool inline_answer,
                                tu_call_t *cr) {
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    a->token = token;
    a->fail = fail;
    a->inline_answer = inline_answer;
    pthread_t t;
    pthread_create(&t, NULL, answer_thread, a);
    cognito_provider_t *p = emu_provider(emu_auth_pool(), "\"max_attempts\":1");
    CHECK_STATUS(cognito_provider_set_logins_provider(p, USER_POOL_PROVIDER, on_token_request, a),
                 COGNITO_STATUS_OK);
    get_credentials(p, cr);
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(t, NULL);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
}

static void test_logins_provider(void) {
    tu_begin("logins-provider callback answered from another thread");
    emu_reset();
    char *token = emu_mint_token(USER_POOL_PROVIDER, "bob");
    answerer_t a;
    tu_call_t cr;
    run_logins_provider(&a, token ? token : "x", false, false, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);
    CHECK(is_identity_id(cr.identity_id), "authenticated identity '%s'", cr.identity_id);
    CHECK(a.asked >= 1 && a.answered_ok == a.asked, "token requests asked %d, answered %d",
          a.asked, a.answered_ok);
    CHECK(strcmp(a.provider_name, USER_POOL_PROVIDER) == 0, "asked for '%s'", a.provider_name);
    CHECK(!pthread_equal(a.callback_thread, pthread_self()), "asked on a library thread");

    /* The host cannot supply a token: the call fails with the logins-provider error (56). */
    tu_call_t failed;
    run_logins_provider(&a, token ? token : "x", true, false, &failed);
    CHECK_STATUS(failed.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(failed.err_kind == 56, "error kind 56 LoginsProvider (got %u '%s': %s)",
          failed.err_kind, failed.err_code, failed.err_message);
    CHECK(strstr(failed.err_message, "no session") != NULL, "host's message passed on: '%s'",
          failed.err_message);

    /* Answering inside the callback itself works too. */
    tu_call_t inline_cr;
    run_logins_provider(&a, token ? token : "x", false, true, &inline_cr);
    CHECK_STATUS(inline_cr.status, COGNITO_STATUS_OK);
    CHECK(a.asked >= 1 && a.answered_ok == a.asked, "inline: asked %d, answered %d", a.asked,
          a.answered_ok);
    free(token);
    tu_end();
}

/* ---- log sink ---- */

typedef struct {
    tu_counter_t lines;
    pthread_mutex_t mu;
    char text[65536];
    size_t len;
    bool bad_args;
} log_t;

static void on_log(void *user_data, int32_t level, const char *target, const char *message) {
    log_t *l = user_data;
    pthread_mutex_lock(&l->mu);
    if (level < 1 || level > 5 || !target || !message) {
        l->bad_args = true;
    } else {
        int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%d %s %s\n", level, target,
                         message);
        if (n > 0 && l->len + (size_t)n < sizeof l->text) {
            l->len += (size_t)n;
        }
    }
    pthread_mutex_unlock(&l->mu);
    tu_counter_add(&l->lines, 1);
}

static void test_log_sink(void) {
    tu_begin("log sink receives lines (and no secrets)");
    emu_reset();
    static log_t l;
    tu_counter_init(&l.lines);
    pthread_mutex_init(&l.mu, NULL);
    CHECK_STATUS(cognito_set_log_sink(on_log, &l, 4), COGNITO_STATUS_OK);
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), "");
    tu_call_t cr;
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&l.lines, 1, tu_scaled_ms(5000)), "at least one log line");
    pthread_mutex_lock(&l.mu);
    CHECK(!l.bad_args, "level in 1..5, target and message set");
    CHECK(strstr(l.text, "identity id changed") != NULL, "the identity change is logged");
    CHECK(cr.secret_access_key[0] && strstr(l.text, cr.secret_access_key) == NULL,
          "no secret access key in the log");
    const char *eol = strchr(l.text, '\n');
    printf("    %ld log line(s), e.g. %.*s", tu_counter_get(&l.lines),
           eol ? (int)(eol - l.text + 1) : 0, l.text);
    pthread_mutex_unlock(&l.mu);

    CHECK_STATUS(cognito_set_log_sink(NULL, NULL, 0), COGNITO_STATUS_OK);
    long before = tu_counter_get(&l.lines);
    CHECK_STATUS(cognito_provider_clear_identity_cache(p), COGNITO_STATUS_OK);
    tu_call_t id;
    get_identity(p, &id); /* would log "identity id changed" */
    tu_sleep_ms(100);
    CHECK(tu_counter_get(&l.lines) == before, "removed sink not called (%ld -> %ld)", before,
          tu_counter_get(&l.lines));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    pthread_mutex_destroy(&l.mu);
    tu_counter_destroy(&l.lines);
    tu_end();
}

int main(void) {
    emu_setup();
    printf("cognito-native %s, emulator %s\n", cognito_version(), emu_url());
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    test_unauth_identity_and_credentials();
    test_cached_reads();
    test_logins();
    test_user_pool_login();
    test_identity_changed();
    test_store();
    test_logins_provider();
    test_log_sink();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    return tu_finish("test_happy");
}
