/* smoke.c: the smallest real use of the native library through its C ABI, for a library built for
 * another platform and run there (or under an emulator: Wine for the Windows DLL). It loads the
 * library the way an app does (linked against it), asks an identity pool for a guest identity id
 * and credentials, then frees everything and shuts the library down.
 *
 *   smoke <endpoint-url>     e.g. http://127.0.0.1:<port> of `cognito-native emulate --port 0`
 *
 * Exit status 0 and one line "ok <version> <identity id> <access key id>" on success.
 * Built by scripts/platforms/windows.sh (x86_64-w64-mingw32-gcc, linked to the DLL's import
 * library); plain C11, no threads of its own: completions are polled through an atomic flag.
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
static void sleep_ms(unsigned ms) { Sleep(ms); }
#else
#include <time.h>
static void sleep_ms(unsigned ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}
#endif

#include "cognito_native.h"

#define GUEST_POOL "us-east-1:00000000-0000-4000-8000-000000000001"
#define WAIT_MS 30000

typedef struct {
    atomic_int done;
    cognito_status_t status;
    char text[256];
    char extra[256];
} result_t;

static void copy(char *dst, const char *src) {
    snprintf(dst, 256, "%s", src ? src : "(null)");
}

static void on_identity(void *user_data, cognito_status_t status, const char *identity_id,
                        const cognito_error_t *error) {
    result_t *r = user_data;
    r->status = status;
    if (status == COGNITO_STATUS_OK) {
        copy(r->text, identity_id);
    } else {
        copy(r->text, error ? error->code : NULL);
        copy(r->extra, error ? error->message : NULL);
    }
    atomic_store(&r->done, 1);
}

static void on_credentials(void *user_data, cognito_status_t status,
                           const cognito_credentials_t *c, const cognito_error_t *error) {
    result_t *r = user_data;
    r->status = status;
    if (status == COGNITO_STATUS_OK && c) {
        copy(r->text, c->access_key_id);
        copy(r->extra, c->identity_id);
    } else {
        copy(r->text, error ? error->code : NULL);
        copy(r->extra, error ? error->message : NULL);
    }
    atomic_store(&r->done, 1);
}

static int wait_for(result_t *r, const char *what) {
    for (int waited = 0; !atomic_load(&r->done); waited += 10) {
        if (waited >= WAIT_MS) {
            fprintf(stderr, "smoke: %s: no completion after %d ms\n", what, WAIT_MS);
            return 0;
        }
        sleep_ms(10);
    }
    if (r->status != COGNITO_STATUS_OK) {
        fprintf(stderr, "smoke: %s failed: status %d: %s: %s\n", what, (int)r->status, r->text,
                r->extra);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: smoke <endpoint-url>\n");
        return 2;
    }
    char options[512];
    snprintf(options, sizeof options,
             "{\"endpoint\":\"%s\",\"allow_http_loopback\":true,\"use_environment\":false}",
             argv[1]);

    cognito_provider_t *provider = NULL;
    cognito_status_t s = cognito_provider_new(GUEST_POOL, options, &provider);
    if (s != COGNITO_STATUS_OK) {
        char *message = cognito_last_error_message();
        fprintf(stderr, "smoke: cognito_provider_new: status %d: %s\n", (int)s,
                message ? message : "");
        cognito_string_free(message);
        return 1;
    }

    result_t identity = {0}, credentials = {0};
    int ok = cognito_provider_get_identity_id(provider, on_identity, &identity, NULL) ==
                 COGNITO_STATUS_OK &&
             wait_for(&identity, "get_identity_id");
    ok = ok &&
         cognito_provider_get_credentials(provider, on_credentials, &credentials, NULL) ==
             COGNITO_STATUS_OK &&
         wait_for(&credentials, "get_credentials");
    if (ok && strcmp(identity.text, credentials.extra) != 0) {
        fprintf(stderr, "smoke: identity ids differ: %s / %s\n", identity.text, credentials.extra);
        ok = 0;
    }
    if (ok) printf("ok %s %s %s\n", cognito_version(), identity.text, credentials.text);

    if (cognito_provider_free(provider) != COGNITO_STATUS_OK) ok = 0;
    if (cognito_shutdown() != COGNITO_STATUS_OK) ok = 0;
    return ok ? 0 : 1;
}
