using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    /// <summary>
    /// AWS credentials from an Amazon Cognito identity pool: a drop-in for
    /// <c>Amazon.CognitoIdentity.CognitoAWSCredentials</c> backed by the native cognito-native engine.
    /// </summary>
    /// <remarks>
    /// <para>Credentials are cached and refreshed in the background ahead of expiry; any number of
    /// concurrent callers share one request; reading valid cached credentials never waits on I/O.</para>
    /// <para>Asynchronous calls complete on the thread that awaits them (Task API) or on the
    /// <see cref="SynchronizationContext"/> captured at the call (callback API); never on a native
    /// thread. Synchronous calls that would need the network throw
    /// <see cref="InvalidOperationException"/> on a UI or game main thread instead of freezing it.</para>
    /// <para>Dispose it when done: calls in flight then end as cancelled. The native runtime shuts
    /// down by itself on process exit and AppDomain unload.</para>
    /// </remarks>
    public partial class CognitoAWSCredentials : IDisposable
    {
        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        private static readonly TimeSpan DefaultLoginsTimeout = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan DefaultRefreshWindow = TimeSpan.FromMinutes(5); // the native default

        private readonly object _sync = new object();
        private readonly CognitoOptions _options;
        private readonly RegionEndpoint _region;
        private readonly SynchronizationContext _eventContext;
        private readonly IdentityChangedBridge _identityBridge;
        private readonly CancellationTokenSource _disposing = new CancellationTokenSource();
        private readonly CallSet _calls = new CallSet();

        // Logins as given, to configure a replacement provider when CustomRoleArn changes.
        private readonly Dictionary<string, string> _tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, LoginsProviderBridge> _loginsProviders =
            new Dictionary<string, LoginsProviderBridge>(StringComparer.Ordinal);

        // Where the engine's calls of the overridable methods (RefreshIdentity[Async], the identity
        // cache) go, and which of them are overridden; fixed at construction.
        private readonly Hooks _hooks;

        // The developer identity source: a subclass's RefreshIdentity[Async] override (fixed at
        // construction), or the delegate of SetDeveloperIdentitySource; null for Cognito's GetId.
        private readonly DeveloperIdentityBridge _refreshIdentityBridge;
        private DeveloperIdentityBridge _developerSource;

        private ProviderHandle _handle;
        private string _customRoleArn;
        private DecodedCredentials _lastCredentials;

        /// <summary>Credentials for an identity pool, with the enhanced (simplified) flow.</summary>
        /// <param name="identityPoolId">The pool id, <c>&lt;region&gt;:&lt;guid&gt;</c>.</param>
        /// <param name="region">The pool's region.</param>
        public CognitoAWSCredentials(string identityPoolId, RegionEndpoint region)
            : this(null, identityPoolId, null, null, region, null)
        {
        }

        /// <summary>Credentials for an identity pool, with the enhanced flow and explicit options.</summary>
        /// <param name="identityPoolId">The pool id, <c>&lt;region&gt;:&lt;guid&gt;</c>.</param>
        /// <param name="region">The pool's region.</param>
        /// <param name="options">Endpoints, timeouts, identity store...; null for <see cref="CognitoOptions.Default"/>.</param>
        public CognitoAWSCredentials(string identityPoolId, RegionEndpoint region, CognitoOptions options)
            : this(null, identityPoolId, null, null, region, options)
        {
        }

        /// <summary>
        /// Credentials for an identity pool. With role ARNs, the basic flow (GetOpenIdToken and STS
        /// AssumeRoleWithWebIdentity); with both null, the enhanced flow.
        /// </summary>
        /// <param name="accountId">The AWS account id owning the pool (optional).</param>
        /// <param name="identityPoolId">The pool id, <c>&lt;region&gt;:&lt;guid&gt;</c>.</param>
        /// <param name="unAuthRoleArn">Role for guests (basic flow), or null.</param>
        /// <param name="authRoleArn">Role for signed-in users (basic flow), or null.</param>
        /// <param name="region">The pool's region.</param>
        public CognitoAWSCredentials(
            string accountId, string identityPoolId, string unAuthRoleArn, string authRoleArn, RegionEndpoint region)
            : this(accountId, identityPoolId, unAuthRoleArn, authRoleArn, region, null)
        {
        }

        /// <summary>Credentials for an identity pool, with every setting.</summary>
        /// <param name="accountId">The AWS account id owning the pool (optional).</param>
        /// <param name="identityPoolId">The pool id, <c>&lt;region&gt;:&lt;guid&gt;</c>.</param>
        /// <param name="unAuthRoleArn">Role for guests (basic flow), or null.</param>
        /// <param name="authRoleArn">Role for signed-in users (basic flow), or null.</param>
        /// <param name="region">The pool's region.</param>
        /// <param name="options">Endpoints, timeouts, identity store...; null for <see cref="CognitoOptions.Default"/>.</param>
        /// <exception cref="ArgumentNullException">No pool id or region.</exception>
        /// <exception cref="ArgumentException">A malformed pool id, region, ARN or option.</exception>
        public CognitoAWSCredentials(
            string accountId,
            string identityPoolId,
            string unAuthRoleArn,
            string authRoleArn,
            RegionEndpoint region,
            CognitoOptions options)
            : this(accountId, identityPoolId, unAuthRoleArn, authRoleArn, region, options, null)
        {
        }

        /// <summary>The constructor of all others. <paramref name="hooks"/> is null for this object's own
        /// virtual methods, or the overridable methods of another object (the AwsSdk bridge's facade,
        /// which wraps this one).</summary>
        internal CognitoAWSCredentials(
            string accountId,
            string identityPoolId,
            string unAuthRoleArn,
            string authRoleArn,
            RegionEndpoint region,
            CognitoOptions options,
            Hooks hooks)
        {
            if (string.IsNullOrEmpty(identityPoolId))
            {
                throw new ArgumentNullException("identityPoolId");
            }
            if (region == null)
            {
                throw new ArgumentNullException("region");
            }
            AccountId = accountId;
            IdentityPoolId = identityPoolId;
            UnAuthRoleArn = unAuthRoleArn;
            AuthRoleArn = authRoleArn;
            _region = region;
            _options = (options ?? CognitoOptions.Default).Clone();
            _eventContext = SynchronizationContext.Current;
            _identityBridge = new IdentityChangedBridge(this);
            _hooks = hooks ?? OwnHooks();
            _hooks.Native = this;
            _refreshIdentityBridge = CreateRefreshIdentityBridge();
            _developerSource = _refreshIdentityBridge;
            _handle = CreateProvider(null);
        }

        /// <summary>
        /// Raised once per change of the identity id: when one is first obtained (old id null), after
        /// sign-in merges identities, and when a stale cached identity is replaced. Raised on the
        /// <see cref="SynchronizationContext"/> of the thread that created this object, if it had one,
        /// else on the thread pool.
        /// </summary>
        public event EventHandler<IdentityChangedArgs> IdentityChangedEvent;

        /// <summary>The identity id of a <see cref="CognitoAWSCredentials"/> changed (as the AWS SDK's
        /// <c>CognitoAWSCredentials.IdentityChangedArgs</c>).</summary>
        public class IdentityChangedArgs : EventArgs
        {
            internal IdentityChangedArgs(string oldIdentityId, string newIdentityId)
            {
                OldIdentityId = oldIdentityId;
                NewIdentityId = newIdentityId;
            }

            /// <summary>The previous identity id; null when there was none.</summary>
            public string OldIdentityId { get; private set; }

            /// <summary>The new identity id.</summary>
            public string NewIdentityId { get; private set; }
        }

        /// <summary>The AWS account id given at construction, or null.</summary>
        public string AccountId { get; private set; }

        /// <summary>The identity pool id.</summary>
        public string IdentityPoolId { get; private set; }

        /// <summary>The role for guests (basic flow), or null.</summary>
        public string UnAuthRoleArn { get; private set; }

        /// <summary>The role for signed-in users (basic flow), or null.</summary>
        public string AuthRoleArn { get; private set; }

        /// <summary>
        /// The role to ask for (enhanced flow, for pools with rules choosing among several roles), or
        /// null. Setting a different value clears the cached credentials; calls already in flight finish
        /// with the previous role.
        /// </summary>
        public string CustomRoleArn
        {
            get
            {
                lock (_sync)
                {
                    return _customRoleArn;
                }
            }
            set
            {
                lock (_sync)
                {
                    ThrowIfDisposed();
                    if (string.Equals(value, _customRoleArn, StringComparison.Ordinal))
                    {
                        return;
                    }
                    ReplaceProvider(value);
                    _customRoleArn = value;
                }
            }
        }

        /// <summary>
        /// How long before the credentials expire they are refreshed (as the AWS SDK's
        /// <c>RefreshingAWSCredentials.PreemptExpiryTime</c>, "the time before actual expiration to
        /// expire the credentials"): the engine refreshes them in the background that long ahead, at
        /// most halfway through their lifetime, while readers keep getting the valid cached ones.
        /// Default: <see cref="CognitoOptions.RefreshWindow"/> of the options given, else 5 minutes (the
        /// AWS SDK's default is zero: refresh only once expired). Whole seconds; a change applies to the
        /// next credentials fetched and clears the cached credentials (calls in flight finish with the
        /// previous setting).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A negative value.</exception>
        public TimeSpan PreemptExpiryTime
        {
            get
            {
                lock (_sync)
                {
                    return _options.RefreshWindow ?? DefaultRefreshWindow;
                }
            }
            set
            {
                if (value < TimeSpan.Zero)
                {
                    throw new ArgumentOutOfRangeException("value", "PreemptExpiryTime cannot be negative");
                }
                lock (_sync)
                {
                    ThrowIfDisposed();
                    var previous = _options.RefreshWindow;
                    if ((previous ?? DefaultRefreshWindow) == value)
                    {
                        return;
                    }
                    _options.RefreshWindow = value;
                    try
                    {
                        ReplaceProvider(_customRoleArn);
                    }
                    catch
                    {
                        _options.RefreshWindow = previous;
                        throw;
                    }
                }
            }
        }

        /// <summary>When the cached credentials expire (UTC, server time), or null when none are cached
        /// (as the AWS SDK v4's <c>AWSCredentials.Expiration</c>). No I/O.</summary>
        public virtual DateTime? Expiration
        {
            get
            {
                var cached = TryGetCachedCredentials();
                return cached == null ? (DateTime?)null : cached.Expiration;
            }
        }

        /// <summary>The provider names with a login (token or logins provider), sorted.</summary>
        public string[] CurrentLoginProviders
        {
            get
            {
                var handle = AcquireProvider();
                try
                {
                    IntPtr names;
                    Errors.Check(NativeMethods.cognito_provider_logins_list(handle, out names), "cognito_provider_logins_list");
                    var text = Utf8.TakeNative(names);
                    return string.IsNullOrEmpty(text) ? new string[0] : text.Split('\n');
                }
                finally
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>The number of logins.</summary>
        public int LoginsCount
        {
            get
            {
                var handle = AcquireProvider();
                try
                {
                    UIntPtr count;
                    Errors.Check(NativeMethods.cognito_provider_logins_count(handle, out count), "cognito_provider_logins_count");
                    return (int)count.ToUInt32();
                }
                finally
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>
        /// The provider name of an Amazon Cognito user pool, <c>cognito-idp.&lt;region&gt;.amazonaws.com/&lt;userPoolId&gt;</c>,
        /// the key under which to add its id token with <see cref="AddLogin(string, string)"/>.
        /// </summary>
        /// <param name="userPoolId">The user pool id, e.g. <c>us-east-1_AbCdEf123</c>.</param>
        /// <param name="region">The user pool's region; null to read it from the id.</param>
        public static string UserPoolProviderName(string userPoolId, RegionEndpoint region = null)
        {
            CognitoRuntime.EnsureRunning();
            IntPtr name;
            Errors.Check(
                NativeMethods.cognito_user_pool_provider_name(
                    region == null ? null : Utf8.ToNative(region.SystemName), Utf8.ToNative(userPoolId), out name),
                "cognito_user_pool_provider_name");
            return Utf8.TakeNative(name);
        }

        /// <summary>
        /// Adds or replaces the login token of <paramref name="providerName"/> (e.g. a user pool id
        /// token under <c>cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123</c>). Clears the
        /// cached credentials if it changed.
        /// </summary>
        public void AddLogin(string providerName, string token)
        {
            if (string.IsNullOrEmpty(providerName))
            {
                throw new ArgumentNullException("providerName");
            }
            if (string.IsNullOrEmpty(token))
            {
                throw new ArgumentNullException("token");
            }
            lock (_sync)
            {
                var handle = AcquireProvider();
                try
                {
                    Errors.Check(
                        NativeMethods.cognito_provider_add_login(handle, Utf8.ToNative(providerName), Utf8.ToNative(token)),
                        "cognito_provider_add_login");
                }
                finally
                {
                    handle.DangerousRelease();
                }
                _tokens[providerName] = token;
                _loginsProviders.Remove(providerName);
                ForgetUserPoolSession(providerName);
            }
        }

        /// <summary>
        /// Registers a function that supplies a fresh token for <paramref name="providerName"/> whenever
        /// a request needs one, for tokens that expire (user pool id tokens last an hour). It runs on
        /// the <see cref="SynchronizationContext"/> of the calling thread if it has one (e.g. Unity's
        /// main thread), else on the thread pool, and must finish within
        /// <see cref="CognitoOptions.LoginsTimeout"/> (30 s by default), after which its token is
        /// cancelled and the request fails with <see cref="LoginsProviderException"/>.
        /// Replaces a token or function registered for the same name.
        /// </summary>
        public void SetLoginsProvider(string providerName, Func<CancellationToken, Task<string>> tokenProvider)
        {
            if (string.IsNullOrEmpty(providerName))
            {
                throw new ArgumentNullException("providerName");
            }
            if (tokenProvider == null)
            {
                throw new ArgumentNullException("tokenProvider");
            }
            var bridge = new LoginsProviderBridge(
                tokenProvider,
                SynchronizationContext.Current,
                _options.LoginsTimeout ?? DefaultLoginsTimeout,
                _disposing.Token);
            lock (_sync)
            {
                var handle = AcquireProvider();
                try
                {
                    // A replaced function's bridge stays pinned until the provider is freed: a token
                    // request may still be on its way to it.
                    RegisterLoginsProvider(handle, providerName, bridge);
                }
                finally
                {
                    handle.DangerousRelease();
                }
                _loginsProviders[providerName] = bridge;
                _tokens.Remove(providerName);
                ForgetUserPoolSession(providerName);
            }
        }

        /// <summary>Removes the login (token or logins provider) of <paramref name="providerName"/>, if any.</summary>
        public void RemoveLogin(string providerName)
        {
            if (string.IsNullOrEmpty(providerName))
            {
                throw new ArgumentNullException("providerName");
            }
            lock (_sync)
            {
                var handle = AcquireProvider();
                try
                {
                    var status = NativeMethods.cognito_provider_remove_login(handle, Utf8.ToNative(providerName));
                    if (status != CognitoStatus.ErrNotFound)
                    {
                        Errors.Check(status, "cognito_provider_remove_login");
                    }
                }
                finally
                {
                    handle.DangerousRelease();
                }
                _tokens.Remove(providerName);
                _loginsProviders.Remove(providerName);
                ForgetUserPoolSession(providerName);
                if (providerName == DeveloperProviderName)
                {
                    _developerSource = null;
                }
            }
        }

        /// <summary>Whether there is a login for <paramref name="providerName"/>.</summary>
        public bool ContainsProvider(string providerName)
        {
            if (string.IsNullOrEmpty(providerName))
            {
                throw new ArgumentNullException("providerName");
            }
            var handle = AcquireProvider();
            try
            {
                byte contains;
                Errors.Check(
                    NativeMethods.cognito_provider_contains_login(handle, Utf8.ToNative(providerName), out contains),
                    "cognito_provider_contains_login");
                return contains != 0;
            }
            finally
            {
                handle.DangerousRelease();
            }
        }

        /// <summary>The identity id the engine holds (in memory, or loaded from the identity store at creation), else null. No I/O.</summary>
        private string NativeCachedIdentityId()
        {
            var handle = AcquireProvider();
            try
            {
                IntPtr id;
                var status = NativeMethods.cognito_provider_cached_identity_id(handle, out id);
                if (status == CognitoStatus.ErrNotFound)
                {
                    return null;
                }
                Errors.Check(status, "cognito_provider_cached_identity_id");
                return Utf8.TakeNative(id);
            }
            finally
            {
                handle.DangerousRelease();
            }
        }

        /// <summary>
        /// The identity id: the cached one, else a new one from Cognito (blocking). On a thread with a UI
        /// or game <see cref="SynchronizationContext"/> only the cached one is returned; use
        /// <see cref="GetIdentityIdAsync(CancellationToken)"/> there.
        /// </summary>
        /// <exception cref="InvalidOperationException">Nothing cached, on a UI or game main thread.</exception>
        /// <exception cref="AmazonCognitoIdentityException">The service or network failed.</exception>
        public string GetIdentityId()
        {
            var cached = NativeCachedIdentityId();
            if (cached != null)
            {
                return cached;
            }
            ThrowIfBlockingIsUnsafe("GetIdentityId");
            return GetIdentityIdAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        /// <summary>The identity id: the cached one at once, else a new one from Cognito.</summary>
        public Task<string> GetIdentityIdAsync()
        {
            return GetIdentityIdAsync(CancellationToken.None);
        }

        /// <summary>The identity id: the cached one at once, else a new one from Cognito.</summary>
        /// <param name="cancellationToken">Ends the wait (the task is cancelled); a request already
        /// made may still complete and be cached.</param>
        public Task<string> GetIdentityIdAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<string>(cancellationToken);
            }
            var cached = NativeCachedIdentityId();
            if (cached != null)
            {
                return Task.FromResult(cached);
            }
            return Start(new IdentityIdCall(_calls, AcquireProvider(), cancellationToken));
        }

        /// <summary>
        /// Gets the identity id and hands it to <paramref name="callback"/> (Unity-style API), by default
        /// on the <see cref="SynchronizationContext"/> of the calling thread (see <see cref="AsyncOptions"/>).
        /// </summary>
        public void GetIdentityIdAsync(AmazonCognitoIdentityCallback<string> callback, AsyncOptions options = null)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            options = options ?? new AsyncOptions();
            var context = Dispatch.CallbackContext(options);
            Task<string> task;
            try
            {
                task = GetIdentityIdAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                task = Task.FromException<string>(e);
            }
            Dispatch.Deliver(task, callback, options.State, context);
        }

        /// <summary>
        /// Valid credentials: the cached ones at once (a refresh may start in the background), else new
        /// ones from Cognito (blocking). On a thread with a UI or game <see cref="SynchronizationContext"/>
        /// only cached ones are returned; use <see cref="GetCredentialsAsync(CancellationToken)"/> there.
        /// </summary>
        /// <exception cref="InvalidOperationException">Nothing cached, on a UI or game main thread.</exception>
        /// <exception cref="AmazonCognitoIdentityException">The service or network failed.</exception>
        public ImmutableCredentials GetCredentials()
        {
            var cached = TryGetCachedCredentials();
            if (cached != null)
            {
                return cached;
            }
            ThrowIfBlockingIsUnsafe("GetCredentials");
            return GetCredentialsAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        /// <summary>Valid credentials: the cached ones at once, else new ones from Cognito.
        /// Concurrent callers share one request.</summary>
        public Task<ImmutableCredentials> GetCredentialsAsync()
        {
            return GetCredentialsAsync(CancellationToken.None);
        }

        /// <summary>Valid credentials: the cached ones at once, else new ones from Cognito.
        /// Concurrent callers share one request.</summary>
        /// <param name="cancellationToken">Ends the wait (the task is cancelled); the shared request
        /// still completes for the others and is cached.</param>
        public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<ImmutableCredentials>(cancellationToken);
            }
            var cached = TryGetCachedCredentials();
            if (cached != null)
            {
                return Task.FromResult(cached);
            }
            return Start(new CredentialsCall(this, _calls, AcquireProvider(), cancellationToken));
        }

        /// <summary>
        /// Gets credentials and hands them to <paramref name="callback"/> (Unity-style API), by default on
        /// the <see cref="SynchronizationContext"/> of the calling thread (see <see cref="AsyncOptions"/>).
        /// </summary>
        public void GetCredentialsAsync(AmazonCognitoIdentityCallback<ImmutableCredentials> callback, AsyncOptions options = null)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            options = options ?? new AsyncOptions();
            var context = Dispatch.CallbackContext(options);
            Task<ImmutableCredentials> task;
            try
            {
                task = GetCredentialsAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                task = Task.FromException<ImmutableCredentials>(e);
            }
            Dispatch.Deliver(task, callback, options.State, context);
        }

        /// <summary>Signs out: forgets the logins, the identity id (also in the store) and the credentials.
        /// A subclass overriding <see cref="RefreshIdentityAsync"/> stays developer-authenticated (its hook
        /// is asked for the next identity); a <see cref="SetDeveloperIdentitySource"/> delegate is
        /// forgotten like the other logins.</summary>
        public void Clear()
        {
            lock (_sync)
            {
                var handle = AcquireProvider();
                var outer = t_inEngineClear;
                t_inEngineClear = this; // the identity cache hook, if overridden, runs inside this call
                try
                {
                    Errors.Check(NativeMethods.cognito_provider_clear(handle), "cognito_provider_clear");
                    _tokens.Clear();
                    _loginsProviders.Clear();
                    ReleaseUserPoolSession();
                    _developerSource = null;
                    _lastCredentials = null;
                    if (_refreshIdentityBridge != null)
                    {
                        RegisterDeveloperSource(handle, _refreshIdentityBridge);
                        _developerSource = _refreshIdentityBridge;
                    }
                }
                finally
                {
                    t_inEngineClear = outer;
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>Forgets the cached credentials; the next call gets new ones (the identity id and logins
        /// are kept). Virtual as in the AWS SDK; the engine clears its own cache when logins change
        /// without calling it.</summary>
        public virtual void ClearCredentials()
        {
            Invoke(NativeMethods.cognito_provider_clear_credentials, "cognito_provider_clear_credentials");
            _lastCredentials = null;
        }

        /// <summary>Frees the native provider. Calls in flight end as cancelled; later calls throw
        /// <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Frees the native provider (the handle's own finalizer covers the non-disposing case).</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (!disposing)
            {
                return;
            }
            // The calls first: cancelling a token function now would fail them with its error instead.
            if (!_calls.CloseAndCancel())
            {
                return;
            }
            try
            {
                _disposing.Cancel(); // token functions and developer identity sources still running
            }
            catch (AggregateException e)
            {
                CognitoRuntime.ReportCallbackException("a logins provider's cancellation callback", e);
            }
            lock (_sync)
            {
                _handle.Dispose(); // freed natively once the cancelled calls have completed
                ReleaseUserPoolSession();
            }
        }

        /// <summary>Copies native credentials (valid only now) into managed ones. Decoding is skipped when
        /// they are the set decoded last, which makes repeated cached reads cheap.</summary>
        internal unsafe ImmutableCredentials ToManaged(IntPtr credentials)
        {
            var native = (NativeCredentials*)credentials;
            var last = Volatile.Read(ref _lastCredentials);
            if (last != null
                && last.Expiration == native->Expiration
                && Utf8.EqualsNative(native->AccessKeyId, last.AccessKeyId))
            {
                return last.Value;
            }
            var value = new ImmutableCredentials(
                Utf8.FromNative(native->AccessKeyId),
                Utf8.FromNative(native->SecretAccessKey),
                Utf8.FromNative(native->SessionToken),
                UnixEpoch.AddSeconds(native->Expiration));
            Volatile.Write(
                ref _lastCredentials,
                new DecodedCredentials(Utf8.BytesOf(native->AccessKeyId), native->Expiration, value));
            return value;
        }

        /// <summary>From the native identity-changed callback (library thread).</summary>
        internal void OnIdentityChanged(string oldIdentityId, string newIdentityId)
        {
            var handler = IdentityChangedEvent;
            if (handler == null)
            {
                return;
            }
            var args = new IdentityChangedArgs(oldIdentityId, newIdentityId);
            Dispatch.Run(_eventContext, () => handler(this, args), "an IdentityChangedEvent handler");
        }

        /// <summary>The cached credentials if they are valid, else null. No I/O; no managed allocation while
        /// they are the ones decoded last. Also used by the AwsSdk bridge.</summary>
        internal ImmutableCredentials TryGetCachedCredentials()
        {
            var handle = AcquireProvider();
            try
            {
                IntPtr credentials;
                var status = NativeMethods.cognito_provider_cached_credentials(handle, out credentials);
                if (status == CognitoStatus.ErrNotFound)
                {
                    return null;
                }
                Errors.Check(status, "cognito_provider_cached_credentials");
                try
                {
                    return ToManaged(credentials);
                }
                finally
                {
                    NativeMethods.cognito_credentials_free(credentials);
                }
            }
            finally
            {
                handle.DangerousRelease();
            }
        }

        private Task<T> Start<T>(PendingCall<T> call)
        {
            return _calls.Start(call, Disposed, "cognito_provider_get_*");
        }

        /// <summary>The calls in flight (ended as cancelled by <see cref="Dispose()"/>).</summary>
        internal CallSet Calls
        {
            get { return _calls; }
        }

        /// <summary>Starts a call on the provider (see <see cref="CallSet.Start{T}"/>).</summary>
        internal Task<T> StartCall<T>(PendingCall<T> call, string function)
        {
            return _calls.Start(call, Disposed, function);
        }

        /// <summary>The current provider, referenced: the caller releases it (DangerousRelease) or hands
        /// it to a call that does.</summary>
        internal ProviderHandle AcquireProviderHandle()
        {
            return AcquireProvider();
        }

        /// <summary>Switches to a new native provider with the current options, logins and identity store
        /// (the options it was created with are fixed). The old one is freed when its calls complete.
        /// Under <see cref="_sync"/>.</summary>
        private void ReplaceProvider(string customRoleArn)
        {
            var replacement = CreateProvider(customRoleArn);
            var previous = _handle;
            Volatile.Write(ref _handle, replacement);
            _lastCredentials = null;
            previous.Dispose();
        }

        private ProviderHandle CreateProvider(string customRoleArn)
        {
            try
            {
                return CreateProviderOnce(customRoleArn);
            }
            catch (RuntimeShutDownException e)
            {
                // Another AppDomain shut the process-wide library down; start it again, once.
                CognitoRuntime.OnShutDownElsewhere(e.Generation);
                return CreateProviderOnce(customRoleArn);
            }
        }

        private ProviderHandle CreateProviderOnce(string customRoleArn)
        {
            var generation = CognitoRuntime.EnsureRunning();
            var pool = Utf8.ToNative(IdentityPoolId);
            var options = Utf8.ToNative(_options.ToJson(_region, AccountId, UnAuthRoleArn, AuthRoleArn, customRoleArn));
            var handle = new ProviderHandle();
            IntPtr provider;
            CognitoStatus status;
            if (HooksAreTheStore)
            {
                // A subclass overrides the identity-cache hooks: they are the store (load runs in this call).
                status = NativeMethods.cognito_provider_new_with_store(
                    pool,
                    options,
                    HookStoreBridge.LoadCallback,
                    HookStoreBridge.SaveCallback,
                    HookStoreBridge.ClearCallback,
                    handle.Pin(new HookStoreBridge(this)),
                    out provider);
            }
            else if (_options.IdentityStore != null)
            {
                status = NativeMethods.cognito_provider_new_with_store(
                    pool,
                    options,
                    StoreBridge.LoadCallback,
                    StoreBridge.SaveCallback,
                    StoreBridge.ClearCallback,
                    handle.Pin(new StoreBridge(_options.IdentityStore)),
                    out provider);
            }
            else
            {
                status = NativeMethods.cognito_provider_new(pool, options, out provider);
            }
            if (status != CognitoStatus.Ok)
            {
                var error = status == CognitoStatus.ErrShutDown
                    ? new RuntimeShutDownException(generation, Errors.ForStatus(status, "cognito_provider_new"))
                    : Errors.ForStatus(status, "cognito_provider_new");
                handle.Abandon();
                throw error;
            }
            handle.Attach(provider, generation);
            try
            {
                Errors.Check(
                    NativeMethods.cognito_provider_set_identity_changed_callback(
                        handle, IdentityChangedBridge.Callback, handle.Pin(_identityBridge)),
                    "cognito_provider_set_identity_changed_callback");
                if (_developerSource != null)
                {
                    RegisterDeveloperSource(handle, _developerSource);
                }
                foreach (var login in _tokens)
                {
                    Errors.Check(
                        NativeMethods.cognito_provider_add_login(handle, Utf8.ToNative(login.Key), Utf8.ToNative(login.Value)),
                        "cognito_provider_add_login");
                }
                foreach (var login in _loginsProviders)
                {
                    RegisterLoginsProvider(handle, login.Key, login.Value);
                }
                ApplyUserPoolSession(handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            return handle;
        }

        private static void RegisterLoginsProvider(ProviderHandle handle, string providerName, LoginsProviderBridge bridge)
        {
            Errors.Check(
                NativeMethods.cognito_provider_set_logins_provider(
                    handle, Utf8.ToNative(providerName), LoginsProviderBridge.Callback, handle.Pin(bridge)),
                "cognito_provider_set_logins_provider");
        }

        /// <summary>The current provider, referenced (DangerousAddRef) so that neither Dispose nor a
        /// CustomRoleArn switch frees it while in use; the caller releases it.</summary>
        private ProviderHandle AcquireProvider()
        {
            while (true)
            {
                ThrowIfDisposed();
                var handle = Volatile.Read(ref _handle);
                var added = false;
                try
                {
                    handle.DangerousAddRef(ref added);
                }
                catch (ObjectDisposedException)
                {
                }
                if (added)
                {
                    if (handle.Generation != CognitoRuntime.Generation)
                    {
                        handle.DangerousRelease();
                        throw new ObjectDisposedException(
                            GetType().Name, "The native runtime was shut down (CognitoRuntime.Shutdown, or process exit / AppDomain unload); create a new object.");
                    }
                    return handle;
                }
                if (ReferenceEquals(handle, Volatile.Read(ref _handle)))
                {
                    throw Disposed();
                }
                // Replaced by a CustomRoleArn switch meanwhile: take the new one.
            }
        }

        private void Invoke(Func<ProviderHandle, CognitoStatus> function, string name)
        {
            var handle = AcquireProvider();
            try
            {
                Errors.Check(function(handle), name);
            }
            finally
            {
                handle.DangerousRelease();
            }
        }

        private void ThrowIfDisposed()
        {
            if (_calls.IsClosed)
            {
                throw Disposed();
            }
        }

        private ObjectDisposedException Disposed()
        {
            return new ObjectDisposedException(GetType().Name);
        }

        /// <summary>Blocking on the network on a UI or game main thread freezes it, and deadlocks if
        /// anything involved (a logins provider, an identity store) needs that thread.</summary>
        private static void ThrowIfBlockingIsUnsafe(string method)
        {
            var context = SynchronizationContext.Current;
            if (context != null && context.GetType() != typeof(SynchronizationContext))
            {
                throw new InvalidOperationException(
                    method + "() would block this thread, which runs a " + context.GetType().Name
                    + " (a UI or game main thread), on network I/O. Use " + method
                    + "Async() instead; " + method + "() only returns what is already cached on such a thread.");
            }
        }

        /// <summary>cognito_provider_new found the library shut down.</summary>
        private sealed class RuntimeShutDownException : InvalidOperationException
        {
            internal RuntimeShutDownException(int generation, Exception inner)
                : base(inner.Message, inner)
            {
                Generation = generation;
            }

            internal int Generation { get; private set; }
        }

        /// <summary>The credentials decoded last, and what identifies them.</summary>
        private sealed class DecodedCredentials
        {
            internal DecodedCredentials(byte[] accessKeyId, long expiration, ImmutableCredentials value)
            {
                AccessKeyId = accessKeyId;
                Expiration = expiration;
                Value = value;
            }

            internal byte[] AccessKeyId { get; private set; }

            internal long Expiration { get; private set; }

            internal ImmutableCredentials Value { get; private set; }
        }
    }
}
