using System;
using System.Runtime.InteropServices;

namespace CognitoNative.Interop
{
    /// <summary>
    /// The C ABI of <c>include/cognito_native.h</c>, one declaration per export and nothing else (its
    /// enums are <see cref="CognitoStatus"/> and <see cref="CognitoErrorKind"/>).
    /// Strings go in as NUL-terminated UTF-8 <c>byte[]</c> (see <see cref="Utf8"/>) so the encoding does
    /// not depend on the platform's default marshaling; strings and structs coming out are raw
    /// pointers that the callers copy and free.
    /// </summary>
    internal static class NativeMethods
    {
#if (UNITY_IOS && !UNITY_EDITOR) || __IOS__
        // iOS links the static library into the app: its symbols are resolved in the executable.
        // (__IOS__: the sources compiled into a Xamarin.iOS / .NET for iOS project.)
        internal const string Lib = "__Internal";
#else
        internal const string Lib = "cognito_native";
#endif

        // ---- callback signatures (all called on library threads) ----

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void IdentityCallback(IntPtr userData, CognitoStatus status, IntPtr identityId, IntPtr error);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void CredentialsCallback(IntPtr userData, CognitoStatus status, IntPtr credentials, IntPtr error);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void IdentityChangedCallback(IntPtr userData, IntPtr oldIdentityId, IntPtr newIdentityId);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void TokenRequestCallback(IntPtr userData, IntPtr providerName, ulong requestId);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void DeveloperIdentityRequestCallback(IntPtr userData, ulong requestId);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogCallback(IntPtr userData, int level, IntPtr target, IntPtr message);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate UIntPtr StoreLoadCallback(IntPtr userData, IntPtr poolId, IntPtr buffer, UIntPtr capacity);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void StoreSaveCallback(IntPtr userData, IntPtr poolId, IntPtr identityId);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void StoreClearCallback(IntPtr userData, IntPtr poolId);

        /// <summary><c>cognito_provider_sign</c>'s: the headers to add (a <c>cognito_header_t</c> array).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void SignCallback(IntPtr userData, CognitoStatus status, IntPtr headers, UIntPtr count, IntPtr error);

        /// <summary><c>cognito_provider_presign</c>'s: the URL and its expiration (seconds since the Unix epoch).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void PresignCallback(IntPtr userData, CognitoStatus status, IntPtr url, long expiration, IntPtr error);

        /// <summary>A sign-in step: a <c>cognito_sign_in_t</c>, or NULL on failure.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void SignInCallback(IntPtr userData, CognitoStatus status, IntPtr signIn, IntPtr error);

        /// <summary>A user's tokens: a <c>cognito_user_tokens_t</c>, or NULL on failure.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void UserTokensCallback(IntPtr userData, CognitoStatus status, IntPtr tokens, IntPtr error);

        /// <summary>A sign-up's outcome: a <c>cognito_sign_up_result_t</c>, or NULL on failure.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void SignUpCallback(IntPtr userData, CognitoStatus status, IntPtr result, IntPtr error);

        /// <summary>Where a code went: a <c>cognito_code_delivery_t</c>, or NULL (on failure, or when the pool did not say).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void CodeDeliveryCallback(IntPtr userData, CognitoStatus status, IntPtr delivery, IntPtr error);

        /// <summary>An operation without a result.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void DoneCallback(IntPtr userData, CognitoStatus status, IntPtr error);

        /// <summary>A string result (the TOTP secret of an MFA set-up).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void StringCallback(IntPtr userData, CognitoStatus status, IntPtr value, IntPtr error);

        /// <summary>A session ended: <paramref name="refused"/> (a C <c>bool</c>) when the pool refused its
        /// refresh token (then <paramref name="error"/> says why), else signed out.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void SessionEndedCallback(IntPtr userData, byte refused, IntPtr error);

        /// <summary>A user's attributes: <paramref name="count"/> <c>cognito_header_t</c> name/value pairs.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void AttributesCallback(IntPtr userData, CognitoStatus status, IntPtr attributes, UIntPtr count, IntPtr error);

        // ---- library ----

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr cognito_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_init(uint workerThreads, int logLevel);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_shutdown();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_set_log_sink(LogCallback callback, IntPtr userData, int level);

        /// <summary>The kind of the calling thread's last failure (<see cref="CognitoErrorKind.None"/> when its
        /// status says it all); does not clear it: read it before <see cref="cognito_last_error_message"/>.
        /// <c>cognito_error_kind_t</c> is a <c>uint32_t</c>, the same size as the enum.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoErrorKind cognito_last_error_kind();

        /// <summary>The calling thread's last error message, and clears it (with its kind).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr cognito_last_error_message();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void cognito_string_free(IntPtr s);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_cancel(ulong callId);

        /// <summary>The process's statistics as JSON (free with <see cref="cognito_string_free"/>).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_statistics_json(out IntPtr json);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_provider_name(byte[] region, byte[] userPoolId, out IntPtr name);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_token_request_complete(ulong requestId, byte[] token, byte[] errorMessage);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_developer_identity_complete(
            ulong requestId, byte[] identityId, byte[] token, byte[] errorMessage);

        // ---- provider lifetime ----

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_new(byte[] identityPoolId, byte[] optionsJson, out IntPtr provider);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_new_with_store(
            byte[] identityPoolId,
            byte[] optionsJson,
            StoreLoadCallback load,
            StoreSaveCallback save,
            StoreClearCallback clear,
            IntPtr storeUserData,
            out IntPtr provider);

        /// <summary><paramref name="identityStore"/> and <paramref name="credentialsStore"/> point at
        /// <see cref="NativeStore"/>s (or are NULL) for the duration of the call.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_new_with_stores(
            byte[] identityPoolId,
            byte[] optionsJson,
            IntPtr identityStore,
            IntPtr credentialsStore,
            out IntPtr provider);

        /// <summary>Takes the raw pointer: only <see cref="ProviderHandle"/>'s release calls it.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_free(IntPtr provider);

        // ---- provider ----

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_get_identity_id(
            ProviderHandle provider, IdentityCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_get_credentials(
            ProviderHandle provider, CredentialsCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_cached_identity_id(ProviderHandle provider, out IntPtr identityId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_cached_credentials(ProviderHandle provider, out IntPtr credentials);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void cognito_credentials_free(IntPtr credentials);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_add_login(ProviderHandle provider, byte[] providerName, byte[] token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_remove_login(ProviderHandle provider, byte[] providerName);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_contains_login(ProviderHandle provider, byte[] providerName, out byte contains);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_logins_count(ProviderHandle provider, out UIntPtr count);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_logins_list(ProviderHandle provider, out IntPtr names);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_set_logins_provider(
            ProviderHandle provider, byte[] providerName, TokenRequestCallback callback, IntPtr userData);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_set_developer_identity_source(
            ProviderHandle provider, DeveloperIdentityRequestCallback callback, IntPtr userData);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_set_identity_changed_callback(
            ProviderHandle provider, IdentityChangedCallback callback, IntPtr userData);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_prefetch(ProviderHandle provider);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_clear(ProviderHandle provider);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_clear_credentials(ProviderHandle provider);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_clear_identity_cache(ProviderHandle provider);

        // ---- signing (cognito_sign_request_t is read inside the call: its pointers are pinned only for it) ----

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_sign(
            ProviderHandle provider, ref NativeSignRequest request, SignCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_sign_cached(
            ProviderHandle provider, ref NativeSignRequest request, out IntPtr headers);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void cognito_signed_headers_free(IntPtr headers);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_presign(
            ProviderHandle provider, ref NativeSignRequest request, uint expiresSecs, PresignCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_presign_cached(
            ProviderHandle provider, ref NativeSignRequest request, uint expiresSecs, out IntPtr url, out long expiration);

        // ---- user pools (name/value arrays are cognito_header_t, pinned for the call) ----

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_new(byte[] userPoolId, byte[] clientId, byte[] optionsJson, out IntPtr pool);

        /// <summary><paramref name="sessionStore"/> points at a <see cref="NativeStore"/> for the duration of the
        /// call; its <c>user_data</c> must stay valid until <c>cognito_shutdown</c>.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_new_with_store(
            byte[] userPoolId, byte[] clientId, byte[] optionsJson, IntPtr sessionStore, out IntPtr pool);

        /// <summary>Takes the raw pointer: only <see cref="UserPoolHandle"/>'s release calls it.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_free(IntPtr pool);

        /// <summary><paramref name="flow"/>: <c>cognito_auth_flow_t</c> (0 SRP, 1 password).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_sign_in(
            UserPoolHandle pool, byte[] username, byte[] password, int flow, SignInCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_respond(
            UserPoolHandle pool, ChallengeHandle challenge, IntPtr answers, UIntPtr answerCount,
            SignInCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_associate_software_token(
            UserPoolHandle pool, ChallengeHandle challenge, StringCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_verify_software_token(
            UserPoolHandle pool, ChallengeHandle challenge, byte[] code, byte[] deviceName,
            SignInCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_resume_saved(
            UserPoolHandle pool, SignInCallback callback, IntPtr userData, out ulong callId);

        /// <summary><paramref name="deviceKey"/> may be null (NULL).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_resume(
            UserPoolHandle pool, byte[] username, byte[] refreshToken, byte[] deviceKey,
            SignInCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_sign_up(
            UserPoolHandle pool, byte[] username, byte[] password, IntPtr attributes, UIntPtr attributeCount,
            SignUpCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_confirm_sign_up(
            UserPoolHandle pool, byte[] username, byte[] code, DoneCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_resend_confirmation_code(
            UserPoolHandle pool, byte[] username, CodeDeliveryCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_forgot_password(
            UserPoolHandle pool, byte[] username, CodeDeliveryCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_pool_confirm_forgot_password(
            UserPoolHandle pool, byte[] username, byte[] code, byte[] newPassword, DoneCallback callback, IntPtr userData, out ulong callId);

        /// <summary>Takes the raw pointer: only <see cref="ChallengeHandle"/>'s release calls it.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_challenge_free(IntPtr challenge);

        /// <summary><paramref name="refresh"/> is a C <c>bool</c>.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_session_tokens(
            UserSessionHandle session, byte refresh, UserTokensCallback callback, IntPtr userData, out ulong callId);

        /// <summary><paramref name="everywhere"/> is a C <c>bool</c>.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_session_sign_out(
            UserSessionHandle session, byte everywhere, DoneCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_session_change_password(
            UserSessionHandle session, byte[] previousPassword, byte[] proposedPassword, DoneCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_session_attributes(
            UserSessionHandle session, AttributesCallback callback, IntPtr userData, out ulong callId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_session_set_ended_callback(
            UserSessionHandle session, SessionEndedCallback callback, IntPtr userData);

        /// <summary>Takes the raw pointer: only <see cref="UserSessionHandle"/>'s release calls it.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_user_session_free(IntPtr session);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern CognitoStatus cognito_provider_set_user_pool_session(ProviderHandle provider, UserSessionHandle session);
    }
}
