using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    /// <summary>
    /// A user of a <see cref="CognitoUserPool"/> (as Amazon.Extensions.CognitoAuthentication's
    /// <c>CognitoUser</c>): sign-in with SRP (<see cref="StartWithSrpAuthAsync(InitiateSrpAuthRequest)"/>,
    /// the password never leaves the device) or the password, the challenges that follow, refresh,
    /// sign-up confirmation, the password flows, sign-out, and
    /// <see cref="GetCognitoAWSCredentials(string, RegionEndpoint)"/>, credentials whose identity pool login
    /// is this user's id token, kept fresh. The SRP math, SECRET_HASH and the token refresh run in the
    /// native library. Asynchronous calls never block; their tasks complete off native threads and
    /// their callbacks on the caller's <see cref="SynchronizationContext"/> (Unity's main thread).
    /// Dispose it when done: calls in flight end as cancelled (credentials it made keep the session).
    /// </summary>
    public partial class CognitoUser : IDisposable
    {
        private const int SrpFlow = 0;
        private const int PasswordFlow = 1;

        private readonly object _sync = new object();
        private readonly CallSet _calls = new CallSet();
        private readonly string _clientSecret;
        private readonly UserPoolHandle _ownPool;
        private readonly SynchronizationContext _eventContext;
        private readonly Dictionary<string, ChallengeHandle> _challenges = new Dictionary<string, ChallengeHandle>(StringComparer.Ordinal);
        private readonly List<UserSessionHandle> _retired = new List<UserSessionHandle>();
        private UserSessionHandle _session;
        private CognitoUserSession _sessionTokens;

        /// <summary>
        /// A user of <paramref name="pool"/>. AWS's constructor also takes an <c>IAmazonCognitoIdentityProvider</c>
        /// client (after the pool): this one needs none.
        /// </summary>
        /// <param name="userID">The username (or an alias the pool accepts, such as an email address).</param>
        /// <param name="clientID">The app client id; usually the pool's.</param>
        /// <param name="pool">The user pool.</param>
        /// <param name="clientSecret">The app client's secret; null to take the pool's when the client is the pool's.</param>
        /// <param name="status">The user's status, if known.</param>
        /// <param name="username">The username, when <paramref name="userID"/> is an alias.</param>
        /// <param name="attributes">The user's attributes, if known.</param>
        public CognitoUser(
            string userID,
            string clientID,
            CognitoUserPool pool,
            string clientSecret = null,
            string status = null,
            string username = null,
            Dictionary<string, string> attributes = null)
        {
            if (pool == null)
            {
                throw new ArgumentNullException("pool");
            }
            UserID = userID;
            Username = string.IsNullOrEmpty(username) ? userID : username;
            ClientID = string.IsNullOrEmpty(clientID) ? pool.ClientID : clientID;
            UserPool = pool;
            Status = status;
            Attributes = attributes ?? new Dictionary<string, string>();
            _clientSecret = string.IsNullOrEmpty(clientSecret) ? pool.SecretFor(ClientID) : clientSecret;
            _eventContext = SynchronizationContext.Current;
            if (!pool.Serves(ClientID, _clientSecret))
            {
                _ownPool = pool.CreateNative(ClientID, _clientSecret);
            }
        }

        /// <summary>
        /// Raised when the signed-in session ends: signed out (here or by <see cref="GlobalSignOutAsync()"/>),
        /// or the pool refused the refresh token (<see cref="SessionEndedEventArgs.Refusal"/> says why),
        /// on the <see cref="SynchronizationContext"/> of the thread that created the user, if it had
        /// one, else on the thread pool (ours: AWS's library has no such event).
        /// </summary>
        public event EventHandler<SessionEndedEventArgs> SessionEnded;

        /// <summary>The signed-in user's tokens, or null (as AWS's). Set by sign-in and refresh; setting it
        /// yourself changes only this property, not the native session.</summary>
        public CognitoUserSession SessionTokens
        {
            get
            {
                lock (_sync)
                {
                    return _sessionTokens;
                }
            }
            set
            {
                lock (_sync)
                {
                    _sessionTokens = value;
                }
            }
        }

        /// <summary>The id the user was made with (a username or an alias).</summary>
        public string UserID { get; private set; }

        /// <summary>The username: as given, then the pool's name for the user once signed in.</summary>
        public string Username { get; private set; }

        /// <summary>The user pool.</summary>
        public CognitoUserPool UserPool { get; private set; }

        /// <summary>The app client id.</summary>
        public string ClientID { get; private set; }

        /// <summary>The user's status, as given.</summary>
        public string Status { get; private set; }

        /// <summary>The user's attributes, as given.</summary>
        public Dictionary<string, string> Attributes { get; private set; }

        /// <summary>The user's settings, as you keep them.</summary>
        public Dictionary<string, string> Settings { get; set; }

        // ---- sign-in ----

        /// <summary>Signs in with USER_SRP_AUTH: the password never leaves the device.</summary>
        /// <returns>Signed in, or a challenge to answer (<see cref="AuthFlowResponse.ChallengeName"/>).</returns>
        public virtual Task<AuthFlowResponse> StartWithSrpAuthAsync(InitiateSrpAuthRequest srpRequest)
        {
            return StartWithSrpAuthAsync(srpRequest, CancellationToken.None);
        }

        /// <summary>Signs in with USER_SRP_AUTH: the password never leaves the device.</summary>
        /// <exception cref="ArgumentNullException">No request, or no password.</exception>
        /// <remarks>A wrong password fails the task with <see cref="NotAuthorizedException"/> ("Incorrect
        /// username or password."), never retried; an unconfirmed user with <see cref="UserNotConfirmedException"/>.</remarks>
        public virtual Task<AuthFlowResponse> StartWithSrpAuthAsync(InitiateSrpAuthRequest srpRequest, CancellationToken cancellationToken)
        {
            if (srpRequest == null || string.IsNullOrEmpty(srpRequest.Password))
            {
                throw new ArgumentNullException("srpRequest", "Password required for authentication.");
            }
            return SignInAsync(srpRequest.Password, SrpFlow, cancellationToken);
        }

        /// <summary>Signs in with USER_SRP_AUTH and hands the step to <paramref name="callback"/> (Unity-style API).</summary>
        public void StartWithSrpAuthAsync(
            InitiateSrpAuthRequest srpRequest, AmazonCognitoIdentityCallback<AuthFlowResponse> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => StartWithSrpAuthAsync(srpRequest, CancellationToken.None), callback, options);
        }

        /// <summary>Signs in with USER_PASSWORD_AUTH (ours): the password is sent over TLS; the app client
        /// must allow the flow. Prefer <see cref="StartWithSrpAuthAsync(InitiateSrpAuthRequest)"/>.</summary>
        public virtual Task<AuthFlowResponse> StartWithPasswordAuthAsync(
            InitiatePasswordAuthRequest passwordRequest, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (passwordRequest == null || string.IsNullOrEmpty(passwordRequest.Password))
            {
                throw new ArgumentNullException("passwordRequest", "Password required for authentication.");
            }
            return SignInAsync(passwordRequest.Password, PasswordFlow, cancellationToken);
        }

        /// <summary>Signs in with USER_PASSWORD_AUTH and hands the step to <paramref name="callback"/> (Unity-style API).</summary>
        public void StartWithPasswordAuthAsync(
            InitiatePasswordAuthRequest passwordRequest, AmazonCognitoIdentityCallback<AuthFlowResponse> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => StartWithPasswordAuthAsync(passwordRequest, CancellationToken.None), callback, options);
        }

        /// <summary>Fresh tokens from the refresh token of the signed-in session (REFRESH_TOKEN_AUTH, or
        /// GetTokensFromRefreshToken with refresh-token rotation).</summary>
        public virtual Task<AuthFlowResponse> StartWithRefreshTokenAuthAsync(InitiateRefreshTokenAuthRequest refreshTokenRequest)
        {
            return StartWithRefreshTokenAuthAsync(refreshTokenRequest, CancellationToken.None);
        }

        /// <summary>
        /// Fresh tokens from the refresh token of the signed-in session. Not signed in, it starts a session
        /// from the refresh token set in <see cref="SessionTokens"/>, as AWS's does (for the username this
        /// user was made with; a pool that tracks devices needs
        /// <see cref="CognitoUserPool.ResumeAsync(string, string, string, CancellationToken)"/> and the device key).
        /// </summary>
        /// <exception cref="NotAuthorizedException">Not signed in, and no refresh token in <see cref="SessionTokens"/>.</exception>
        /// <exception cref="ArgumentException">A flow other than REFRESH_TOKEN(_AUTH).</exception>
        public virtual Task<AuthFlowResponse> StartWithRefreshTokenAuthAsync(
            InitiateRefreshTokenAuthRequest refreshTokenRequest, CancellationToken cancellationToken)
        {
            if (refreshTokenRequest == null)
            {
                throw new ArgumentNullException("refreshTokenRequest");
            }
            var flow = refreshTokenRequest.AuthFlowType;
            if (flow != null && flow != AuthFlowType.REFRESH_TOKEN && flow != AuthFlowType.REFRESH_TOKEN_AUTH)
            {
                throw new ArgumentException("Only REFRESH_TOKEN and REFRESH_TOKEN_AUTH refresh tokens.", "refreshTokenRequest");
            }
            var kept = SessionTokens;
            if (!IsSignedIn && kept != null && !string.IsNullOrEmpty(kept.RefreshToken))
            {
                return ResumedAsync(kept.RefreshToken, cancellationToken);
            }
            var session = AcquireSession();
            return RefreshedAsync(session, StartTokens(session, true, cancellationToken));
        }

        private async Task<AuthFlowResponse> ResumedAsync(string refreshToken, CancellationToken cancellationToken)
        {
            return await ResumeFromTokenAsync(refreshToken, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Refreshes the tokens and hands the result to <paramref name="callback"/> (Unity-style API).</summary>
        public void StartWithRefreshTokenAuthAsync(
            InitiateRefreshTokenAuthRequest refreshTokenRequest, AmazonCognitoIdentityCallback<AuthFlowResponse> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => StartWithRefreshTokenAuthAsync(refreshTokenRequest, CancellationToken.None), callback, options);
        }

        // ---- challenges ----

        /// <summary>Answers NEW_PASSWORD_REQUIRED with the user's new password.</summary>
        public virtual Task<AuthFlowResponse> RespondToNewPasswordRequiredAsync(RespondToNewPasswordRequiredRequest newPasswordRequest)
        {
            return RespondToNewPasswordRequiredAsync(newPasswordRequest, null, CancellationToken.None);
        }

        /// <summary>Answers NEW_PASSWORD_REQUIRED with the user's new password.</summary>
        public virtual Task<AuthFlowResponse> RespondToNewPasswordRequiredAsync(
            RespondToNewPasswordRequiredRequest newPasswordRequest, CancellationToken cancellationToken)
        {
            return RespondToNewPasswordRequiredAsync(newPasswordRequest, null, cancellationToken);
        }

        /// <summary>Answers NEW_PASSWORD_REQUIRED with the new password and the attributes the pool requires
        /// (the challenge's <c>requiredAttributes</c>).</summary>
        public virtual Task<AuthFlowResponse> RespondToNewPasswordRequiredAsync(
            RespondToNewPasswordRequiredRequest newPasswordRequest, Dictionary<string, string> requiredAttributes)
        {
            return RespondToNewPasswordRequiredAsync(newPasswordRequest, requiredAttributes, CancellationToken.None);
        }

        /// <summary>
        /// Answers NEW_PASSWORD_REQUIRED with the new password and the attributes the pool requires: keys
        /// <c>userAttributes.&lt;name&gt;</c> as AWS's (a key without the prefix gets it).
        /// </summary>
        /// <exception cref="ArgumentNullException">No request or new password.</exception>
        /// <exception cref="ArgumentException">An unknown <see cref="RespondToNewPasswordRequiredRequest.SessionID"/>,
        /// or one whose challenge is not NEW_PASSWORD_REQUIRED.</exception>
        public virtual Task<AuthFlowResponse> RespondToNewPasswordRequiredAsync(
            RespondToNewPasswordRequiredRequest newPasswordRequest,
            Dictionary<string, string> requiredAttributes,
            CancellationToken cancellationToken)
        {
            if (newPasswordRequest == null)
            {
                throw new ArgumentNullException("newPasswordRequest");
            }
            if (string.IsNullOrEmpty(newPasswordRequest.NewPassword))
            {
                throw new ArgumentNullException("newPasswordRequest", "A new password is required.");
            }
            var answers = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("NEW_PASSWORD", newPasswordRequest.NewPassword),
            };
            if (requiredAttributes != null)
            {
                foreach (var a in requiredAttributes)
                {
                    var key = a.Key != null && a.Key.StartsWith("userAttributes.", StringComparison.Ordinal) ? a.Key : "userAttributes." + a.Key;
                    answers.Add(new KeyValuePair<string, string>(key, a.Value));
                }
            }
            return RespondAsync(newPasswordRequest.SessionID, ChallengeNameType.NEW_PASSWORD_REQUIRED, answers, cancellationToken);
        }

        /// <summary>Answers NEW_PASSWORD_REQUIRED and hands the next step to <paramref name="callback"/> (Unity-style API).</summary>
        public void RespondToNewPasswordRequiredAsync(
            RespondToNewPasswordRequiredRequest newPasswordRequest,
            Dictionary<string, string> requiredAttributes,
            AmazonCognitoIdentityCallback<AuthFlowResponse> callback,
            AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(
                () => RespondToNewPasswordRequiredAsync(newPasswordRequest, requiredAttributes, CancellationToken.None), callback, options);
        }

        /// <summary>Answers SMS_MFA with the code the user got.</summary>
        public virtual Task<AuthFlowResponse> RespondToSmsMfaAuthAsync(RespondToSmsMfaRequest smsMfaRequest)
        {
            return RespondToMfaAuthAsync(smsMfaRequest, CancellationToken.None);
        }

        /// <summary>Answers SMS_MFA with the code the user got.</summary>
        public virtual Task<AuthFlowResponse> RespondToSmsMfaAuthAsync(RespondToSmsMfaRequest smsMfaRequest, CancellationToken cancellationToken)
        {
            return RespondToMfaAuthAsync(smsMfaRequest, cancellationToken);
        }

        /// <summary>Answers EMAIL_OTP with the code the user got.</summary>
        public virtual Task<AuthFlowResponse> RespondToEmailMfaAuthAsync(RespondToEmailMfaRequest emailMfaRequest)
        {
            return RespondToMfaAuthAsync(emailMfaRequest, CancellationToken.None);
        }

        /// <summary>Answers EMAIL_OTP with the code the user got.</summary>
        public virtual Task<AuthFlowResponse> RespondToEmailMfaAuthAsync(RespondToEmailMfaRequest emailMfaRequest, CancellationToken cancellationToken)
        {
            return RespondToMfaAuthAsync(emailMfaRequest, cancellationToken);
        }

        /// <summary>Answers SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP with the code.</summary>
        public Task<AuthFlowResponse> RespondToMfaAuthAsync(RespondToMfaRequest mfaRequest)
        {
            return RespondToMfaAuthAsync(mfaRequest, CancellationToken.None);
        }

        /// <summary>
        /// Answers SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP (the request's <see cref="RespondToMfaRequest.ChallengeNameType"/>,
        /// or the challenge's own when null) with the code. A wrong code fails with
        /// <see cref="CodeMismatchException"/>; the challenge can then be answered again.
        /// </summary>
        /// <exception cref="ArgumentNullException">No request or code.</exception>
        /// <exception cref="ArgumentException">An unknown session, or a challenge of another kind.</exception>
        public Task<AuthFlowResponse> RespondToMfaAuthAsync(RespondToMfaRequest mfaRequest, CancellationToken cancellationToken)
        {
            if (mfaRequest == null)
            {
                throw new ArgumentNullException("mfaRequest");
            }
            if (string.IsNullOrEmpty(mfaRequest.MfaCode))
            {
                throw new ArgumentNullException("mfaRequest", "An MFA code is required.");
            }
            var name = mfaRequest.ChallengeNameType ?? ChallengeNameType.FindValue(FindChallenge(mfaRequest.SessionID).Name);
            string key;
            if (name == ChallengeNameType.SMS_MFA)
            {
                key = "SMS_MFA_CODE";
            }
            else if (name == ChallengeNameType.SOFTWARE_TOKEN_MFA)
            {
                key = "SOFTWARE_TOKEN_MFA_CODE";
            }
            else if (name == ChallengeNameType.EMAIL_OTP)
            {
                key = "EMAIL_OTP_CODE";
            }
            else
            {
                throw new ArgumentException(name + " is not an MFA code challenge (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP).", "mfaRequest");
            }
            var answers = new[] { new KeyValuePair<string, string>(key, mfaRequest.MfaCode) };
            return RespondAsync(mfaRequest.SessionID, name, answers, cancellationToken);
        }

        /// <summary>Answers an MFA code challenge and hands the next step to <paramref name="callback"/> (Unity-style API).</summary>
        public void RespondToMfaAuthAsync(
            RespondToMfaRequest mfaRequest, AmazonCognitoIdentityCallback<AuthFlowResponse> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => RespondToMfaAuthAsync(mfaRequest, CancellationToken.None), callback, options);
        }

        /// <summary>Answers CUSTOM_CHALLENGE (e.g. <c>ANSWER</c>).</summary>
        public virtual Task<AuthFlowResponse> RespondToCustomAuthAsync(RespondToCustomChallengeRequest customRequest)
        {
            return RespondToCustomAuthAsync(customRequest, CancellationToken.None);
        }

        /// <summary>Answers CUSTOM_CHALLENGE with the request's parameters (<c>USERNAME</c> and <c>SECRET_HASH</c>
        /// are the library's to add).</summary>
        public virtual Task<AuthFlowResponse> RespondToCustomAuthAsync(RespondToCustomChallengeRequest customRequest, CancellationToken cancellationToken)
        {
            if (customRequest == null)
            {
                throw new ArgumentNullException("customRequest");
            }
            return RespondAsync(customRequest.SessionID, ChallengeNameType.CUSTOM_CHALLENGE, WithoutOwnKeys(customRequest.ChallengeParameters), cancellationToken);
        }

        /// <summary>
        /// Answers any challenge with name/value pairs (ours): SELECT_MFA_TYPE → <c>ANSWER</c> (<c>SMS_MFA</c>
        /// or <c>SOFTWARE_TOKEN_MFA</c>), or any of the others by their keys. <c>USERNAME</c> and
        /// <c>SECRET_HASH</c> are the library's to add.
        /// </summary>
        public Task<AuthFlowResponse> RespondToChallengeAsync(
            string sessionID, IDictionary<string, string> answers, CancellationToken cancellationToken = default(CancellationToken))
        {
            return RespondAsync(sessionID, null, WithoutOwnKeys(answers), cancellationToken);
        }

        /// <summary>
        /// MFA_SETUP, step 1 (ours): the secret to show the user (as a QR code, <c>otpauth://totp/...</c>)
        /// for their authenticator app; then <see cref="RespondToMfaSetupAsync"/> with its first code.
        /// </summary>
        public Task<string> StartMfaSetupAsync(string sessionID, CancellationToken cancellationToken = default(CancellationToken))
        {
            var challenge = FindChallenge(sessionID, ChallengeNameType.MFA_SETUP);
            var pool = AcquirePool();
            return _calls.Start(
                new StringCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_associate_software_token(pool, challenge, StringCall.Callback, ud, out id)),
                Disposed,
                "cognito_user_pool_associate_software_token");
        }

        /// <summary>MFA_SETUP, step 2 (ours): the authenticator app's first code; signed in when it is right.</summary>
        public Task<AuthFlowResponse> RespondToMfaSetupAsync(
            string sessionID, string code, string deviceName = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (string.IsNullOrEmpty(code))
            {
                throw new ArgumentNullException("code");
            }
            var challenge = FindChallenge(sessionID, ChallengeNameType.MFA_SETUP);
            var codeBytes = Utf8.ToNative(code);
            var device = Utf8.ToNative(deviceName);
            var pool = AcquirePool();
            var step = _calls.Start(
                new SignInCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_verify_software_token(pool, challenge, codeBytes, device, SignInCall.Callback, ud, out id)),
                Disposed,
                "cognito_user_pool_verify_software_token");
            return AdvanceAsync(step, sessionID, cancellationToken);
        }

        // ---- sign-up, passwords, sign-out ----

        /// <summary>Confirms the sign-up with the code the user got.</summary>
        public virtual Task ConfirmSignUpAsync(string confirmationCode, bool forcedAliasCreation)
        {
            return ConfirmSignUpAsync(confirmationCode, forcedAliasCreation, CancellationToken.None);
        }

        /// <summary>Confirms the sign-up with the code the user got.</summary>
        /// <exception cref="NotSupportedException"><paramref name="forcedAliasCreation"/> (the C ABI does not send it).</exception>
        public virtual Task ConfirmSignUpAsync(string confirmationCode, bool forcedAliasCreation, CancellationToken cancellationToken)
        {
            if (forcedAliasCreation)
            {
                throw new NotSupportedException("ForceAliasCreation is not supported (cognito_user_pool_confirm_sign_up does not take it).");
            }
            var code = Required(confirmationCode, "confirmationCode");
            return PoolCall(
                "cognito_user_pool_confirm_sign_up",
                cancellationToken,
                (UserPoolHandle pool, byte[] user, IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_confirm_sign_up(pool, user, code, DoneCall.Callback, ud, out id));
        }

        /// <summary>Confirms the sign-up and tells <paramref name="callback"/> (Unity-style API).</summary>
        public void ConfirmSignUpAsync(
            string confirmationCode, bool forcedAliasCreation, AmazonCognitoIdentityCallback<object> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => ConfirmSignUpAsync(confirmationCode, forcedAliasCreation, CancellationToken.None), callback, options);
        }

        /// <summary>Sends the sign-up confirmation code again.</summary>
        public virtual Task ResendConfirmationCodeAsync()
        {
            return ResendConfirmationCodeAsync(CancellationToken.None);
        }

        /// <summary>Sends the sign-up confirmation code again.</summary>
        public virtual Task ResendConfirmationCodeAsync(CancellationToken cancellationToken)
        {
            return SendCodeCall(
                "cognito_user_pool_resend_confirmation_code",
                cancellationToken,
                (UserPoolHandle pool, byte[] user, IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_resend_confirmation_code(pool, user, CodeDeliveryCall.Callback, ud, out id));
        }

        /// <summary>Sends the user a code to reset their password; then <see cref="ConfirmForgotPasswordAsync(string, string)"/>.</summary>
        public virtual Task ForgotPasswordAsync()
        {
            return ForgotPasswordAsync(CancellationToken.None);
        }

        /// <summary>Sends the user a code to reset their password; then <see cref="ConfirmForgotPasswordAsync(string, string)"/>.</summary>
        public virtual Task ForgotPasswordAsync(CancellationToken cancellationToken)
        {
            return SendCodeCall(
                "cognito_user_pool_forgot_password",
                cancellationToken,
                (UserPoolHandle pool, byte[] user, IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_forgot_password(pool, user, CodeDeliveryCall.Callback, ud, out id));
        }

        /// <summary>Sends a password reset code and tells <paramref name="callback"/> (Unity-style API).</summary>
        public void ForgotPasswordAsync(AmazonCognitoIdentityCallback<object> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => ForgotPasswordAsync(CancellationToken.None), callback, options);
        }

        /// <summary>Sets a new password with the code <see cref="ForgotPasswordAsync()"/> sent.</summary>
        public virtual Task ConfirmForgotPasswordAsync(string confirmationCode, string newPassword)
        {
            return ConfirmForgotPasswordAsync(confirmationCode, newPassword, CancellationToken.None);
        }

        /// <summary>Sets a new password with the code <see cref="ForgotPasswordAsync()"/> sent.</summary>
        public virtual Task ConfirmForgotPasswordAsync(string confirmationCode, string newPassword, CancellationToken cancellationToken)
        {
            var code = Required(confirmationCode, "confirmationCode");
            var password = Required(newPassword, "newPassword");
            try
            {
                return PoolCall(
                    "cognito_user_pool_confirm_forgot_password",
                    cancellationToken,
                    (UserPoolHandle pool, byte[] user, IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_confirm_forgot_password(pool, user, code, password, DoneCall.Callback, ud, out id));
            }
            finally
            {
                Array.Clear(password, 0, password.Length);
            }
        }

        /// <summary>Sets a new password with the reset code and tells <paramref name="callback"/> (Unity-style API).</summary>
        public void ConfirmForgotPasswordAsync(
            string confirmationCode, string newPassword, AmazonCognitoIdentityCallback<object> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => ConfirmForgotPasswordAsync(confirmationCode, newPassword, CancellationToken.None), callback, options);
        }

        /// <summary>Changes the signed-in user's password.</summary>
        public virtual Task ChangePasswordAsync(string oldPass, string newPass)
        {
            return ChangePasswordAsync(oldPass, newPass, CancellationToken.None);
        }

        /// <summary>Changes the signed-in user's password (a wrong old one: <see cref="NotAuthorizedException"/>).</summary>
        /// <exception cref="NotAuthorizedException">Not signed in.</exception>
        public virtual Task ChangePasswordAsync(string oldPass, string newPass, CancellationToken cancellationToken)
        {
            var previous = Required(oldPass, "oldPass");
            var proposed = Required(newPass, "newPass");
            try
            {
                var session = AcquireSession();
                return _calls.Start(
                    new DoneCall(_calls, session, cancellationToken, (IntPtr ud, out ulong id) =>
                        NativeMethods.cognito_user_session_change_password(session, previous, proposed, DoneCall.Callback, ud, out id)),
                    Disposed,
                    "cognito_user_session_change_password");
            }
            finally
            {
                Array.Clear(previous, 0, previous.Length);
                Array.Clear(proposed, 0, proposed.Length);
            }
        }

        /// <summary>Changes the password and tells <paramref name="callback"/> (Unity-style API).</summary>
        public void ChangePasswordAsync(string oldPass, string newPass, AmazonCognitoIdentityCallback<object> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => ChangePasswordAsync(oldPass, newPass, CancellationToken.None), callback, options);
        }

        /// <summary>Signs the user out everywhere: GlobalSignOut, every refresh token of the user dies.</summary>
        public virtual Task GlobalSignOutAsync()
        {
            return GlobalSignOutAsync(CancellationToken.None);
        }

        /// <summary>
        /// Signs the user out everywhere: GlobalSignOut, every refresh token of the user dies. The session
        /// ends whatever the pool answers: <see cref="SessionTokens"/> is null at once (as AWS's), and
        /// credentials made by <see cref="GetCognitoAWSCredentials(string, RegionEndpoint)"/> lose the login.
        /// </summary>
        /// <exception cref="NotAuthorizedException">Not signed in.</exception>
        public virtual Task GlobalSignOutAsync(CancellationToken cancellationToken)
        {
            return SignOutNative(true, cancellationToken);
        }

        /// <summary>Signs out everywhere and tells <paramref name="callback"/> (Unity-style API).</summary>
        public void GlobalSignOutAsync(AmazonCognitoIdentityCallback<object> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => GlobalSignOutAsync(CancellationToken.None), callback, options);
        }

        /// <summary>Signs this session out (ours): its refresh token is revoked (RevokeToken); other devices
        /// stay signed in.</summary>
        /// <exception cref="NotAuthorizedException">Not signed in.</exception>
        public Task SignOutAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return SignOutNative(false, cancellationToken);
        }

        /// <summary>
        /// Signs out without waiting: <see cref="SessionTokens"/> is null at once (as AWS's, which only
        /// forgets the tokens); the session's refresh token is also revoked in the background, and
        /// credentials made by <see cref="GetCognitoAWSCredentials(string, RegionEndpoint)"/> lose the login.
        /// </summary>
        public void SignOut()
        {
            lock (_sync)
            {
                _sessionTokens = null;
                if (_session == null || _calls.IsClosed)
                {
                    return;
                }
            }
            Task signOut;
            try
            {
                signOut = SignOutNative(false, CancellationToken.None);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("SignOut", e);
                return;
            }
            signOut.ContinueWith(
                t => CognitoRuntime.ReportCallbackException("SignOut's RevokeToken", t.Exception.GetBaseException()),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
        }

        // ---- the user ----

        /// <summary>
        /// The signed-in user's attributes by name, as the pool has them now (GetUser: <c>sub</c>,
        /// <c>email</c>, <c>email_verified</c>, <c>custom:...</c>). Ours: AWS's <c>GetUserDetailsAsync</c>
        /// returns them in an AWS SDK type. <see cref="Attributes"/> stays as given.
        /// </summary>
        /// <exception cref="NotAuthorizedException">Not signed in ("User is not authenticated.").</exception>
        public Task<Dictionary<string, string>> GetAttributesAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            return AttributesNative(cancellationToken);
        }

        /// <summary>Reads the signed-in user's attributes and hands them to <paramref name="callback"/> (Unity-style API).</summary>
        public void GetAttributesAsync(AmazonCognitoIdentityCallback<Dictionary<string, string>> callback, AsyncOptions options = null)
        {
            CognitoUserPool.Deliver(() => GetAttributesAsync(CancellationToken.None), callback, options);
        }

        // ---- the identity pool ----

        /// <summary>
        /// Credentials from an identity pool that trusts this user pool, with this user's id token as the
        /// login (under <see cref="CognitoUserPool.ProviderName"/>), kept fresh by the native library
        /// (AWS's adds the id token of the moment, which expires within the hour). Signing out removes the
        /// login and the credentials with it. Uses <see cref="CognitoOptions.Default"/>.
        /// </summary>
        /// <exception cref="NotAuthorizedException">Not signed in ("User is not authenticated.").</exception>
        public CognitoAWSCredentials GetCognitoAWSCredentials(string identityPoolID, RegionEndpoint identityPoolRegion)
        {
            return GetCognitoAWSCredentials(identityPoolID, identityPoolRegion, null);
        }

        /// <summary>Credentials from an identity pool with this user's login, with explicit options (ours).</summary>
        /// <exception cref="NotAuthorizedException">Not signed in ("User is not authenticated.").</exception>
        public CognitoAWSCredentials GetCognitoAWSCredentials(string identityPoolID, RegionEndpoint identityPoolRegion, CognitoOptions options)
        {
            var session = AcquireSession();
            try
            {
                var credentials = new CognitoAWSCredentials(identityPoolID, identityPoolRegion, options);
                try
                {
                    credentials.UseUserPoolSession(UserPool.ProviderName, session);
                }
                catch
                {
                    credentials.Dispose();
                    throw;
                }
                return credentials;
            }
            finally
            {
                session.DangerousRelease();
            }
        }

        /// <summary>Cancels the calls in flight and frees the native session and challenges (credentials made
        /// from this user keep the session until they are disposed).</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Frees the native handles (their finalizers cover the non-disposing case).</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (!disposing || !_calls.CloseAndCancel())
            {
                return;
            }
            var handles = new List<NativeHandle>();
            lock (_sync)
            {
                handles.AddRange(_challenges.Values);
                _challenges.Clear();
                if (_session != null)
                {
                    handles.Add(_session);
                    _session = null;
                }
                handles.AddRange(_retired);
                _retired.Clear();
            }
            // Outside the lock: freeing a session waits for its ended callback if it is running, and
            // that callback takes the lock.
            foreach (var h in handles)
            {
                h.Dispose();
            }
            if (_ownPool != null)
            {
                _ownPool.Dispose();
            }
        }

        /// <summary>A session of this user ended (library thread): forget it, tell the handlers.</summary>
        internal void OnSessionEnded(UserSessionHandle session, Exception refusal)
        {
            lock (_sync)
            {
                if (session == null || (session != _session && !_retired.Contains(session)))
                {
                    return;
                }
                if (session == _session)
                {
                    _session = null;
                    _sessionTokens = null;
                    _retired.Add(session); // freed with the user: its callback is running now
                }
            }
            var handler = SessionEnded;
            if (handler != null)
            {
                var args = new SessionEndedEventArgs(refusal);
                Dispatch.Run(_eventContext, () => handler(this, args), "a SessionEnded handler");
            }
        }

        /// <summary>Signs in again with the session kept in the pool's store (for <see cref="CognitoUserPool.ResumeSavedSessionAsync(CancellationToken)"/>):
        /// false when none is kept.</summary>
        internal async Task<bool> ResumeAsync(CancellationToken cancellationToken)
        {
            var pool = AcquirePool();
            var step = await _calls.Start(
                new SignInCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_pool_resume_saved(pool, SignInCall.Callback, ud, out id), nullWhenNotFound: true),
                Disposed,
                "cognito_user_pool_resume_saved").ConfigureAwait(false);
            if (step == null)
            {
                return false;
            }
            await AdvanceAsync(Task.FromResult(step), null, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
