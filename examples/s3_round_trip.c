/* Using the credentials without an AWS SDK: get Cognito credentials, PUT an object to S3 with a
 * request signed by the library (SigV4 headers), presign a GET and download the object with it.
 * HTTP goes through libcurl; the library only signs.
 *
 *   s3_round_trip <pool-id> <bucket> [endpoint]
 *
 * With an endpoint (the bundled emulator: `cognito-native emulate --port 4566`, then
 * `s3_round_trip us-east-1:00000000-0000-4000-8000-000000000001 replays http://127.0.0.1:4566`)
 * every service is at that URL, S3 path-style; without one, real AWS (the bucket's region is the
 * pool's, and the identity pool's role must allow s3:PutObject and s3:GetObject on it).
 * COGNITO_EMULATOR_CA names a CA file to trust (the emulator's test CA, with --tls).
 *
 * Build: gcc -std=c11 -Iinclude examples/s3_round_trip.c -Ltarget/debug -lcognito_native -lcurl
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_native.h"

/* Waits for one asynchronous call: its callback signals here. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    cognito_status_t status;
    char error[512];
} waiter_t;

static void on_credentials(void *user_data, cognito_status_t status,
                           const cognito_credentials_t *credentials, const cognito_error_t *error) {
    (void)credentials;
    waiter_t *w = user_data;
    pthread_mutex_lock(&w->mu);
    w->status = status;
    if (error) {
        snprintf(w->error, sizeof w->error, "%s: %s", error->code, error->message);
    }
    w->done = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* A response body, collected. */
typedef struct {
    char data[4096];
    size_t len;
} body_t;

static size_t collect(char *chunk, size_t size, size_t n, void *user_data) {
    body_t *b = user_data;
    size_t len = size * n;
    size_t room = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, chunk, len < room ? len : room);
    b->len += len < room ? len : room;
    b->data[b->len] = '\0';
    return len;
}

/* Sends a request with libcurl; the HTTP status, or -1. */
static long send_request(const char *method, const char *url, struct curl_slist *headers,
                         const char *body, body_t *response) {
    CURL *curl = curl_easy_init();
    if (!curl) {
        return -1;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, response);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    const char *ca = getenv("COGNITO_EMULATOR_CA");
    if (ca && *ca) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
    }
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    long status = -1;
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    } else {
        fprintf(stderr, "curl: %s\n", curl_easy_strerror(rc));
    }
    curl_easy_cleanup(curl);
    return status;
}

static void print_error(const char *what, cognito_status_t status) {
    char *message = cognito_last_error_message();
    fprintf(stderr, "%s failed (status %d): %s\n", what, (int)status, message ? message : "");
    cognito_string_free(message);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <pool-id> <bucket> [endpoint]\n", argv[0]);
        return 2;
    }
    const char *pool = argv[1], *bucket = argv[2], *endpoint = argc > 3 ? argv[3] : NULL;
    const char *ca = getenv("COGNITO_EMULATOR_CA");
    char options[1024] = "{}";
    if (endpoint) {
        snprintf(options, sizeof options,
                 "{\"endpoint\":\"%s\",\"allow_http_loopback\":true%s%s%s}", endpoint,
                 ca && *ca ? ",\"ca_bundle_file\":\"" : "", ca && *ca ? ca : "",
                 ca && *ca ? "\"" : "");
    }
    cognito_provider_t *provider = NULL;
    cognito_status_t s = cognito_provider_new(pool, options, &provider);
    if (s != COGNITO_STATUS_OK) {
        print_error("cognito_provider_new", s);
        return 1;
    }

    /* 1. Credentials (a guest identity). */
    waiter_t w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, ""};
    s = cognito_provider_get_credentials(provider, on_credentials, &w, NULL);
    if (s != COGNITO_STATUS_OK) {
        print_error("cognito_provider_get_credentials", s);
        return 1;
    }
    pthread_mutex_lock(&w.mu);
    while (!w.done) {
        pthread_cond_wait(&w.cv, &w.mu);
    }
    pthread_mutex_unlock(&w.mu);
    if (w.status != COGNITO_STATUS_OK) {
        fprintf(stderr, "credentials failed: %s\n", w.error);
        return 1;
    }

    /* 2. PUT the object, signed with the cached credentials. */
    char url[1024];
    if (endpoint) {
        snprintf(url, sizeof url, "%s/%s/replays/match-1.txt", endpoint, bucket);
    } else {
        char region[64];
        snprintf(region, sizeof region, "%.*s", (int)(strchr(pool, ':') - pool), pool);
        snprintf(url, sizeof url, "https://%s.s3.%s.amazonaws.com/replays/match-1.txt", bucket,
                 region);
    }
    const char *body = "replay of match 1";
    cognito_header_t content_type = {"content-type", "text/plain"};
    cognito_sign_request_t put = {
        .method = "PUT",
        .url = url,
        .headers = &content_type,
        .header_count = 1,
        .body = (const uint8_t *)body,
        .body_len = strlen(body),
        .service = "s3",
    };
    cognito_signed_headers_t *signed_headers = NULL;
    s = cognito_provider_sign_cached(provider, &put, &signed_headers);
    if (s != COGNITO_STATUS_OK) {
        print_error("cognito_provider_sign_cached", s);
        return 1;
    }
    struct curl_slist *headers = curl_slist_append(NULL, "content-type: text/plain");
    for (size_t i = 0; i < signed_headers->count; i++) {
        char line[8192];
        snprintf(line, sizeof line, "%s: %s", signed_headers->headers[i].name,
                 signed_headers->headers[i].value);
        headers = curl_slist_append(headers, line);
    }
    cognito_signed_headers_free(signed_headers);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    body_t response = {"", 0};
    long status = send_request("PUT", url, headers, body, &response);
    curl_slist_free_all(headers);
    printf("PUT %s -> %ld\n", url, status);
    int ok = status == 200;

    /* 3. A presigned GET, valid 5 minutes, fetched with nothing but the URL. */
    cognito_sign_request_t get = {.method = "GET", .url = url, .service = "s3"};
    char *presigned = NULL;
    int64_t expiration = 0;
    s = cognito_provider_presign_cached(provider, &get, 300, &presigned, &expiration);
    if (s != COGNITO_STATUS_OK) {
        print_error("cognito_provider_presign_cached", s);
        return 1;
    }
    body_t downloaded = {"", 0};
    status = send_request("GET", presigned, NULL, NULL, &downloaded);
    cognito_string_free(presigned);
    printf("GET (presigned, expires at %lld) -> %ld: \"%s\"\n", (long long)expiration, status,
           downloaded.data);
    ok = ok && status == 200 && strcmp(downloaded.data, body) == 0;

    curl_global_cleanup();
    cognito_provider_free(provider);
    cognito_shutdown();
    printf("%s\n", ok ? "round trip OK" : "round trip FAILED");
    return ok ? 0 : 1;
}
