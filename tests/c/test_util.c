#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- assertions ------------------------------------------------------------------------- */

atomic_int tu_failures;
static int passed_tests, failed_tests;
static const char *current_test;
static int failures_at_begin;
static int64_t test_started_ms;

bool tu_check(bool ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        return true;
    }
    atomic_fetch_add(&tu_failures, 1);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("    FAIL %s:%d [%s] %s\n", file, line, current_test ? current_test : "-", msg);
    fflush(stdout);
    return false;
}

void tu_begin(const char *name) {
    current_test = name;
    failures_at_begin = atomic_load(&tu_failures);
    test_started_ms = tu_now_ms();
    printf("RUN  %s\n", name);
    fflush(stdout);
}

bool tu_end(void) {
    bool ok = atomic_load(&tu_failures) == failures_at_begin;
    printf("%s %s (%lld ms)\n", ok ? "PASS" : "FAIL", current_test,
           (long long)(tu_now_ms() - test_started_ms));
    fflush(stdout);
    if (ok) {
        passed_tests++;
    } else {
        failed_tests++;
    }
    current_test = NULL;
    return ok;
}

int tu_finish(const char *program) {
    int checks = atomic_load(&tu_failures);
    printf("%s: %d test(s) passed, %d failed (%d failed check(s))\n", program, passed_tests,
           failed_tests, checks);
    printf("%s %s\n", (failed_tests == 0 && checks == 0) ? "PASS" : "FAIL", program);
    fflush(stdout);
    return (failed_tests == 0 && checks == 0) ? 0 : 1;
}

const char *tu_status_name(cognito_status_t s) {
    switch (s) {
    case COGNITO_STATUS_OK: return "OK";
    case COGNITO_STATUS_ERR_NULL_ARGUMENT: return "ERR_NULL_ARGUMENT";
    case COGNITO_STATUS_ERR_INVALID_UTF8: return "ERR_INVALID_UTF8";
    case COGNITO_STATUS_ERR_INVALID_ARGUMENT: return "ERR_INVALID_ARGUMENT";
    case COGNITO_STATUS_ERR_INVALID_HANDLE: return "ERR_INVALID_HANDLE";
    case COGNITO_STATUS_ERR_NOT_FOUND: return "ERR_NOT_FOUND";
    case COGNITO_STATUS_ERR_CANCELLED: return "ERR_CANCELLED";
    case COGNITO_STATUS_ERR_SHUT_DOWN: return "ERR_SHUT_DOWN";
    case COGNITO_STATUS_ERR_PANIC: return "ERR_PANIC";
    case COGNITO_STATUS_ERR_FAILED: return "ERR_FAILED";
    case COGNITO_STATUS_ERR_WRONG_THREAD: return "ERR_WRONG_THREAD";
    default: return "(unknown status)";
    }
}

void tu_take_last_error(char *buf, size_t size) {
    char *m = cognito_last_error_message();
    snprintf(buf, size, "%s", m ? m : "(null)");
    cognito_string_free(m);
}

/* ---- time ----------------------------------------------------------------------------- */

int64_t tu_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tu_scaled_ms(int ms) {
    const char *s = getenv("TU_TIMEOUT_SCALE");
    int scale = s ? atoi(s) : 1;
    return ms * (scale > 0 ? scale : 1);
}

void tu_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- counters ------------------------------------------------------------------------- */

void tu_counter_init(tu_counter_t *c) {
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &attr);
    pthread_condattr_destroy(&attr);
    c->value = 0;
}

void tu_counter_destroy(tu_counter_t *c) {
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
}

void tu_counter_add(tu_counter_t *c, long n) {
    pthread_mutex_lock(&c->mu);
    c->value += n;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

long tu_counter_get(tu_counter_t *c) {
    pthread_mutex_lock(&c->mu);
    long v = c->value;
    pthread_mutex_unlock(&c->mu);
    return v;
}

bool tu_counter_wait(tu_counter_t *c, long target, int timeout_ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->mu);
    while (c->value < target) {
        if (pthread_cond_timedwait(&c->cv, &c->mu, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    bool reached = c->value >= target;
    pthread_mutex_unlock(&c->mu);
    return reached;
}

/* ---- completion records ----------------------------------------------------------------- */

void tu_call_init(tu_call_t *call, tu_counter_t *done) {
    memset(call, 0, sizeof *call);
    atomic_init(&call->hits, 0);
    call->done = done;
    call->status = -1;
}

static void record_error(tu_call_t *call, const cognito_error_t *error) {
    call->had_error_struct = error != NULL;
    if (error) {
        call->err_kind = error->kind;
        call->err_retryable = error->retryable;
        snprintf(call->err_code, sizeof call->err_code, "%s", error->code ? error->code : "");
        snprintf(call->err_message, sizeof call->err_message, "%s",
                 error->message ? error->message : "");
    }
}

void tu_identity_cb(void *user_data, cognito_status_t status, const char *identity_id,
                    const cognito_error_t *error) {
    tu_call_t *call = user_data;
    if (atomic_fetch_add(&call->hits, 1) == 0) {
        call->status = status;
        call->args_consistent = status == COGNITO_STATUS_OK ? (identity_id && !error)
                                                            : (!identity_id && error);
        if (identity_id) {
            snprintf(call->identity_id, sizeof call->identity_id, "%s", identity_id);
        }
        record_error(call, error);
    }
    if (call->done) {
        tu_counter_add(call->done, 1);
    }
}

void tu_credentials_cb(void *user_data, cognito_status_t status,
                       const cognito_credentials_t *c, const cognito_error_t *error) {
    tu_call_t *call = user_data;
    if (atomic_fetch_add(&call->hits, 1) == 0) {
        call->status = status;
        call->args_consistent = status == COGNITO_STATUS_OK ? (c && !error) : (!c && error);
        if (c) {
            snprintf(call->identity_id, sizeof call->identity_id, "%s",
                     c->identity_id ? c->identity_id : "");
            snprintf(call->access_key_id, sizeof call->access_key_id, "%s",
                     c->access_key_id ? c->access_key_id : "");
            snprintf(call->secret_access_key, sizeof call->secret_access_key, "%s",
                     c->secret_access_key ? c->secret_access_key : "");
            call->session_token_len = c->session_token ? strlen(c->session_token) : 0;
            call->expiration = c->expiration;
        }
        record_error(call, error);
    }
    if (call->done) {
        tu_counter_add(call->done, 1);
    }
}

/* ---- emulator ------------------------------------------------------------------------- */

static char url[256], host[128], port[16], ca_file[512];
static bool tls;
static const char *unauth_pool = "us-east-1:00000000-0000-4000-8000-000000000001";
static const char *auth_pool = "us-east-1:00000000-0000-4000-8000-000000000002";

/* Splits "http://host:port[/]" into host and port; false if it is not of that form. */
static bool split_http_url(const char *u, char *h, size_t hsize, char *p, size_t psize) {
    if (strncmp(u, "http://", 7) != 0) {
        return false;
    }
    const char *hp = u + 7;
    const char *colon = strrchr(hp, ':');
    if (!colon || colon == hp || (size_t)(colon - hp) >= hsize) {
        return false;
    }
    snprintf(h, hsize, "%.*s", (int)(colon - hp), hp);
    snprintf(p, psize, "%.*s", (int)strcspn(colon + 1, "/"), colon + 1);
    return p[0] != '\0';
}

void emu_setup(void) {
    const char *u = getenv("COGNITO_EMULATOR_URL");
    if (!u || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) ||
        strlen(u) >= sizeof url) {
        printf("FAIL setup: set COGNITO_EMULATOR_URL to the emulator's http:// or https:// URL\n");
        exit(2);
    }
    snprintf(url, sizeof url, "%s", u);
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/') {
        url[--n] = '\0';
    }
    tls = strncmp(url, "https://", 8) == 0;
    const char *admin = getenv("COGNITO_EMULATOR_ADMIN_URL");
    if (tls) {
        const char *ca = getenv("COGNITO_EMULATOR_CA");
        /* The path goes into a JSON string unescaped: refuse what would need escaping. */
        if (!ca || !ca[0] || strlen(ca) >= sizeof ca_file || strpbrk(ca, "\"\\\n\r\t")) {
            printf("FAIL setup: an https COGNITO_EMULATOR_URL needs COGNITO_EMULATOR_CA, the "
                   "path of the emulator's test CA (emulate --tls --ca-out FILE)\n");
            exit(2);
        }
        snprintf(ca_file, sizeof ca_file, "%s", ca);
        if (!admin) {
            printf("FAIL setup: an https COGNITO_EMULATOR_URL needs COGNITO_EMULATOR_ADMIN_URL, a "
                   "plain http:// URL for the admin API (scripts/emulator-admin-relay.py)\n");
            exit(2);
        }
    }
    if (!split_http_url(admin ? admin : url, host, sizeof host, port, sizeof port)) {
        printf("FAIL setup: %s needs the form http://host:port\n",
               admin ? "COGNITO_EMULATOR_ADMIN_URL" : "COGNITO_EMULATOR_URL");
        exit(2);
    }
    if (getenv("COGNITO_UNAUTH_POOL_ID")) {
        unauth_pool = getenv("COGNITO_UNAUTH_POOL_ID");
    }
    if (getenv("COGNITO_AUTH_POOL_ID")) {
        auth_pool = getenv("COGNITO_AUTH_POOL_ID");
    }
}

const char *emu_url(void) { return url; }
bool emu_tls(void) { return tls; }
const char *emu_unauth_pool(void) { return unauth_pool; }
const char *emu_auth_pool(void) { return auth_pool; }

static int connect_emulator(void) {
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            continue;
        }
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int emu_request(const char *method, const char *path, const char *body, char *out, size_t size) {
    if (size > 0) {
        out[0] = '\0';
    }
    int fd = connect_emulator();
    if (fd < 0) {
        return -1;
    }
    size_t body_len = body ? strlen(body) : 0;
    char head[512];
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            method, path, host, port, body_len);
    bool sent = write(fd, head, (size_t)head_len) == head_len &&
                (body_len == 0 || write(fd, body, body_len) == (ssize_t)body_len);
    char resp[16384];
    size_t got = 0;
    ssize_t r;
    while (sent && got < sizeof resp - 1 && (r = read(fd, resp + got, sizeof resp - 1 - got)) > 0) {
        got += (size_t)r;
    }
    close(fd);
    resp[got] = '\0';
    int status = -1;
    if (!sent || sscanf(resp, "HTTP/1.%*d %d", &status) != 1) {
        return -1;
    }
    const char *b = strstr(resp, "\r\n\r\n");
    if (size > 0) {
        snprintf(out, size, "%s", b ? b + 4 : "");
    }
    return status;
}

static void admin_post(const char *path, const char *body) {
    char out[1024];
    int status = emu_request("POST", path, body, out, sizeof out);
    CHECK(status == 200, "emulator POST %s %s -> %d %s", path, body ? body : "", status, out);
}

void emu_reset(void) { admin_post("/__emulator/reset", ""); }
void emu_fault(const char *json_rule) { admin_post("/__emulator/faults", json_rule); }
void emu_clear_faults(void) { admin_post("/__emulator/faults/clear", ""); }

long emu_count(const char *operation) {
    char out[4096];
    int status = emu_request("GET", "/__emulator/stats", NULL, out, sizeof out);
    if (!CHECK(status == 200, "emulator stats -> %d", status)) {
        return -1;
    }
    const char *counts = strstr(out, "\"counts\":{");
    if (!counts) {
        return -1;
    }
    const char *end = strchr(counts, '}');
    char key[96];
    snprintf(key, sizeof key, "\"%s\":", operation);
    const char *at = strstr(counts, key);
    if (!at || (end && at > end)) {
        return 0;
    }
    return strtol(at + strlen(key), NULL, 10);
}

char *emu_mint_token(const char *provider, const char *sub) {
    char body[512], out[8192];
    snprintf(body, sizeof body, "{\"provider\":\"%s\",\"sub\":\"%s\",\"lifetime_secs\":3600}",
             provider, sub);
    int status = emu_request("POST", "/__emulator/tokens", body, out, sizeof out);
    const char *t = strstr(out, "\"token\":\"");
    if (!CHECK(status == 200 && t, "mint token -> %d %s", status, out)) {
        return NULL;
    }
    t += strlen("\"token\":\"");
    const char *end = strchr(t, '"');
    if (!end) {
        return NULL;
    }
    return strndup(t, (size_t)(end - t));
}

void emu_options(char *buf, size_t size, const char *extra) {
    bool more = extra && extra[0];
    char trust[600];
    if (tls) {
        snprintf(trust, sizeof trust, "\"ca_bundle_file\":\"%s\"", ca_file);
    } else {
        snprintf(trust, sizeof trust, "\"allow_http_loopback\":true");
    }
    int n = snprintf(buf, size, "{\"endpoint\":\"%s\",%s,\"use_environment\":false%s%s}", url,
                     trust, more ? "," : "", more ? extra : "");
    CHECK(n >= 0 && (size_t)n < size, "emu_options: %d bytes do not fit in %zu", n, size);
}

cognito_provider_t *emu_provider(const char *pool_id, const char *extra_options) {
    char options[1024];
    emu_options(options, sizeof options, extra_options);
    cognito_provider_t *p = NULL;
    cognito_status_t s = cognito_provider_new(pool_id, options, &p);
    if (!CHECK(s == COGNITO_STATUS_OK && p, "cognito_provider_new(%s, %s) -> %s", pool_id,
               options, tu_status_name(s))) {
        char err[256];
        tu_take_last_error(err, sizeof err);
        printf("      last error: %s\n", err);
        return NULL;
    }
    return p;
}
