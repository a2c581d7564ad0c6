using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    /// <summary>
    /// An Amazon Cognito user pool's app client (as Amazon.Extensions.CognitoAuthentication's
    /// <c>CognitoUserPool</c>), backed by the native library: sign-up, and the users
    /// (<see cref="GetUser(string)"/>) who sign in. Requests go straight to Cognito user pools
    /// (no AWS SDK client); endpoints, timeouts and the session store are
    /// <see cref="CognitoUserPoolOptions"/>. Asynchronous calls complete on the thread that awaits them
    /// (Task API) or on the caller's <see cref="SynchronizationContext"/> (callback API), never on a native
    /// thread, and never block. Dispose it when done (its users' sessions live on).
    /// </summary>
    public class CognitoUserPool : IDisposable
    {
        private readonly CognitoUserPoolOptions _options;
        private readonly string _clientSecret;
        private readonly CallSet _calls = new CallSet();
        private readonly UserPoolHandle _handle;

        /// <summary>
        /// A user pool app client. AWS's constructor takes an <c>IAmazonCognitoIdentityProvider</c> client
        /// (and the secret after it); this one takes the secret, then options.
        /// </summary>
        /// <param name="poolID">The user pool id, <c>&lt;region&gt;_&lt;name&gt;</c> (e.g. <c>us-east-1_AbCdEf123</c>).</param>
        /// <param name="clientID">The app client id.</param>
        /// <param name="clientSecret">The app client's secret, if it has one (every call then sends SECRET_HASH).</param>
        /// <param name="options">Endpoints, timeouts, session store; null for <see cref="CognitoUserPoolOptions.Default"/>.</param>
        /// <exception cref="ArgumentNullException">No pool id or client id.</exception>
        /// <exception cref="ArgumentException">A malformed pool id or option (its inner exception is the library's
        /// classification, e.g. <see cref="InvalidConfigurationException"/>).</exception>
        public CognitoUserPool(string poolID, string clientID, string clientSecret = null, CognitoUserPoolOptions options = null)
        {
            if (string.IsNullOrEmpty(poolID))
            {
                throw new ArgumentNullException("poolID");
            }
            if (string.IsNullOrEmpty(clientID))
            {
                throw new ArgumentNullException("clientID");
            }
            if (poolID.IndexOf('_') <= 0)
            {
                throw new ArgumentException("poolID should be of the form <region>_<poolname>.", "poolID");
            }
            PoolID = poolID;
            ClientID = clientID;
            _clientSecret = string.IsNullOrEmpty(clientSecret) ? null : clientSecret;
            _options = (options ?? CognitoUserPoolOptions.Default).Clone();
            _handle = CreateNative(clientID, _clientSecret);
        }

        /// <summary>The user pool id.</summary>
        public string PoolID { get; private set; }

        /// <summary>The app client id.</summary>
        public string ClientID { get; private set; }

        /// <summary>The name under which an identity pool takes this pool's id tokens,
        /// <c>cognito-idp.&lt;region&gt;.amazonaws.com/&lt;poolId&gt;</c> (ours).</summary>
        public string ProviderName
        {
            get { return CognitoAWSCredentials.UserPoolProviderName(PoolID, _options.Region); }
        }

        /// <summary>A copy of the options the pool was created with.</summary>
        public CognitoUserPoolOptions Options
        {
            get { return _options.Clone(); }
        }

        /// <summary>Signs up a user with a password and attributes (e.g. <c>email</c>).</summary>
        /// <param name="userID">The username.</param>
        /// <param name="password">The password.</param>
        /// <param name="userAttributes">Attributes by name (<c>email</c>, <c>phone_number</c>...); null for none.</param>
        /// <param name="validationData">Must be null or empty: the library does not send validation data.</param>
        /// <returns>Whether the user is confirmed already, and where the code went.</returns>
        public Task<SignUpResponse> SignUpAsync(
            string userID, string password, IDictionary<string, string> userAttributes, IDictionary<string, string> validationData)
        {
            return SignUpAsync(userID, password, userAttributes, validationData, CancellationToken.None);
        }

        /// <summary>Signs up a user with a password and attributes (e.g. <c>email</c>).</summary>
        /// <exception cref="ArgumentNullException">No username or password.</exception>
        /// <exception cref="NotSupportedException">Validation data (the library does not send it).</exception>
        public Task<SignUpResponse> SignUpAsync(
            string userID,
            string password,
            IDictionary<string, string> userAttributes,
            IDictionary<string, string> validationData,
            CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(userID))
            {
                throw new ArgumentNullException("userID");
            }
            if (string.IsNullOrEmpty(password))
            {
                throw new ArgumentNullException("password");
            }
            if (validationData != null && validationData.Count > 0)
            {
                throw new NotSupportedException("Sign-up validation data is not supported (the C ABI's cognito_user_pool_sign_up takes none).");
            }
            var user = Utf8.ToNative(userID);
            var secret = Utf8.ToNative(password);
            var block = new Utf8Block(false);
            try
            {
                var first = block.AddPairs(userAttributes, "userAttributes");
                block.Pin();
                var pool = Acquire();
                return _calls.Start(
                    new SignUpCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                        NativeMethods.cognito_user_pool_sign_up(
                            pool, user, secret, block.Pairs(first), (UIntPtr)(uint)block.PairCount(first), SignUpCall.Callback, ud, out id)),
                    Disposed,
                    "cognito_user_pool_sign_up");
            }
            finally
            {
                // The library has read them (or the call did not start).
                block.Dispose();
                Array.Clear(secret, 0, secret.Length);
            }
        }

        /// <summary>Signs up a user and hands the outcome to <paramref name="callback"/> (Unity-style API), by
        /// default on the calling thread's <see cref="SynchronizationContext"/>.</summary>
        public void SignUpAsync(
            string userID,
            string password,
            IDictionary<string, string> userAttributes,
            IDictionary<string, string> validationData,
            AmazonCognitoIdentityCallback<SignUpResponse> callback,
            AsyncOptions options = null)
        {
            Deliver(() => SignUpAsync(userID, password, userAttributes, validationData, CancellationToken.None), callback, options);
        }

        /// <summary>A user with no username set.</summary>
        public virtual CognitoUser GetUser()
        {
            return new CognitoUser(null, ClientID, this, _clientSecret);
        }

        /// <summary>The user <paramref name="userID"/> (a username, or an alias such as an email address if the pool allows it).</summary>
        public virtual CognitoUser GetUser(string userID)
        {
            return string.IsNullOrEmpty(userID) ? GetUser() : new CognitoUser(userID, ClientID, this, _clientSecret);
        }

        /// <summary>The user <paramref name="userID"/>, with a status and attributes you know.</summary>
        public virtual CognitoUser GetUser(string userID, string status, Dictionary<string, string> attributes)
        {
            return string.IsNullOrEmpty(userID)
                ? GetUser()
                : new CognitoUser(userID, ClientID, this, _clientSecret, status, userID, attributes);
        }

        /// <summary>Sets a new password with the code ForgotPassword sent (as AWS's <c>ConfirmForgotPassword</c> of the pool).</summary>
        public Task ConfirmForgotPassword(string userID, string token, string newPassword, CancellationToken cancellationToken)
        {
            return GetUser(userID).ConfirmForgotPasswordAsync(token, newPassword, cancellationToken);
        }

        /// <summary>
        /// Signs in again with the session kept in <see cref="CognitoUserPoolOptions.SessionStoreDirectory"/>
        /// by an earlier sign-in (refreshed first): the signed-in user, or null when none is kept (ours:
        /// "stay signed in" across restarts). A refresh token the pool refuses gives
        /// <see cref="NotAuthorizedException"/>, and the kept session is forgotten.
        /// </summary>
        public async Task<CognitoUser> ResumeSavedSessionAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            var user = GetUser();
            try
            {
                var resumed = await user.ResumeAsync(cancellationToken).ConfigureAwait(false);
                if (!resumed)
                {
                    user.Dispose();
                    return null;
                }
                return user;
            }
            catch
            {
                user.Dispose();
                throw;
            }
        }

        /// <summary>Resumes the kept session and hands the user (or null) to <paramref name="callback"/> (Unity-style API).</summary>
        public void ResumeSavedSessionAsync(AmazonCognitoIdentityCallback<CognitoUser> callback, AsyncOptions options = null)
        {
            Deliver(() => ResumeSavedSessionAsync(CancellationToken.None), callback, options);
        }

        /// <summary>Frees the native app client: its own calls in flight (sign-ups) end as cancelled; its users' calls
        /// still complete, and signed-in users stay signed in.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Frees the native app client (its handle's finalizer covers the non-disposing case).</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing && _calls.CloseAndCancel())
            {
                _handle.Dispose();
            }
        }

        /// <summary>The pool's client secret when <paramref name="clientID"/> is its client (users inherit it).</summary>
        internal string SecretFor(string clientID)
        {
            return string.Equals(clientID, ClientID, StringComparison.Ordinal) ? _clientSecret : null;
        }

        /// <summary>Whether this pool's native app client serves <paramref name="clientID"/> with <paramref name="clientSecret"/>.</summary>
        internal bool Serves(string clientID, string clientSecret)
        {
            return string.Equals(clientID, ClientID, StringComparison.Ordinal)
                && string.Equals(clientSecret, _clientSecret, StringComparison.Ordinal);
        }

        /// <summary>A native app client of this pool for another client (a <see cref="CognitoUser"/> made with
        /// its own client id or secret owns it).</summary>
        internal UserPoolHandle CreateNative(string clientID, string clientSecret)
        {
            var options = Utf8.ToNative(_options.ToJson(clientSecret));
            try
            {
                for (var attempt = 0; ; attempt++)
                {
                    var generation = CognitoRuntime.EnsureRunning();
                    IntPtr native;
                    var status = NativeMethods.cognito_user_pool_new(Utf8.ToNative(PoolID), Utf8.ToNative(clientID), options, out native);
                    if (status == CognitoStatus.ErrShutDown && attempt == 0)
                    {
                        // Another AppDomain shut the process-wide library down; start it again, once.
                        Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                        CognitoRuntime.OnShutDownElsewhere(generation);
                        continue;
                    }
                    Errors.Check(status, "cognito_user_pool_new");
                    var handle = new UserPoolHandle();
                    handle.Attach(native, generation);
                    return handle;
                }
            }
            finally
            {
                Array.Clear(options, 0, options.Length); // it holds the client secret
            }
        }

        /// <summary>The native app client, referenced: the caller releases it, or hands it to a call that does.</summary>
        internal UserPoolHandle Acquire()
        {
            if (_calls.IsClosed)
            {
                throw Disposed();
            }
            _handle.Acquire(GetType().Name);
            return _handle;
        }

        private Exception Disposed()
        {
            return new ObjectDisposedException(GetType().Name);
        }

        internal static void Deliver<T>(Func<Task<T>> start, AmazonCognitoIdentityCallback<T> callback, AsyncOptions options)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            options = options ?? new AsyncOptions();
            var context = Dispatch.CallbackContext(options);
            Task<T> task;
            try
            {
                task = start();
            }
            catch (Exception e)
            {
                task = Task.FromException<T>(e);
            }
            Dispatch.Deliver(task, callback, options.State, context);
        }

        internal static void Deliver(Func<Task> start, AmazonCognitoIdentityCallback<object> callback, AsyncOptions options)
        {
            Deliver(() => AsObject(start()), callback, options);
        }

        private static async Task<object> AsObject(Task task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }
}
