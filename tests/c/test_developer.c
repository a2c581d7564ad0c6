/* Developer-authenticated identities through the C ABI, against the emulator.
 *
 * Backend side: cognito_developer_client_new / _get_token / _free (SigV4-signed with the
 * emulator's test key): tokens for players, bad signatures, unknown keys, bad request options,
 * NULL / forged / wrong-kind handles, double free.
 * App side: a provider whose developer identity source is answered (from the backend client's
 * callback thread) with cognito_developer_identity_complete: credentials without GetId, asking
 * again on every refresh, host errors, unknown request ids, and freeing the provider while a
 * request to the host is pending.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define DEV_PROVIDER "login.cognitonative.emulator"
#define TEST_KEY_ID "AKIDEMULATOREXAMPLE1"
#define TEST_SECRET "emulator/SECRET/key/EXAMPLEKEY0000000000"
#define FORGED_CLIENT ((cognito_developer_client_t *)0x1234)
#define FAST "\"max_attempts\":1"

static bool is_identity_id(const char *id) {
    return strncmp(id, "us-east-1:", 10) == 0 && strlen(id) == 10 + 36;
}

/* An OpenID token is a JWT: three non-empty base64url parts. */
static bool looks_like_jwt(const char *t) {
    const char *a = strchr(t, '.');
    const char *b = a ? strchr(a + 1, '.') : NULL;
    return a && b && a > t && b > a + 1 && b[1] && !strchr(b + 1, '.');
}

/* ---- backend calls ------------------------------------------------------------------- */

/* One cognito_developer_client_get_token call (user_data of dev_token_cb). */
typedef struct {
    atomic_int hits;
    tu_counter_t *done;
    cognito_status_t status;
    char identity_id[128];
    char token[8192];
    size_t token_len;
    uint32_t err_kind;
    bool err_retryable;
    char err_code[64];
    char err_message[256];
    bool args_consistent; /* id and token set iff OK, error set iff not OK */
} dev_call_t;

static void dev_call_init(dev_call_t *c, tu_counter_t *done) {
    memset(c, 0, sizeof *c);
    atomic_init(&c->hits, 0);
    c->done = done;
    c->status = -1;
}

static void dev_token_cb(void *user_data, cognito_status_t status, const char *identity_id,
                         const char *token, const cognito_error_t *error) {
    dev_call_t *c = user_data;
    if (atomic_fetch_add(&c->hits, 1) == 0) {
        c->status = status;
        c->args_consistent = status == COGNITO_STATUS_OK
                                 ? (identity_id && token && !error)
                                 : (!identity_id && !token && error);
        if (identity_id) {
            snprintf(c->identity_id, sizeof c->identity_id, "%s", identity_id);
        }
        if (token) {
            c->token_len = strlen(token);
            snprintf(c->token, sizeof c->token, "%s", token);
        }
        if (error) {
            c->err_kind = error->kind;
            c->err_retryable = error->retryable;
            snprintf(c->err_code, sizeof c->err_code, "%s", error->code ? error->code : "");
            snprintf(c->err_message, sizeof c->err_message, "%s",
                     error->message ? error->message : "");
        }
    }
    if (c->done) {
        tu_counter_add(c->done, 1);
    }
}

static cognito_developer_client_t *dev_client(const char *key_id, const char *secret) {
    char options[1024];
    emu_options(options, sizeof options, FAST);
    cognito_developer_client_t *client = NULL;
    cognito_status_t s =
        cognito_developer_client_new(emu_unauth_pool(), options, key_id, secret, NULL, &client);
    if (!CHECK(s == COGNITO_STATUS_OK && client, "cognito_developer_client_new -> %s",
               tu_status_name(s))) {
        char err[256];
        tu_take_last_error(err, sizeof err);
        printf("      last error: %s\n", err);
        return NULL;
    }
    return client;
}

/* Starts get_token for `user` and waits (bounded) for its single completion. */
static void get_token(cognito_developer_client_t *client, const char *user, const char *options,
                      dev_call_t *call) {
    tu_counter_t done;
    tu_counter_init(&done);
    dev_call_init(call, &done);
    uint64_t id = 0;
    CHECK_STATUS(cognito_developer_client_get_token(client, emu_unauth_pool(), DEV_PROVIDER, user,
                                                    options, dev_token_cb, call, &id),
                 COGNITO_STATUS_OK);
    CHECK(id != 0, "a call id is written");
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(10000)), "token callback within 10 s");
    tu_sleep_ms(20);
    CHECK(atomic_load(&call->hits) == 1, "token callback ran %d times", atomic_load(&call->hits));
    CHECK(call->args_consistent, "token callback arguments consistent with its status %s",
          tu_status_name(call->status));
    call->done = NULL;
    tu_counter_destroy(&done);
}

static void test_backend_tokens(void) {
    tu_begin("backend: tokens for players (same player, same identity)");
    emu_reset();
    cognito_developer_client_t *client = dev_client(TEST_KEY_ID, TEST_SECRET);
    dev_call_t a, a2, b, tagged;
    get_token(client, "player-1", NULL, &a);
    CHECK_STATUS(a.status, COGNITO_STATUS_OK);
    CHECK(is_identity_id(a.identity_id), "identity id '%s'", a.identity_id);
    CHECK(a.token_len > 0 && a.token_len < sizeof a.token && looks_like_jwt(a.token),
          "an OpenID token (JWT, %zu chars)", a.token_len);
    get_token(client, "player-1", "", &a2);
    CHECK_STATUS(a2.status, COGNITO_STATUS_OK);
    CHECK(strcmp(a2.identity_id, a.identity_id) == 0, "same player, same identity ('%s', '%s')",
          a.identity_id, a2.identity_id);
    get_token(client, "player-2", NULL, &b);
    CHECK_STATUS(b.status, COGNITO_STATUS_OK);
    CHECK(is_identity_id(b.identity_id) && strcmp(b.identity_id, a.identity_id) != 0,
          "another player, another identity ('%s')", b.identity_id);
    /* Request options: the known identity, a duration and principal tags. */
    char options[512];
    snprintf(options, sizeof options,
             "{\"identity_id\":\"%s\",\"token_duration_secs\":900,"
             "\"principal_tags\":{\"team\":\"red\"}}",
             a.identity_id);
    get_token(client, "player-1", options, &tagged);
    CHECK_STATUS(tagged.status, COGNITO_STATUS_OK);
    CHECK(strcmp(tagged.identity_id, a.identity_id) == 0, "with options: same identity");
    CHECK(emu_count("GetOpenIdTokenForDeveloperIdentity") == 4,
          "4 GetOpenIdTokenForDeveloperIdentity (%ld)",
          emu_count("GetOpenIdTokenForDeveloperIdentity"));
    CHECK(emu_count("GetId") == 0, "no GetId (%ld)", emu_count("GetId"));

    /* Many players at once on the one client: each callback exactly once. */
    enum { MANY = 50 };
    tu_counter_t done;
    tu_counter_init(&done);
    static dev_call_t many[MANY];
    for (int i = 0; i < MANY; i++) {
        char user[32];
        snprintf(user, sizeof user, "crowd-%d", i);
        dev_call_init(&many[i], &done);
        CHECK_STATUS(cognito_developer_client_get_token(client, emu_unauth_pool(), DEV_PROVIDER,
                                                        user, NULL, dev_token_cb, &many[i], NULL),
                     COGNITO_STATUS_OK);
    }
    CHECK(tu_counter_wait(&done, MANY, tu_scaled_ms(20000)), "%d concurrent calls complete",
          MANY);
    tu_sleep_ms(50);
    int once = 0, ok = 0;
    for (int i = 0; i < MANY; i++) {
        once += atomic_load(&many[i].hits) == 1;
        ok += many[i].status == COGNITO_STATUS_OK && is_identity_id(many[i].identity_id);
    }
    printf("    exactly-once: %d concurrent get_token calls, %d once, %d OK\n", MANY, once, ok);
    CHECK(once == MANY && ok == MANY, "each once (%d) and OK (%d)", once, ok);
    tu_counter_destroy(&done);
    CHECK_STATUS(cognito_developer_client_free(client), COGNITO_STATUS_OK);
    tu_end();
}

static void test_backend_env_credentials(void) {
    tu_begin("backend: access_key_id NULL signs with AWS_ACCESS_KEY_ID / ..._SECRET_... ");
    /* main() put the test key into the environment before the library started. */
    char options[1024];
    emu_options(options, sizeof options, FAST);
    cognito_developer_client_t *client = NULL;
    CHECK_STATUS(cognito_developer_client_new(emu_unauth_pool(), options, NULL, NULL, NULL,
                                              &client),
                 COGNITO_STATUS_OK);
    dev_call_t c;
    get_token(client, "env-player", NULL, &c);
    CHECK_STATUS(c.status, COGNITO_STATUS_OK);
    CHECK(is_identity_id(c.identity_id), "identity id '%s' (%s: %s)", c.identity_id, c.err_code,
          c.err_message);
    CHECK_STATUS(cognito_developer_client_free(client), COGNITO_STATUS_OK);
    tu_end();
}

static void test_backend_bad_keys(void) {
    tu_begin("backend: bad secret / unknown key");
    emu_reset();
    cognito_developer_client_t *bad_secret =
        dev_client(TEST_KEY_ID, "emulator/SECRET/key/WRONGKEY000000000000");
    dev_call_t c;
    get_token(bad_secret, "player-1", NULL, &c);
    CHECK_STATUS(c.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(strcmp(c.err_code, "InvalidSignatureException") == 0,
          "code InvalidSignatureException (got '%s': %s)", c.err_code, c.err_message);
    CHECK(!c.err_retryable, "not retryable");
    CHECK(c.err_message[0] != '\0', "a message");
    CHECK(strstr(c.err_message, "WRONGKEY") == NULL, "the secret is not in the message");
    printf("    bad secret -> %s kind %u %s: %s\n", tu_status_name(c.status), c.err_kind,
           c.err_code, c.err_message);
    CHECK_STATUS(cognito_developer_client_free(bad_secret), COGNITO_STATUS_OK);

    cognito_developer_client_t *unknown = dev_client("AKIDNOBODYKNOWSTHIS1", TEST_SECRET);
    get_token(unknown, "player-1", NULL, &c);
    CHECK_STATUS(c.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(strcmp(c.err_code, "UnrecognizedClientException") == 0,
          "code UnrecognizedClientException (got '%s': %s)", c.err_code, c.err_message);
    CHECK(!c.err_retryable, "not retryable");
    printf("    unknown key -> %s kind %u %s: %s\n", tu_status_name(c.status), c.err_kind,
           c.err_code, c.err_message);
    CHECK_STATUS(cognito_developer_client_free(unknown), COGNITO_STATUS_OK);
    /* Each refused request reached the emulator once (not retried). */
    long n = emu_count("GetOpenIdTokenForDeveloperIdentity");
    CHECK(n == 2, "2 requests seen by the emulator (%ld)", n);
    tu_end();
}

/* A synchronous refusal: the status, a last error message, and no callback. */
static void refused(const char *what, cognito_status_t expected, cognito_status_t got,
                    dev_call_t *call) {
    char message[256];
    tu_take_last_error(message, sizeof message);
    CHECK(got == expected, "%s: expected %s, got %s (%s)", what, tu_status_name(expected),
          tu_status_name(got), message);
    CHECK(strcmp(message, "(null)") != 0, "%s: last error message set", what);
    printf("    %-52s -> %-26s %s\n", what, tu_status_name(got), message);
    (void)call;
}

/* An asynchronous failure: the call starts (OK), its callback says `expected` exactly once. */
static void async_failure_with(const char *what, cognito_developer_client_t *client,
                               const char *user, const char *options,
                               cognito_status_t expected) {
    dev_call_t c;
    tu_counter_t done;
    tu_counter_init(&done);
    dev_call_init(&c, &done);
    cognito_status_t s = cognito_developer_client_get_token(
        client, emu_unauth_pool(), DEV_PROVIDER, user, options, dev_token_cb, &c, NULL);
    CHECK(s == COGNITO_STATUS_OK, "%s: start -> %s", what, tu_status_name(s));
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(5000)), "%s: callback runs", what);
    tu_sleep_ms(20);
    CHECK(atomic_load(&c.hits) == 1, "%s: callback ran %d times", what, atomic_load(&c.hits));
    CHECK(c.status == expected && c.args_consistent, "%s: callback %s, expected %s (%s)", what,
          tu_status_name(c.status), tu_status_name(expected), c.err_message);
    printf("    %-52s -> OK, callback %s x%d: %s\n", what, tu_status_name(c.status),
           atomic_load(&c.hits), c.err_message);
    tu_counter_destroy(&done);
}

static void async_failure(const char *what, cognito_developer_client_t *client,
                          cognito_status_t expected) {
    async_failure_with(what, client, "player-1", NULL, expected);
}

static void test_backend_misuse(void) {
    tu_begin("backend: bad arguments and handles");
    emu_reset();
    char options[1024];
    emu_options(options, sizeof options, FAST);
    const char *pool = emu_unauth_pool();
    cognito_developer_client_t *sentinel = (cognito_developer_client_t *)0x5e5e;
    cognito_developer_client_t *out = sentinel;
    dev_call_t never;
    dev_call_init(&never, NULL);

    refused("client_new: identity_pool_id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_new(NULL, options, TEST_KEY_ID, TEST_SECRET, NULL, &out),
            NULL);
    refused("client_new: out_client NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_new(pool, options, TEST_KEY_ID, TEST_SECRET, NULL, NULL),
            NULL);
    refused("client_new: key id without a secret", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_new(pool, options, TEST_KEY_ID, NULL, NULL, &out), NULL);
    refused("client_new: malformed pool id", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
            cognito_developer_client_new("not-a-pool", options, TEST_KEY_ID, TEST_SECRET, NULL,
                                         &out),
            NULL);
    refused("client_new: options JSON syntax error", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
            cognito_developer_client_new(pool, "{", TEST_KEY_ID, TEST_SECRET, NULL, &out), NULL);
    refused("client_new: secret invalid UTF-8", COGNITO_STATUS_ERR_INVALID_UTF8,
            cognito_developer_client_new(pool, options, TEST_KEY_ID, "\xff\xfe", NULL, &out),
            NULL);
    CHECK(out == sentinel, "out_client untouched by every failed cognito_developer_client_new");

    cognito_developer_client_t *client = dev_client(TEST_KEY_ID, TEST_SECRET);
    const char *bad_options[] = {
        "{",                                       /* syntax */
        "[]",                                      /* not an object */
        "{\"identity\":\"x\"}",                    /* unknown key */
        "{\"token_duration_secs\":\"900\"}",       /* wrong type */
        "{\"principal_tags\":{\"team\":1}}",       /* wrong type inside */
        "{\"token_duration_secs\":-5}",            /* not a u64 */
    };
    for (size_t i = 0; i < sizeof bad_options / sizeof *bad_options; i++) {
        char what[96];
        snprintf(what, sizeof what, "get_token: options %s", bad_options[i]);
        uint64_t id = 77;
        refused(what, COGNITO_STATUS_ERR_INVALID_ARGUMENT,
                cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "p", bad_options[i],
                                                   dev_token_cb, &never, &id),
                &never);
        CHECK(id == 77, "%s: out_call_id untouched", what);
    }
    refused("get_token: callback NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "p", NULL, NULL, &never,
                                               NULL),
            &never);
    refused("get_token: developer_user_id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_get_token(client, pool, DEV_PROVIDER, NULL, NULL,
                                               dev_token_cb, &never, NULL),
            &never);
    refused("get_token: developer_provider_name NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_get_token(client, pool, NULL, "p", NULL, dev_token_cb,
                                               &never, NULL),
            &never);
    refused("get_token: identity_pool_id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
            cognito_developer_client_get_token(client, NULL, DEV_PROVIDER, "p", NULL,
                                               dev_token_cb, &never, NULL),
            &never);
    refused("get_token: developer_user_id invalid UTF-8", COGNITO_STATUS_ERR_INVALID_UTF8,
            cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "\xff", NULL,
                                               dev_token_cb, &never, NULL),
            &never);
    /* Well-formed JSON with values the service would refuse: refused before anything is sent. */
    long sent_before = emu_count("GetOpenIdTokenForDeveloperIdentity");
    refused("get_token: token_duration_secs 100000 (> 24 h)", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
            cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "p",
                                               "{\"token_duration_secs\":100000}", dev_token_cb,
                                               &never, NULL),
            &never);
    refused("get_token: options identity_id malformed", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
            cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "p",
                                               "{\"identity_id\":\"not-an-identity-id\"}",
                                               dev_token_cb, &never, NULL),
            &never);
    refused("get_token: developer_user_id empty", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
            cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "", NULL, dev_token_cb,
                                               &never, NULL),
            &never);
    CHECK(emu_count("GetOpenIdTokenForDeveloperIdentity") == sent_before,
          "nothing sent for invalid requests");

    /* Bad handles are reported through the callback, like a provider's. */
    async_failure("get_token: client NULL", NULL, COGNITO_STATUS_ERR_NULL_ARGUMENT);
    async_failure("get_token: forged client 0x1234", FORGED_CLIENT,
                  COGNITO_STATUS_ERR_INVALID_HANDLE);
    cognito_provider_t *p = emu_provider(pool, FAST);
    async_failure("get_token: a provider handle as the client",
                  (cognito_developer_client_t *)p, COGNITO_STATUS_ERR_INVALID_HANDLE);
    /* ... and the other way round. */
    size_t count = 99;
    refused("logins_count: a developer client as the provider", COGNITO_STATUS_ERR_INVALID_HANDLE,
            cognito_provider_logins_count((cognito_provider_t *)client, &count), NULL);
    refused("provider_free: a developer client as the provider",
            COGNITO_STATUS_ERR_INVALID_HANDLE, cognito_provider_free((cognito_provider_t *)client),
            NULL);
    refused("client_free: a provider handle as the client", COGNITO_STATUS_ERR_INVALID_HANDLE,
            cognito_developer_client_free((cognito_developer_client_t *)p), NULL);
    refused("client_free: forged 0x1234", COGNITO_STATUS_ERR_INVALID_HANDLE,
            cognito_developer_client_free(FORGED_CLIENT), NULL);
    /* Neither wrong-kind free freed anything. */
    CHECK_STATUS(cognito_provider_logins_count(p, &count), COGNITO_STATUS_OK);
    dev_call_t still;
    get_token(client, "player-1", NULL, &still);
    CHECK_STATUS(still.status, COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);

    /* Free: NULL is a no-op; a call in flight still completes; double free is refused. */
    CHECK_STATUS(cognito_developer_client_free(NULL), COGNITO_STATUS_OK);
    tu_counter_t done;
    tu_counter_init(&done);
    dev_call_t in_flight;
    dev_call_init(&in_flight, &done);
    CHECK_STATUS(cognito_developer_client_get_token(client, pool, DEV_PROVIDER, "player-1", NULL,
                                                    dev_token_cb, &in_flight, NULL),
                 COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_developer_client_free(client), COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(10000)), "the call in flight completes");
    tu_sleep_ms(20);
    CHECK(atomic_load(&in_flight.hits) == 1, "once (%d)", atomic_load(&in_flight.hits));
    CHECK(in_flight.status == COGNITO_STATUS_OK || in_flight.status == COGNITO_STATUS_ERR_CANCELLED,
          "freeing the client does not break a call in flight (%s: %s)",
          tu_status_name(in_flight.status), in_flight.err_message);
    printf("    call in flight when its client was freed -> %s\n",
           tu_status_name(in_flight.status));
    tu_counter_destroy(&done);
    refused("client_free: double free", COGNITO_STATUS_ERR_INVALID_HANDLE,
            cognito_developer_client_free(client), NULL);
    async_failure("get_token: freed client", client, COGNITO_STATUS_ERR_INVALID_HANDLE);

    tu_sleep_ms(50);
    CHECK(atomic_load(&never.hits) == 0, "refused calls never call back (%d)",
          atomic_load(&never.hits));
    tu_end();
}

/* ---- app side: a developer identity source answered by the backend client -------------- */

typedef struct {
    cognito_developer_client_t *backend; /* NULL: answer by hand (see `mode`) */
    const char *user;
    enum { ANSWER_BACKEND, ANSWER_ERROR, ANSWER_GARBAGE, ANSWER_WITH_TOKEN_API, ANSWER_NEVER } mode;
    tu_counter_t asks;          /* source callback invocations */
    tu_counter_t answered;      /* cognito_developer_identity_complete calls made */
    atomic_int complete_not_ok; /* ...that did not return OK */
    atomic_int second_answer_ok; /* a second answer to the same request that returned OK */
    atomic_int backend_failed;
    _Atomic uint64_t last_request;
    pthread_t callback_thread;
    char identity_id[128];      /* the backend's last answer */
} source_t;

/* One request of the source being answered by the backend (user_data of the backend call). */
typedef struct {
    source_t *source;
    uint64_t request_id;
} pending_t;

static void answer(source_t *s, uint64_t request_id, const char *id, const char *token,
                   const char *error) {
    cognito_status_t st = cognito_developer_identity_complete(request_id, id, token, error);
    if (st != COGNITO_STATUS_OK) {
        atomic_fetch_add(&s->complete_not_ok, 1);
    }
    if (cognito_developer_identity_complete(request_id, id, token, error) !=
        COGNITO_STATUS_ERR_NOT_FOUND) {
        atomic_fetch_add(&s->second_answer_ok, 1);
    }
    tu_counter_add(&s->answered, 1);
}

/* The backend's answer arrives on a library thread: hand it to the waiting provider from here. */
static void on_backend_token(void *user_data, cognito_status_t status, const char *identity_id,
                             const char *token, const cognito_error_t *error) {
    pending_t *p = user_data;
    source_t *s = p->source;
    if (status == COGNITO_STATUS_OK) {
        pthread_mutex_lock(&s->asks.mu);
        snprintf(s->identity_id, sizeof s->identity_id, "%s", identity_id);
        pthread_mutex_unlock(&s->asks.mu);
        answer(s, p->request_id, identity_id, token, NULL);
    } else {
        atomic_fetch_add(&s->backend_failed, 1);
        answer(s, p->request_id, NULL, NULL, error && error->message ? error->message : "failed");
    }
    free(p);
}

static void on_developer_request(void *user_data, uint64_t request_id) {
    source_t *s = user_data;
    s->callback_thread = pthread_self();
    atomic_store(&s->last_request, request_id);
    tu_counter_add(&s->asks, 1);
    switch (s->mode) {
    case ANSWER_BACKEND: {
        pending_t *p = malloc(sizeof *p);
        p->source = s;
        p->request_id = request_id;
        cognito_status_t st = cognito_developer_client_get_token(
            s->backend, emu_unauth_pool(), DEV_PROVIDER, s->user, NULL, on_backend_token, p, NULL);
        if (st != COGNITO_STATUS_OK) {
            free(p);
            atomic_fetch_add(&s->backend_failed, 1);
            answer(s, request_id, NULL, NULL, "could not start the backend call");
        }
        break;
    }
    case ANSWER_ERROR:
        answer(s, request_id, NULL, NULL, "player is banned");
        break;
    case ANSWER_GARBAGE:
        answer(s, request_id, "not-an-identity-id", "not.a.token", NULL);
        break;
    case ANSWER_WITH_TOKEN_API:
        if (cognito_token_request_complete(request_id, "some-token", NULL) != COGNITO_STATUS_OK) {
            atomic_fetch_add(&s->complete_not_ok, 1);
        }
        tu_counter_add(&s->answered, 1);
        break;
    case ANSWER_NEVER:
        break;
    }
}

static void source_init(source_t *s, cognito_developer_client_t *backend, const char *user,
                        int mode) {
    memset(s, 0, sizeof *s);
    s->backend = backend;
    s->user = user;
    s->mode = mode;
    tu_counter_init(&s->asks);
    tu_counter_init(&s->answered);
}

static void source_destroy(source_t *s) {
    tu_counter_destroy(&s->asks);
    tu_counter_destroy(&s->answered);
}

static cognito_provider_t *developer_provider(source_t *s) {
    cognito_provider_t *p = emu_provider(emu_unauth_pool(), FAST);
    CHECK_STATUS(cognito_provider_set_developer_identity_source(p, on_developer_request, s),
                 COGNITO_STATUS_OK);
    return p;
}

static void get_credentials(cognito_provider_t *p, tu_call_t *call) {
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_init(call, &done);
    CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, call, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(10000)), "credentials callback within 10 s");
    tu_sleep_ms(20);
    CHECK(atomic_load(&call->hits) == 1, "credentials callback ran %d times",
          atomic_load(&call->hits));
    CHECK(call->args_consistent, "credentials callback arguments consistent with its status");
    call->done = NULL;
    tu_counter_destroy(&done);
}

static void test_app_credentials(void) {
    tu_begin("app: credentials from a developer identity source fed by the backend");
    emu_reset();
    cognito_developer_client_t *backend = dev_client(TEST_KEY_ID, TEST_SECRET);
    dev_call_t reference;
    get_token(backend, "hero-42", NULL, &reference);
    CHECK_STATUS(reference.status, COGNITO_STATUS_OK);

    source_t s;
    source_init(&s, backend, "hero-42", ANSWER_BACKEND);
    cognito_provider_t *p = developer_provider(&s);
    tu_call_t cr;
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_OK);
    CHECK(strcmp(cr.identity_id, reference.identity_id) == 0,
          "credentials for the backend's identity ('%s', backend '%s') %s", cr.identity_id,
          reference.identity_id, cr.err_message);
    CHECK(strlen(cr.access_key_id) >= 16 && cr.session_token_len > 0, "credentials present");
    CHECK(tu_counter_get(&s.asks) == 1, "the source was asked once (%ld)",
          tu_counter_get(&s.asks));
    CHECK(!pthread_equal(s.callback_thread, pthread_self()), "asked on a library thread");
    CHECK(atomic_load(&s.complete_not_ok) == 0 && atomic_load(&s.second_answer_ok) == 0,
          "each answer accepted once (%d refused, %d second answers accepted)",
          atomic_load(&s.complete_not_ok), atomic_load(&s.second_answer_ok));
    CHECK(emu_count("GetId") == 0, "the provider never calls GetId (%ld)", emu_count("GetId"));
    char *cached = NULL;
    CHECK_STATUS(cognito_provider_cached_identity_id(p, &cached), COGNITO_STATUS_OK);
    CHECK(cached && strcmp(cached, reference.identity_id) == 0, "cached identity id '%s'",
          cached ? cached : "(null)");
    cognito_string_free(cached);

    /* Cached: no new question. */
    tu_call_t again;
    get_credentials(p, &again);
    CHECK_STATUS(again.status, COGNITO_STATUS_OK);
    CHECK(strcmp(again.access_key_id, cr.access_key_id) == 0, "served from the cache");
    CHECK(tu_counter_get(&s.asks) == 1, "not asked again for cached credentials (%ld)",
          tu_counter_get(&s.asks));

    /* A refresh asks the source again, every time. */
    for (int round = 2; round <= 3; round++) {
        CHECK_STATUS(cognito_provider_clear_credentials(p), COGNITO_STATUS_OK);
        tu_call_t fresh;
        get_credentials(p, &fresh);
        CHECK_STATUS(fresh.status, COGNITO_STATUS_OK);
        CHECK(strcmp(fresh.identity_id, reference.identity_id) == 0, "same identity");
        CHECK(tu_counter_get(&s.asks) == round, "asked %d times after clearing (%ld)", round,
              tu_counter_get(&s.asks));
    }
    /* Concurrent calls share one refresh (one question). */
    CHECK_STATUS(cognito_provider_clear_credentials(p), COGNITO_STATUS_OK);
    enum { CONCURRENT = 20 };
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t calls[CONCURRENT];
    for (int i = 0; i < CONCURRENT; i++) {
        tu_call_init(&calls[i], &done);
        CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, &calls[i], NULL),
                     COGNITO_STATUS_OK);
    }
    CHECK(tu_counter_wait(&done, CONCURRENT, tu_scaled_ms(10000)), "concurrent calls complete");
    tu_sleep_ms(50);
    int once = 0, ok = 0;
    for (int i = 0; i < CONCURRENT; i++) {
        once += atomic_load(&calls[i].hits) == 1;
        ok += calls[i].status == COGNITO_STATUS_OK;
    }
    printf("    exactly-once: %d concurrent get_credentials, %d once, %d OK; source asked %ld "
           "times in all\n",
           CONCURRENT, once, ok, tu_counter_get(&s.asks));
    CHECK(once == CONCURRENT && ok == CONCURRENT, "each once and OK");
    CHECK(tu_counter_get(&s.asks) == 4, "one question for %d concurrent calls (asks %ld)",
          CONCURRENT, tu_counter_get(&s.asks));
    tu_counter_destroy(&done);

    long tokens = emu_count("GetOpenIdTokenForDeveloperIdentity");
    CHECK(tokens == 1 + 4, "one backend token per question, plus the reference (%ld)", tokens);
    CHECK(emu_count("GetId") == 0, "still no GetId (%ld)", emu_count("GetId"));
    CHECK(atomic_load(&s.backend_failed) == 0, "no backend failure");
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_developer_client_free(backend), COGNITO_STATUS_OK);
    source_destroy(&s);
    tu_end();
}

static void test_app_identity_id(void) {
    tu_begin("app: get_identity_id asks the source, not GetId");
    emu_reset();
    cognito_developer_client_t *backend = dev_client(TEST_KEY_ID, TEST_SECRET);
    source_t s;
    source_init(&s, backend, "hero-7", ANSWER_BACKEND);
    cognito_provider_t *p = developer_provider(&s);
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t id;
    tu_call_init(&id, &done);
    CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, &id, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 1, tu_scaled_ms(10000)), "identity callback");
    tu_sleep_ms(20);
    CHECK(atomic_load(&id.hits) == 1, "once (%d)", atomic_load(&id.hits));
    CHECK_STATUS(id.status, COGNITO_STATUS_OK);
    pthread_mutex_lock(&s.asks.mu);
    CHECK(strcmp(id.identity_id, s.identity_id) == 0, "the backend's identity ('%s', '%s')",
          id.identity_id, s.identity_id);
    pthread_mutex_unlock(&s.asks.mu);
    CHECK(tu_counter_get(&s.asks) == 1, "asked once (%ld)", tu_counter_get(&s.asks));
    CHECK(emu_count("GetId") == 0, "no GetId (%ld)", emu_count("GetId"));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_developer_client_free(backend), COGNITO_STATUS_OK);
    source_destroy(&s);
    tu_counter_destroy(&done);
    tu_end();
}

static void test_app_source_errors(void) {
    tu_begin("app: the source answers with an error, garbage, or the wrong API");
    emu_reset();
    source_t s;
    tu_call_t cr;

    source_init(&s, NULL, NULL, ANSWER_ERROR);
    cognito_provider_t *p = developer_provider(&s);
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(strstr(cr.err_message, "player is banned") != NULL, "the host's message: '%s'",
          cr.err_message);
    printf("    error answer -> %s kind %u %s: %s\n", tu_status_name(cr.status), cr.err_kind,
           cr.err_code, cr.err_message);
    CHECK(atomic_load(&s.complete_not_ok) == 0, "the error answer was accepted");
    /* It asks again on the next call (errors are not cached). */
    tu_call_t cr2;
    get_credentials(p, &cr2);
    CHECK_STATUS(cr2.status, COGNITO_STATUS_ERR_FAILED);
    CHECK(tu_counter_get(&s.asks) == 2, "asked again after a failure (%ld)",
          tu_counter_get(&s.asks));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    source_destroy(&s);

    source_init(&s, NULL, NULL, ANSWER_GARBAGE);
    p = developer_provider(&s);
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_ERR_FAILED);
    printf("    malformed identity id -> %s kind %u: %s\n", tu_status_name(cr.status),
           cr.err_kind, cr.err_message);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    source_destroy(&s);

    source_init(&s, NULL, NULL, ANSWER_WITH_TOKEN_API);
    p = developer_provider(&s);
    get_credentials(p, &cr);
    CHECK_STATUS(cr.status, COGNITO_STATUS_ERR_FAILED);
    printf("    answered with cognito_token_request_complete -> %s: %s\n",
           tu_status_name(cr.status), cr.err_message);
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    source_destroy(&s);

    CHECK(emu_count("GetId") == 0 && emu_count("GetCredentialsForIdentity") == 0,
          "nothing sent for failed answers (GetId %ld, GetCredentialsForIdentity %ld)",
          emu_count("GetId"), emu_count("GetCredentialsForIdentity"));

    /* Unknown request ids. */
    CHECK_STATUS(cognito_developer_identity_complete(987654321, "us-east-1:x", "t", NULL),
                 COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK_STATUS(cognito_developer_identity_complete(987654321, NULL, NULL, NULL),
                 COGNITO_STATUS_ERR_NOT_FOUND);
    CHECK_STATUS(cognito_developer_identity_complete(0, NULL, NULL, "nobody asked"),
                 COGNITO_STATUS_ERR_NOT_FOUND);
    char message[256];
    tu_take_last_error(message, sizeof message);
    CHECK(strcmp(message, "(null)") != 0, "last error message set: %s", message);
    CHECK_STATUS(cognito_developer_identity_complete(1, "\xff\xfe", "t", NULL),
                 COGNITO_STATUS_ERR_INVALID_UTF8);
    /* NULL callback is refused. */
    cognito_provider_t *q = emu_provider(emu_unauth_pool(), FAST);
    CHECK_STATUS(cognito_provider_set_developer_identity_source(q, NULL, NULL),
                 COGNITO_STATUS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(cognito_provider_set_developer_identity_source(
                     (cognito_provider_t *)FORGED_CLIENT, on_developer_request, NULL),
                 COGNITO_STATUS_ERR_INVALID_HANDLE);
    CHECK_STATUS(cognito_provider_free(q), COGNITO_STATUS_OK);
    tu_end();
}

static void test_free_while_pending(void) {
    tu_begin("app: free the provider while a developer request is pending");
    emu_reset();
    source_t s;
    source_init(&s, NULL, NULL, ANSWER_NEVER);
    cognito_provider_t *p = developer_provider(&s);
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t cr, id;
    tu_call_init(&cr, &done);
    tu_call_init(&id, &done);
    CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, &cr, NULL),
                 COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, &id, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&s.asks, 1, tu_scaled_ms(5000)), "the source was asked");
    tu_sleep_ms(100);
    CHECK(tu_counter_get(&done) == 0, "nothing completed while the host has not answered");
    long asks_at_free = tu_counter_get(&s.asks);
    uint64_t pending = atomic_load(&s.last_request);
    int64_t t0 = tu_now_ms();
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&done, 2, tu_scaled_ms(1000)), "both calls complete within 1 s");
    printf("    completions %lld ms after the free\n", (long long)(tu_now_ms() - t0));
    tu_sleep_ms(200);
    CHECK(atomic_load(&cr.hits) == 1 && atomic_load(&id.hits) == 1,
          "each exactly once (%d, %d)", atomic_load(&cr.hits), atomic_load(&id.hits));
    CHECK_STATUS(cr.status, COGNITO_STATUS_ERR_CANCELLED);
    CHECK_STATUS(id.status, COGNITO_STATUS_ERR_CANCELLED);
    CHECK(cr.args_consistent && cr.err_kind == 55 && id.args_consistent && id.err_kind == 55,
          "CANCELLED with kind 55 (%u, %u)", cr.err_kind, id.err_kind);
    printf("    exactly-once: get_credentials x%d %s, get_identity_id x%d %s\n",
           atomic_load(&cr.hits), tu_status_name(cr.status), atomic_load(&id.hits),
           tu_status_name(id.status));
    /* The host answers late: refused, nothing crashes, nothing is called back. */
    cognito_status_t late = cognito_developer_identity_complete(
        pending, "us-east-1:00000000-0000-4000-8000-0000000000aa", "late.token.x", NULL);
    CHECK(late == COGNITO_STATUS_ERR_NOT_FOUND,
          "a late answer after the free -> %s (expected ERR_NOT_FOUND)", tu_status_name(late));
    printf("    late cognito_developer_identity_complete -> %s\n", tu_status_name(late));
    tu_sleep_ms(100);
    CHECK(atomic_load(&cr.hits) == 1 && atomic_load(&id.hits) == 1, "still once each");
    CHECK(tu_counter_get(&s.asks) == asks_at_free, "the source is not asked after the free");
    CHECK(emu_count("GetCredentialsForIdentity") == 0, "nothing sent after the late answer");
    tu_counter_destroy(&done);
    source_destroy(&s);
    tu_end();
}

static void test_shutdown_while_pending(void) {
    tu_begin("app: cognito_shutdown while a developer request is pending");
    source_t s;
    source_init(&s, NULL, NULL, ANSWER_NEVER);
    cognito_provider_t *p = developer_provider(&s);
    tu_counter_t done;
    tu_counter_init(&done);
    tu_call_t cr;
    tu_call_init(&cr, &done);
    CHECK_STATUS(cognito_provider_get_credentials(p, tu_credentials_cb, &cr, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&s.asks, 1, tu_scaled_ms(5000)), "the source was asked");
    uint64_t pending = atomic_load(&s.last_request);
    int64_t t0 = tu_now_ms();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    long at_return = tu_counter_get(&done);
    printf("    cognito_shutdown took %lld ms; %ld of 1 completion when it returned\n",
           (long long)(tu_now_ms() - t0), at_return);
    CHECK(at_return == 1, "the pending call completed by the time shutdown returned");
    tu_sleep_ms(100);
    CHECK(atomic_load(&cr.hits) == 1, "once (%d)", atomic_load(&cr.hits));
    CHECK_STATUS(cr.status, COGNITO_STATUS_ERR_CANCELLED);
    cognito_status_t late = cognito_developer_identity_complete(
        pending, "us-east-1:00000000-0000-4000-8000-0000000000aa", "late.token.x", NULL);
    CHECK(late == COGNITO_STATUS_ERR_NOT_FOUND, "a late answer after shutdown -> %s",
          tu_status_name(late));
    /* The library starts again; the developer client works after it. */
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    cognito_developer_client_t *backend = dev_client(TEST_KEY_ID, TEST_SECRET);
    dev_call_t c;
    get_token(backend, "after-restart", NULL, &c);
    CHECK_STATUS(c.status, COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_developer_client_free(backend), COGNITO_STATUS_OK);
    tu_counter_destroy(&done);
    source_destroy(&s);
    tu_end();
}

int main(void) {
    emu_setup();
    /* For the access_key_id == NULL case; set before any library thread exists. */
    setenv("AWS_ACCESS_KEY_ID", TEST_KEY_ID, 1);
    setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET, 1);
    unsetenv("AWS_SESSION_TOKEN");
    printf("cognito-native %s, emulator %s\n", cognito_version(), emu_url());
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    test_backend_tokens();
    test_backend_env_credentials();
    test_backend_bad_keys();
    test_backend_misuse();
    test_app_credentials();
    test_app_identity_id();
    test_app_source_errors();
    test_free_while_pending();
    test_shutdown_while_pending();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    return tu_finish("test_developer");
}
