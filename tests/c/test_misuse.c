/* Every misuse of the C ABI we could think of: each row calls one function wrongly, checks the
 * status (and that the last error message is set on failure, outputs untouched), and prints a
 * table row: function | misuse | expected | got | cognito_last_error_message.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define BAD_UTF8 "\xff\xfe"
#define FORGED ((cognito_provider_t *)0x1234)
#define FB "graph.facebook.com"

static int rows, mismatches;

static void print_row(const char *fn, const char *misuse, const char *expected, const char *got,
                      bool ok, const char *message) {
    printf("| %-46s | %-44s | %-26s | %-30s | %.70s%s\n", fn, misuse, expected, got, message,
           ok ? "" : "  <-- MISMATCH");
    rows++;
    if (!ok) {
        mismatches++;
    }
}

/* A synchronous call's row: the status, and the last error message (set iff it failed). */
static void row(const char *fn, const char *misuse, cognito_status_t expected,
                cognito_status_t got) {
    char message[256];
    tu_take_last_error(message, sizeof message);
    bool has_message = strcmp(message, "(null)") != 0;
    bool ok = got == expected && (got == COGNITO_STATUS_OK || has_message);
    CHECK(ok, "%s with %s: expected %s, got %s (message: %s)", fn, misuse,
          tu_status_name(expected), tu_status_name(got), message);
    print_row(fn, misuse, tu_status_name(expected), tu_status_name(got), ok,
              got == COGNITO_STATUS_OK ? "" : message);
}

#define ROW(fn, misuse, expected, call) row(fn, misuse, expected, (call))

/* An asynchronous call's row: it returns OK and its callback reports `expected_cb` once. */
static void async_row(const char *fn, const char *misuse, cognito_status_t expected_return,
                      cognito_status_t expected_cb, cognito_status_t got, tu_call_t *call,
                      tu_counter_t *done, long target) {
    char message[512];
    tu_take_last_error(message, sizeof message);
    char expected[64], got_text[96];
    bool ok = got == expected_return;
    if (got == COGNITO_STATUS_OK) {
        bool completed = tu_counter_wait(done, target, tu_scaled_ms(5000));
        tu_sleep_ms(20);
        ok = ok && completed && atomic_load(&call->hits) == 1 && call->status == expected_cb &&
             call->args_consistent;
        snprintf(expected, sizeof expected, "OK, cb %s", tu_status_name(expected_cb));
        snprintf(got_text, sizeof got_text, "OK, cb %s x%d", tu_status_name(call->status),
                 atomic_load(&call->hits));
        snprintf(message, sizeof message, "(callback) kind %u %s: %s", call->err_kind,
                 call->err_code, call->err_message);
    } else {
        tu_sleep_ms(20);
        ok = ok && atomic_load(&call->hits) == 0;
        snprintf(expected, sizeof expected, "%s", tu_status_name(expected_return));
        snprintf(got_text, sizeof got_text, "%s%s", tu_status_name(got),
                 atomic_load(&call->hits) ? " (cb called!)" : "");
    }
    CHECK(ok, "%s with %s: expected %s, got %s", fn, misuse, expected, got_text);
    print_row(fn, misuse, expected, got_text, ok, message);
}

static void void_row(const char *fn, const char *misuse) {
    print_row(fn, misuse, "(void) no crash", "(void) no crash", true, "");
}

static void dummy_token_cb(void *user_data, const char *provider_name, uint64_t request_id) {
    (void)user_data;
    (void)provider_name;
    (void)request_id;
}

/* ---- store callbacks handing out bad data ---- */

static size_t load_garbage(void *user_data, const char *pool_id, char *buffer, size_t capacity) {
    (void)user_data;
    (void)pool_id;
    snprintf(buffer, capacity, "not an identity id");
    return strlen("not an identity id");
}

static size_t load_too_long(void *user_data, const char *pool_id, char *buffer, size_t capacity) {
    (void)user_data;
    (void)pool_id;
    memset(buffer, 'x', capacity);
    return capacity + 1000; /* claims more than fits */
}

/* ---- callbacks that call back into the library ---- */

typedef struct {
    tu_counter_t done;
    cognito_status_t shutdown_status;
    char message[256];
} inside_t;

static void shutdown_from_callback(void *user_data, cognito_status_t status, const char *id,
                                   const cognito_error_t *error) {
    (void)status;
    (void)id;
    (void)error;
    inside_t *in = user_data;
    in->shutdown_status = cognito_shutdown();
    tu_take_last_error(in->message, sizeof in->message);
    tu_counter_add(&in->done, 1);
}

typedef struct {
    tu_counter_t done;
    cognito_provider_t *provider;
    cognito_status_t free_status;
} free_inside_t;

static void free_from_changed(void *user_data, const char *old_id, const char *new_id) {
    (void)old_id;
    (void)new_id;
    free_inside_t *f = user_data;
    f->free_status = cognito_provider_free(f->provider);
    tu_counter_add(&f->done, 1);
}

static void dummy_sign_in_cb(void *user_data, cognito_status_t status, const cognito_sign_in_t *r,
                             const cognito_error_t *error) {
    (void)user_data, (void)status, (void)r, (void)error;
}

static void test_misuse_table(void) {
    tu_begin("misuse table");
    char options[1024];
    emu_options(options, sizeof options, "\"max_attempts\":1");
    const char *pool = emu_unauth_pool();
    cognito_provider_t *sentinel = (cognito_provider_t *)0x5e5e;
    cognito_provider_t *out = sentinel;

    printf("| %-46s | %-44s | %-26s | %-30s | %s\n", "function", "misuse", "expected", "got",
           "cognito_last_error_message (or the callback's error)");
    char dashes[65];
    memset(dashes, '-', 64);
    dashes[64] = '\0';
    printf("|%.48s|%.46s|%.28s|%.32s|%.40s\n", dashes, dashes, dashes, dashes, dashes);

    /* Creating providers. */
    ROW("cognito_provider_new", "identity_pool_id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_new(NULL, options, &out));
    ROW("cognito_provider_new", "out_provider NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_new(pool, options, NULL));
    ROW("cognito_provider_new", "identity_pool_id invalid UTF-8", COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_provider_new(BAD_UTF8, options, &out));
    ROW("cognito_provider_new", "options_json invalid UTF-8", COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_provider_new(pool, BAD_UTF8, &out));
    ROW("cognito_provider_new", "malformed pool id \"not-a-pool-id\"",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT, cognito_provider_new("not-a-pool-id", options, &out));
    ROW("cognito_provider_new", "malformed pool id \"us-east-1:not-hex\"",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new("us-east-1:not-hex", options, &out));
    ROW("cognito_provider_new", "empty pool id", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new("", options, &out));
    ROW("cognito_provider_new", "options JSON syntax error \"{\"",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT, cognito_provider_new(pool, "{", &out));
    ROW("cognito_provider_new", "options JSON not an object \"[]\"",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT, cognito_provider_new(pool, "[]", &out));
    ROW("cognito_provider_new", "options unknown key {\"regoin\":..}",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new(pool, "{\"regoin\":\"us-east-1\"}", &out));
    ROW("cognito_provider_new", "options wrong type {\"max_attempts\":\"3\"}",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new(pool, "{\"max_attempts\":\"3\"}", &out));
    ROW("cognito_provider_new", "options wrong type {\"use_fips\":1}",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT, cognito_provider_new(pool, "{\"use_fips\":1}", &out));
    /* A loopback http URL whatever the emulator's scheme (nothing connects to it). */
    const char *http_only = "{\"endpoint\":\"http://127.0.0.1:9\",\"use_environment\":false}";
    ROW("cognito_provider_new", "http endpoint w/o allow_http_loopback",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT, cognito_provider_new(pool, http_only, &out));
    ROW("cognito_provider_new", "http non-loopback endpoint, loopback allowed",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new(pool,
                             "{\"endpoint\":\"http://example.com\",\"allow_http_loopback\":true}",
                             &out));
    ROW("cognito_provider_new", "ca_bundle_file that does not exist",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new(pool, "{\"ca_bundle_file\":\"/nonexistent/ca.pem\"}", &out));
    ROW("cognito_provider_new", "ca_bundle_file /dev/zero (endless)",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new(pool, "{\"ca_bundle_file\":\"/dev/zero\"}", &out));
    ROW("cognito_provider_new", "region \"Mars 1\"", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new(pool, "{\"region\":\"Mars 1\"}", &out));
    CHECK(out == sentinel, "out_provider untouched by every failed cognito_provider_new");
    ROW("cognito_provider_new_with_store", "out_provider NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_new_with_store(pool, options, NULL, NULL, NULL, NULL, NULL));
    ROW("cognito_provider_new_with_store", "pool id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_new_with_store(NULL, options, NULL, NULL, NULL, NULL, &out));

    cognito_provider_t *p = NULL;
    char *str = NULL;
    ROW("cognito_provider_new_with_store", "load returns an invalid id", COGNITO_STATUS_OK,
        cognito_provider_new_with_store(pool, options, load_garbage, NULL, NULL, NULL, &p));
    ROW("cognito_provider_cached_identity_id", "  ...after that load: id ignored",
        COGNITO_STATUS_ERR_NOT_FOUND, cognito_provider_cached_identity_id(p, &str));
    cognito_provider_free(p);
    ROW("cognito_provider_new_with_store", "load returns length > capacity", COGNITO_STATUS_OK,
        cognito_provider_new_with_store(pool, options, load_too_long, NULL, NULL, NULL, &p));
    ROW("cognito_provider_cached_identity_id", "  ...after that load: id ignored",
        COGNITO_STATUS_ERR_NOT_FOUND, cognito_provider_cached_identity_id(p, &str));
    cognito_provider_free(p);

    /* Logins. */
    p = emu_provider(pool, "\"max_attempts\":1");
    size_t big = 2 * 1024 * 1024;
    char *huge = malloc(big + 1);
    memset(huge, 'a', big);
    huge[50001] = '\0';
    ROW("cognito_provider_add_login", "provider NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_add_login(NULL, FB, "t"));
    ROW("cognito_provider_add_login", "provider_name NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_add_login(p, NULL, "t"));
    ROW("cognito_provider_add_login", "token NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_add_login(p, FB, NULL));
    ROW("cognito_provider_add_login", "provider_name invalid UTF-8",
        COGNITO_STATUS_ERR_INVALID_UTF8, cognito_provider_add_login(p, BAD_UTF8, "t"));
    ROW("cognito_provider_add_login", "token invalid UTF-8", COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_provider_add_login(p, FB, BAD_UTF8));
    ROW("cognito_provider_add_login", "token of 50,001 chars", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_add_login(p, FB, huge));
    huge[50001] = 'a';
    huge[big] = '\0';
    ROW("cognito_provider_add_login", "token of 2 MiB", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_add_login(p, FB, huge));
    huge[50000] = '\0';
    ROW("cognito_provider_add_login", "token of 50,000 chars (the limit)", COGNITO_STATUS_OK,
        cognito_provider_add_login(p, FB, huge));
    free(huge);
    ROW("cognito_provider_add_login", "empty token", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_add_login(p, FB, ""));
    ROW("cognito_provider_add_login", "empty provider_name", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_add_login(p, "", "t"));
    ROW("cognito_provider_add_login", "provider_name of 129 chars",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_add_login(p, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
                                      "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
                                   "t"));
    ROW("cognito_provider_add_login", "provider_name with a control char",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT, cognito_provider_add_login(p, "a\tb", "t"));
    bool all_ok = true;
    for (int i = 1; i < 10; i++) { /* FB + 9 more = 10 logins */
        char name[32];
        snprintf(name, sizeof name, "provider%d.example.com", i);
        all_ok = all_ok && cognito_provider_add_login(p, name, "t") == COGNITO_STATUS_OK;
    }
    CHECK(all_ok, "10 logins accepted");
    ROW("cognito_provider_add_login", "11th login", COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_add_login(p, "eleventh.example.com", "t"));
    ROW("cognito_provider_add_login", "replace one of 10 logins", COGNITO_STATUS_OK,
        cognito_provider_add_login(p, FB, "t2"));
    ROW("cognito_provider_set_logins_provider", "11th login (a logins provider)",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_set_logins_provider(p, "eleventh.example.com",
                                             dummy_token_cb, NULL));
    ROW("cognito_provider_add_login", "forged handle 0x1234", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_add_login(FORGED, FB, "t"));
    ROW("cognito_provider_remove_login", "provider_name NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_remove_login(p, NULL));
    ROW("cognito_provider_remove_login", "name with no login", COGNITO_STATUS_ERR_NOT_FOUND,
        cognito_provider_remove_login(p, "nobody.example.com"));
    bool contains = true;
    ROW("cognito_provider_contains_login", "out_contains NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_contains_login(p, FB, NULL));
    ROW("cognito_provider_contains_login", "provider_name invalid UTF-8",
        COGNITO_STATUS_ERR_INVALID_UTF8, cognito_provider_contains_login(p, BAD_UTF8, &contains));
    ROW("cognito_provider_logins_count", "provider NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_logins_count(NULL, &big));
    ROW("cognito_provider_logins_count", "out_count NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_logins_count(p, NULL));
    ROW("cognito_provider_logins_list", "out_names NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_logins_list(p, NULL));
    ROW("cognito_provider_set_logins_provider", "callback NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_set_logins_provider(p, FB, NULL, NULL));
    ROW("cognito_provider_set_logins_provider", "provider_name NULL",
        COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_set_logins_provider(p, NULL,
                                             dummy_token_cb, NULL));
    ROW("cognito_provider_set_identity_changed_callback", "forged handle",
        COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_set_identity_changed_callback(FORGED, NULL, NULL));
    ROW("cognito_provider_clear", "provider NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_clear(NULL));
    ROW("cognito_provider_clear_credentials", "forged handle", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_clear_credentials(FORGED));
    ROW("cognito_provider_clear_identity_cache", "forged handle",
        COGNITO_STATUS_ERR_INVALID_HANDLE, cognito_provider_clear_identity_cache(FORGED));
    cognito_provider_free(p);

    /* Cached reads. */
    p = emu_provider(pool, "\"max_attempts\":1");
    char *s = (char *)"sentinel";
    cognito_credentials_t *c = (cognito_credentials_t *)sentinel;
    ROW("cognito_provider_cached_identity_id", "out_identity_id NULL",
        COGNITO_STATUS_ERR_NULL_ARGUMENT, cognito_provider_cached_identity_id(p, NULL));
    ROW("cognito_provider_cached_identity_id", "nothing cached yet", COGNITO_STATUS_ERR_NOT_FOUND,
        cognito_provider_cached_identity_id(p, &s));
    ROW("cognito_provider_cached_identity_id", "forged handle", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_cached_identity_id(FORGED, &s));
    ROW("cognito_provider_cached_credentials", "out_credentials NULL",
        COGNITO_STATUS_ERR_NULL_ARGUMENT, cognito_provider_cached_credentials(p, NULL));
    ROW("cognito_provider_cached_credentials", "nothing cached yet", COGNITO_STATUS_ERR_NOT_FOUND,
        cognito_provider_cached_credentials(p, &c));
    CHECK(strcmp(s, "sentinel") == 0 && c == (cognito_credentials_t *)sentinel,
          "outputs untouched on failure");

    /* Asynchronous calls. */
    tu_counter_t done;
    tu_counter_init(&done);
    long n = 0;
    tu_call_t call;
    uint64_t call_id = 0;
#define ASYNC(fn, misuse, ret, cb_status, expr)                                                  \
    do {                                                                                        \
        tu_call_init(&call, &done);                                                             \
        cognito_status_t got_ = (expr);                                                         \
        if (got_ == COGNITO_STATUS_OK) {                                                        \
            n++;                                                                                \
        }                                                                                       \
        async_row(fn, misuse, ret, cb_status, got_, &call, &done, n);                           \
    } while (0)
    ASYNC("cognito_provider_get_identity_id", "callback NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT, 0,
          cognito_provider_get_identity_id(p, NULL, &call, &call_id));
    ASYNC("cognito_provider_get_credentials", "callback NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT, 0,
          cognito_provider_get_credentials(p, NULL, &call, &call_id));
    ASYNC("cognito_provider_get_identity_id", "provider NULL", COGNITO_STATUS_OK,
          COGNITO_STATUS_ERR_NULL_ARGUMENT,
          cognito_provider_get_identity_id(NULL, tu_identity_cb, &call, &call_id));
    ASYNC("cognito_provider_get_identity_id", "forged handle 0x1234", COGNITO_STATUS_OK,
          COGNITO_STATUS_ERR_INVALID_HANDLE,
          cognito_provider_get_identity_id(FORGED, tu_identity_cb, &call, &call_id));
    ASYNC("cognito_provider_get_credentials", "forged handle 0x1234", COGNITO_STATUS_OK,
          COGNITO_STATUS_ERR_INVALID_HANDLE,
          cognito_provider_get_credentials(FORGED, tu_credentials_cb, &call, NULL));
    ASYNC("cognito_provider_get_identity_id", "out_call_id NULL (allowed)", COGNITO_STATUS_OK,
          COGNITO_STATUS_OK, cognito_provider_get_identity_id(p, tu_identity_cb, &call, NULL));
    CHECK_STATUS(cognito_provider_free(p), COGNITO_STATUS_OK);
    ROW("cognito_provider_logins_count", "freed handle", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_logins_count(p, &big));
    ROW("cognito_provider_add_login", "freed handle", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_add_login(p, FB, "t"));
    ASYNC("cognito_provider_get_identity_id", "freed handle", COGNITO_STATUS_OK,
          COGNITO_STATUS_ERR_INVALID_HANDLE,
          cognito_provider_get_identity_id(p, tu_identity_cb, &call, &call_id));
    ASYNC("cognito_provider_get_credentials", "freed handle", COGNITO_STATUS_OK,
          COGNITO_STATUS_ERR_INVALID_HANDLE,
          cognito_provider_get_credentials(p, tu_credentials_cb, &call, &call_id));
    ROW("cognito_cancel", "id of a call that completed", COGNITO_STATUS_ERR_NOT_FOUND,
        cognito_cancel(call_id));
    tu_counter_destroy(&done);

    /* Freeing. */
    ROW("cognito_provider_free", "NULL (no-op)", COGNITO_STATUS_OK, cognito_provider_free(NULL));
    ROW("cognito_provider_free", "forged handle 0x1234", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_free(FORGED));
    ROW("cognito_provider_free", "freed handle (double free)", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_free(p));
    ROW("cognito_provider_free", "(cognito_provider_t*)-1", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_free((cognito_provider_t *)(intptr_t)-1));
    cognito_string_free(NULL);
    void_row("cognito_string_free", "NULL");
    cognito_credentials_free(NULL);
    void_row("cognito_credentials_free", "NULL");

    /* Token requests, cancel, helpers. */
    ROW("cognito_token_request_complete", "unknown request id", COGNITO_STATUS_ERR_NOT_FOUND,
        cognito_token_request_complete(987654321, "t", NULL));
    ROW("cognito_token_request_complete", "unknown id, token and message NULL",
        COGNITO_STATUS_ERR_NOT_FOUND, cognito_token_request_complete(987654321, NULL, NULL));
    ROW("cognito_token_request_complete", "token invalid UTF-8", COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_token_request_complete(987654321, BAD_UTF8, NULL));
    ROW("cognito_cancel", "unknown call id", COGNITO_STATUS_ERR_NOT_FOUND,
        cognito_cancel(0xdeadbeefULL));
    ROW("cognito_cancel", "call id 0", COGNITO_STATUS_ERR_NOT_FOUND, cognito_cancel(0));
    ROW("cognito_user_pool_provider_name", "user_pool_id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_user_pool_provider_name(NULL, NULL, &s));
    ROW("cognito_user_pool_provider_name", "out_name NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_user_pool_provider_name(NULL, "us-east-1_Test", NULL));
    ROW("cognito_user_pool_provider_name", "region \"not a region!\"",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_user_pool_provider_name("not a region!", "us-east-1_Test", &s));
    ROW("cognito_user_pool_provider_name", "user_pool_id invalid UTF-8",
        COGNITO_STATUS_ERR_INVALID_UTF8, cognito_user_pool_provider_name(NULL, BAD_UTF8, &s));
    CHECK(strcmp(s, "sentinel") == 0, "out_name untouched on failure");

    /* Host-kept stores, prefetch, user pools kept by the host, resumed, their attributes. */
    cognito_store_t no_callbacks = {NULL, NULL, NULL, NULL};
    cognito_provider_t *stores_out = sentinel;
    ROW("cognito_provider_new_with_stores", "identity_pool_id NULL",
        COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_new_with_stores(NULL, options, NULL, NULL, &stores_out));
    ROW("cognito_provider_new_with_stores", "out_provider NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_new_with_stores(pool, options, &no_callbacks, NULL, NULL));
    ROW("cognito_provider_new_with_stores", "options invalid UTF-8",
        COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_provider_new_with_stores(pool, BAD_UTF8, NULL, &no_callbacks, &stores_out));
    ROW("cognito_provider_new_with_stores", "persist_credentials without a store",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_provider_new_with_stores(pool, "{\"persist_credentials\":true}", NULL, NULL,
                                         &stores_out));
    CHECK(stores_out == sentinel, "out_provider untouched by every failed call");
    ROW("cognito_provider_new_with_stores", "stores without callbacks", COGNITO_STATUS_OK,
        cognito_provider_new_with_stores(pool, options, &no_callbacks, &no_callbacks,
                                         &stores_out));
    ROW("cognito_provider_free", "the provider with stores without callbacks", COGNITO_STATUS_OK,
        cognito_provider_free(stores_out));
    ROW("cognito_provider_prefetch", "forged handle 0x1234", COGNITO_STATUS_ERR_INVALID_HANDLE,
        cognito_provider_prefetch(FORGED));
    ROW("cognito_provider_prefetch", "NULL handle", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_provider_prefetch(NULL));
    cognito_user_pool_t *up = (cognito_user_pool_t *)0x5e5e;
    const char *client = "emulatorpublicclient00001";
    ROW("cognito_user_pool_new_with_store", "user_pool_id NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_user_pool_new_with_store(NULL, client, NULL, &no_callbacks, &up));
    ROW("cognito_user_pool_new_with_store", "malformed user pool id \"not-a-pool\"",
        COGNITO_STATUS_ERR_INVALID_ARGUMENT,
        cognito_user_pool_new_with_store("not-a-pool", client, NULL, &no_callbacks, &up));
    ROW("cognito_user_pool_new_with_store", "client_id invalid UTF-8",
        COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_user_pool_new_with_store("us-east-1_EmuPool1", BAD_UTF8, NULL, NULL, &up));
    CHECK(up == (cognito_user_pool_t *)0x5e5e, "out_pool untouched by every failed call");
    ROW("cognito_user_pool_resume", "callback NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_user_pool_resume((cognito_user_pool_t *)FORGED, "u", "t", NULL, NULL, NULL, NULL));
    ROW("cognito_user_pool_resume", "refresh_token invalid UTF-8",
        COGNITO_STATUS_ERR_INVALID_UTF8,
        cognito_user_pool_resume((cognito_user_pool_t *)FORGED, "u", BAD_UTF8, NULL,
                                 dummy_sign_in_cb, NULL, NULL));
    ROW("cognito_user_session_attributes", "callback NULL", COGNITO_STATUS_ERR_NULL_ARGUMENT,
        cognito_user_session_attributes((cognito_user_session_t *)FORGED, NULL, NULL, NULL));
    ROW("cognito_set_log_sink", "NULL callback (removes the sink)", COGNITO_STATUS_OK,
        cognito_set_log_sink(NULL, NULL, 3));
    char *none = cognito_last_error_message();
    CHECK(none == NULL, "cognito_last_error_message is NULL when nothing failed since");
    print_row("cognito_last_error_message", "nothing failed since the last read", "NULL",
              none ? "non-NULL" : "NULL", none == NULL, "");
    cognito_string_free(none);

    /* Calling back into the library from a callback. */
    p = emu_provider(pool, "\"max_attempts\":1");
    inside_t in;
    tu_counter_init(&in.done);
    in.shutdown_status = -1;
    CHECK_STATUS(cognito_provider_get_identity_id(p, shutdown_from_callback, &in, NULL),
                 COGNITO_STATUS_OK);
    CHECK(tu_counter_wait(&in.done, 1, tu_scaled_ms(5000)), "callback ran");
    bool ok = in.shutdown_status == COGNITO_STATUS_ERR_WRONG_THREAD;
    CHECK(ok, "cognito_shutdown inside a callback -> %s", tu_status_name(in.shutdown_status));
    print_row("cognito_shutdown", "called from a library callback",
              tu_status_name(COGNITO_STATUS_ERR_WRONG_THREAD), tu_status_name(in.shutdown_status),
              ok, in.message);
    tu_counter_destroy(&in.done);

    free_inside_t f;
    tu_counter_init(&f.done);
    f.provider = p;
    f.free_status = -1;
    CHECK_STATUS(cognito_provider_set_identity_changed_callback(p, free_from_changed, &f),
                 COGNITO_STATUS_OK);
    CHECK_STATUS(cognito_provider_clear_identity_cache(p), COGNITO_STATUS_OK);
    tu_counter_t done2;
    tu_counter_init(&done2);
    tu_call_init(&call, &done2);
    CHECK_STATUS(cognito_provider_get_identity_id(p, tu_identity_cb, &call, NULL),
                 COGNITO_STATUS_OK);
    bool ran = tu_counter_wait(&f.done, 1, tu_scaled_ms(5000));
    CHECK(tu_counter_wait(&done2, 1, tu_scaled_ms(5000)), "the call completed");
    ok = ran && f.free_status == COGNITO_STATUS_OK;
    CHECK(ok, "free inside its identity-changed callback -> %s", tu_status_name(f.free_status));
    print_row("cognito_provider_free", "from the provider's own identity-changed cb",
              tu_status_name(COGNITO_STATUS_OK), ran ? tu_status_name(f.free_status) : "(no cb)",
              ok, "");
    tu_counter_destroy(&f.done);
    tu_counter_destroy(&done2);

    printf("misuse table: %d rows, %d mismatches\n", rows, mismatches);
    tu_end();
}

/* A synchronous failure's kind comes through the ABI (cognito_last_error_kind), not only as text:
 * an Error's kind when one caused it, NONE when the status says it all; reading the message clears
 * both. */
static void test_sync_failure_kinds(void) {
    tu_begin("synchronous failure kinds");
    char options[1024];
    emu_options(options, sizeof options, "\"max_attempts\":1");
    const char *pool = emu_unauth_pool();
    cognito_provider_t *out = NULL;
    CHECK(cognito_last_error_kind() == COGNITO_ERROR_KIND_NONE, "no kind before any failure");

    CHECK_STATUS(cognito_provider_new(pool, "{\"regoin\":\"eu-west-1\"}", &out),
                 COGNITO_STATUS_ERR_INVALID_ARGUMENT);
    CHECK(cognito_last_error_kind() == COGNITO_ERROR_KIND_INVALID_INPUT,
          "unknown option key -> INVALID_INPUT, got %u", (unsigned)cognito_last_error_kind());
    CHECK(cognito_last_error_kind() == COGNITO_ERROR_KIND_INVALID_INPUT, "reading the kind keeps it");
    char *m = cognito_last_error_message();
    CHECK(m != NULL && strstr(m, "regoin") != NULL, "the message names the key: %s", m ? m : "NULL");
    cognito_string_free(m);
    CHECK(cognito_last_error_kind() == COGNITO_ERROR_KIND_NONE, "reading the message clears the kind");

    CHECK_STATUS(cognito_provider_new("us-east-1:not-hex", options, &out),
                 COGNITO_STATUS_ERR_INVALID_ARGUMENT);
    CHECK(cognito_last_error_kind() == COGNITO_ERROR_KIND_INVALID_CONFIG,
          "malformed pool id -> INVALID_CONFIG, got %u", (unsigned)cognito_last_error_kind());

    /* A failure its status describes replaces the previous one's kind. */
    CHECK_STATUS(cognito_provider_new(NULL, options, &out), COGNITO_STATUS_ERR_NULL_ARGUMENT);
    CHECK(cognito_last_error_kind() == COGNITO_ERROR_KIND_NONE, "NULL argument -> NONE, got %u",
          (unsigned)cognito_last_error_kind());
    cognito_string_free(cognito_last_error_message());
    tu_end();
}

int main(void) {
    emu_setup();
    CHECK_STATUS(cognito_init(2, 0), COGNITO_STATUS_OK);
    test_misuse_table();
    test_sync_failure_kinds();
    CHECK_STATUS(cognito_shutdown(), COGNITO_STATUS_OK);
    return tu_finish("test_misuse");
}
