using System;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    // Developer-authenticated identities: the identity id and its OpenID token come from the app's own
    // backend (GetOpenIdTokenForDeveloperIdentity), as with the AWS SDK for .NET's RefreshIdentity
    // override, or from a delegate.
    public partial class CognitoAWSCredentials
    {
        /// <summary>The login name under which a developer identity's token is sent.</summary>
        internal const string DeveloperProviderName = "cognito-identity.amazonaws.com";

        private const string NoBaseRefresh =
            "CognitoAWSCredentials has no base implementation of RefreshIdentity / RefreshIdentityAsync to call:"
            + " without an override the native engine gets the identity from Cognito (GetId) itself. Override"
            + " one of them to supply a developer-authenticated identity, and do not call the base method.";

        /// <summary>
        /// Sets where a developer-authenticated identity comes from, for apps that do not subclass (a
        /// subclass overrides <see cref="RefreshIdentityAsync"/> instead): whenever the identity or fresh
        /// credentials are needed (first use, then every credentials refresh), <paramref name="source"/>
        /// is asked for the identity id and OpenID token that your backend got from
        /// GetOpenIdTokenForDeveloperIdentity; the token is sent under <c>cognito-identity.amazonaws.com</c>
        /// and Cognito's GetId is never called. It runs on the <see cref="SynchronizationContext"/> of the
        /// calling thread if it has one (e.g. Unity's main thread), else on the thread pool, and must finish
        /// within <see cref="CognitoOptions.LoginsTimeout"/> (120 s by default), after which its token is
        /// cancelled (also on <see cref="Dispose()"/>). A failure (an exception, a cancelled task, no
        /// token) makes the credentials call fail with <see cref="LoginsProviderException"/> carrying its
        /// message. Clears the cached credentials. Null removes the source (as does
        /// <c>RemoveLogin("cognito-identity.amazonaws.com")</c>); so does <see cref="Clear"/>, except
        /// that a <see cref="RefreshIdentityAsync"/> override is installed again.
        /// </summary>
        /// <param name="source">Returns <c>new IdentityState(identityId, providerName, token, false)</c>;
        /// the provider name is informational. Null to remove the source.</param>
        public void SetDeveloperIdentitySource(Func<CancellationToken, Task<IdentityState>> source)
        {
            if (source == null)
            {
                RemoveLogin(DeveloperProviderName);
                return;
            }
            var bridge = new DeveloperIdentityBridge(
                source,
                "the developer identity source",
                SynchronizationContext.Current,
                _options.LoginsTimeout ?? DefaultLoginsTimeout,
                _disposing.Token);
            lock (_sync)
            {
                var handle = AcquireProvider();
                try
                {
                    // A replaced source's bridge stays pinned until the provider is freed: a request
                    // may still be on its way to it.
                    RegisterDeveloperSource(handle, bridge);
                }
                finally
                {
                    handle.DangerousRelease();
                }
                _developerSource = bridge;
                _tokens.Remove(DeveloperProviderName);
                _loginsProviders.Remove(DeveloperProviderName);
            }
        }

        /// <summary>
        /// The hook of developer-authenticated identities, as in the AWS SDK for .NET: override it (or
        /// <see cref="RefreshIdentityAsync"/>) to return the identity id and OpenID token your backend
        /// got from GetOpenIdTokenForDeveloperIdentity. Called on the thread pool, whenever the identity or
        /// fresh credentials are needed; it may block on network I/O. Without an override of either hook
        /// the identity comes from Cognito (GetId), and the base method throws
        /// <see cref="NotSupportedException"/>: an override must not call it.
        /// </summary>
        /// <returns><c>new IdentityState(identityId, providerName, token, false)</c>.</returns>
        protected virtual IdentityState RefreshIdentity()
        {
            if ((_hooks.Overridden & HookOverrides.RefreshIdentityAsync) == 0)
            {
                throw new NotSupportedException(NoBaseRefresh);
            }
            return _hooks.RefreshIdentityAsync().GetAwaiter().GetResult();
        }

        /// <summary>
        /// The asynchronous hook of developer-authenticated identities, as in the AWS SDK for .NET: a
        /// subclass overriding it (or <see cref="RefreshIdentity"/>) supplies the identity itself, and
        /// Cognito's GetId is never called. It is asked whenever the identity or fresh credentials are
        /// needed (first use, then every credentials refresh; <see cref="ClearCredentials"/> makes the next
        /// call ask again), on the <see cref="SynchronizationContext"/> of the thread that created this
        /// object if it had one (e.g. Unity's main thread), else on the thread pool; it must finish within
        /// <see cref="CognitoOptions.LoginsTimeout"/> (120 s by default). The token is sent under
        /// <c>cognito-identity.amazonaws.com</c>. An exception (or a missing identity id or token) makes the
        /// credentials call fail with <see cref="LoginsProviderException"/> carrying its message. The base
        /// method runs an overridden <see cref="RefreshIdentity"/> on the thread pool, so subclasses
        /// written for the AWS SDK's synchronous hook work unchanged; without any override it is never
        /// called (and fails if it is).
        /// </summary>
        /// <returns><c>new IdentityState(identityId, providerName, token, false)</c>.</returns>
        public virtual Task<IdentityState> RefreshIdentityAsync()
        {
            if ((_hooks.Overridden & HookOverrides.RefreshIdentity) == 0)
            {
                return Task.FromException<IdentityState>(new NotSupportedException(NoBaseRefresh));
            }
            return Task.Run(() => RefreshIdentity());
        }

        /// <summary>The source of a subclass overriding a hook, or null. Holds the object weakly, so that
        /// an object nobody references can still be collected (its provider is then freed).</summary>
        private DeveloperIdentityBridge CreateRefreshIdentityBridge()
        {
            if ((_hooks.Overridden & HookOverrides.Refresh) == 0)
            {
                return null;
            }
            var owner = new WeakReference(this);
            Func<CancellationToken, Task<IdentityState>> refresh = cancellationToken =>
            {
                var target = owner.Target as CognitoAWSCredentials;
                if (target == null)
                {
                    throw new ObjectDisposedException(typeof(CognitoAWSCredentials).Name);
                }
                return target._hooks.RefreshIdentityAsync();
            };
            return new DeveloperIdentityBridge(
                refresh,
                (_hooks.Overridden & HookOverrides.RefreshIdentityAsync) != 0 ? "RefreshIdentityAsync" : "RefreshIdentity",
                _eventContext,
                _options.LoginsTimeout ?? DefaultLoginsTimeout,
                _disposing.Token);
        }

        private static void RegisterDeveloperSource(ProviderHandle handle, DeveloperIdentityBridge bridge)
        {
            Errors.Check(
                NativeMethods.cognito_provider_set_developer_identity_source(
                    handle, DeveloperIdentityBridge.Callback, handle.Pin(bridge)),
                "cognito_provider_set_developer_identity_source");
        }

        /// <summary>
        /// A developer-authenticated identity, as the AWS SDK for .NET's
        /// <c>CognitoAWSCredentials.IdentityState</c>: what <see cref="RefreshIdentityAsync"/> and the
        /// delegate of <see cref="SetDeveloperIdentitySource"/> return.
        /// </summary>
        public class IdentityState
        {
            /// <summary>An identity with its login token: <paramref name="token"/> is the OpenID token your
            /// backend got from GetOpenIdTokenForDeveloperIdentity.</summary>
            /// <param name="identityId">The identity id, <c>&lt;region&gt;:&lt;guid&gt;</c>.</param>
            /// <param name="provider">The login provider name (informational: the token is always sent
            /// under <c>cognito-identity.amazonaws.com</c>).</param>
            /// <param name="token">The OpenID token.</param>
            /// <param name="fromCache">Whether the identity id came from a cache (informational).</param>
            public IdentityState(string identityId, string provider, string token, bool fromCache)
            {
                IdentityId = identityId;
                LoginProvider = provider;
                LoginToken = token;
                FromCache = fromCache;
            }

            /// <summary>An identity without a login token (the AWS SDK's constructor; a developer identity
            /// source must also give a token, so returning this fails the request).</summary>
            public IdentityState(string identityId, bool fromCache)
            {
                IdentityId = identityId;
                FromCache = fromCache;
            }

            /// <summary>The identity id.</summary>
            public string IdentityId { get; private set; }

            /// <summary>The login provider name, or null (informational).</summary>
            public string LoginProvider { get; private set; }

            /// <summary>The OpenID token, or null.</summary>
            public string LoginToken { get; private set; }

            /// <summary>Whether the identity id came from a cache (informational).</summary>
            public bool FromCache { get; private set; }

            /// <summary>Whether both a login provider name and a token are present.</summary>
            public bool LoginSpecified
            {
                get { return !string.IsNullOrEmpty(LoginProvider) && !string.IsNullOrEmpty(LoginToken); }
            }
        }
    }
}
