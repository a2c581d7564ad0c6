using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CognitoNative.AwsSdk
{
    /// <summary>
    /// <c>CognitoNative.CognitoAWSCredentials</c> as an <see cref="Amazon.Runtime.AWSCredentials"/>,
    /// with the AWS SDK's own types (<see cref="Amazon.RegionEndpoint"/>,
    /// <see cref="Amazon.Runtime.ImmutableCredentials"/>, exceptions derived from
    /// <see cref="Amazon.Runtime.AmazonServiceException"/>): for projects that also use AWS SDK clients.
    /// Change <c>using Amazon.CognitoIdentity;</c> to <c>using CognitoNative.AwsSdk;</c> and keep
    /// <c>using Amazon;</c>: <c>new AmazonS3Client(credentials, RegionEndpoint.USEast1)</c> compiles
    /// and runs. The members are the AWS SDK's (and <c>CognitoNative.CognitoAWSCredentials</c>'s
    /// extras), with the same meaning; subclasses override <see cref="RefreshIdentityAsync"/> and the
    /// identity-cache hooks as they would AWS's class.
    /// </summary>
    public class CognitoAWSCredentials : Amazon.Runtime.AWSCredentials, IDisposable
    {
        private readonly global::CognitoNative.CognitoAWSCredentials.HookOverrides _overrides;
        private readonly global::CognitoNative.CognitoAWSCredentials.Hooks _hooks;
        private readonly global::CognitoNative.CognitoAWSCredentials _native;
        private readonly AwsCredentialsCache _cache = new AwsCredentialsCache();

        /// <summary>Credentials for an identity pool, with the enhanced (simplified) flow.</summary>
        public CognitoAWSCredentials(string identityPoolId, Amazon.RegionEndpoint region)
            : this(null, identityPoolId, null, null, region, null)
        {
        }

        /// <summary>Credentials for an identity pool, with the enhanced flow and explicit options.</summary>
        public CognitoAWSCredentials(string identityPoolId, Amazon.RegionEndpoint region, CognitoOptions options)
            : this(null, identityPoolId, null, null, region, options)
        {
        }

        /// <summary>Credentials for an identity pool; with role ARNs, the basic flow (GetOpenIdToken and STS).</summary>
        public CognitoAWSCredentials(
            string accountId, string identityPoolId, string unAuthRoleArn, string authRoleArn, Amazon.RegionEndpoint region)
            : this(accountId, identityPoolId, unAuthRoleArn, authRoleArn, region, null)
        {
        }

        /// <summary>Credentials for an identity pool, with every setting (see
        /// <c>CognitoNative.CognitoAWSCredentials</c>).</summary>
        public CognitoAWSCredentials(
            string accountId,
            string identityPoolId,
            string unAuthRoleArn,
            string authRoleArn,
            Amazon.RegionEndpoint region,
            CognitoOptions options)
        {
            _overrides = global::CognitoNative.CognitoAWSCredentials.FindOverrides(GetType(), typeof(CognitoAWSCredentials));
            _hooks = new global::CognitoNative.CognitoAWSCredentials.Hooks(
                _overrides, GetCachedIdentityId, CacheIdentityId, ClearIdentityCache, RefreshForEngine);
            _native = new global::CognitoNative.CognitoAWSCredentials(
                accountId, identityPoolId, unAuthRoleArn, authRoleArn, AwsBridge.ToNative(region), options, _hooks);
            _native.IdentityChangedEvent += OnIdentityChanged;
            if (_native.PrefetchOption && GetType() == typeof(CognitoAWSCredentials))
            {
                // CognitoOptions.Prefetch, once subscribed (the first identity's event is not missed). A
                // subclass calls Prefetch() at the end of its constructor.
                _native.Prefetch();
            }
        }

        /// <summary>Raised once per change of the identity id, as
        /// <c>CognitoNative.CognitoAWSCredentials.IdentityChangedEvent</c>.</summary>
        public event EventHandler<IdentityChangedArgs> IdentityChangedEvent;

        /// <summary>The AWS account id given at construction, or null.</summary>
        public string AccountId
        {
            get { return Native.AccountId; }
        }

        /// <summary>The identity pool id.</summary>
        public string IdentityPoolId
        {
            get { return Native.IdentityPoolId; }
        }

        /// <summary>The role for guests (basic flow), or null.</summary>
        public string UnAuthRoleArn
        {
            get { return Native.UnAuthRoleArn; }
        }

        /// <summary>The role for signed-in users (basic flow), or null.</summary>
        public string AuthRoleArn
        {
            get { return Native.AuthRoleArn; }
        }

        /// <summary>The role to ask for (enhanced flow), or null; a change clears the cached credentials.</summary>
        public string CustomRoleArn
        {
            get { return Native.CustomRoleArn; }
            set { Native.CustomRoleArn = value; }
        }

        /// <summary>How long before expiry the credentials are refreshed (see
        /// <c>CognitoNative.CognitoAWSCredentials.PreemptExpiryTime</c>).</summary>
        public TimeSpan PreemptExpiryTime
        {
            get { return Native.PreemptExpiryTime; }
            set { Native.PreemptExpiryTime = value; }
        }

#if COGNITO_NATIVE_AWSSDK_V4
        /// <summary>When the cached credentials expire (UTC), or null when none are cached. No I/O.</summary>
        public override DateTime? Expiration
        {
            get { return Native.Expiration; }
        }
#else
        /// <summary>When the cached credentials expire (UTC), or null when none are cached, as AWS SDK v4's
        /// <c>AWSCredentials.Expiration</c>. No I/O.</summary>
        public virtual DateTime? Expiration
        {
            get { return Native.Expiration; }
        }
#endif

        /// <summary>The provider names with a login, sorted.</summary>
        public string[] CurrentLoginProviders
        {
            get { return Native.CurrentLoginProviders; }
        }

        /// <summary>The number of logins.</summary>
        public int LoginsCount
        {
            get { return Native.LoginsCount; }
        }

        /// <summary>A copy of the logins given as tokens: provider name to token.</summary>
        protected Dictionary<string, string> CloneLogins
        {
            get { return Native.LoginsCopy(); }
        }

        private global::CognitoNative.CognitoAWSCredentials Native
        {
            // Inside the engine object's constructor (its first GetCachedIdentityId) it is not assigned yet.
            get { return _native ?? _hooks.Native; }
        }

        /// <summary>The provider name of an Amazon Cognito user pool,
        /// <c>cognito-idp.&lt;region&gt;.amazonaws.com/&lt;userPoolId&gt;</c>.</summary>
        public static string UserPoolProviderName(string userPoolId, Amazon.RegionEndpoint region = null)
        {
            return global::CognitoNative.CognitoAWSCredentials.UserPoolProviderName(
                userPoolId, region == null ? null : AwsBridge.ToNative(region));
        }

        /// <summary>Adds or replaces a login token; clears the cached credentials if it changed.</summary>
        public void AddLogin(string providerName, string token)
        {
            Native.AddLogin(providerName, token);
        }

        /// <summary>Registers a function supplying fresh tokens for <paramref name="providerName"/> (see
        /// <c>CognitoNative.CognitoAWSCredentials.SetLoginsProvider</c>).</summary>
        public void SetLoginsProvider(string providerName, Func<CancellationToken, Task<string>> tokenProvider)
        {
            Native.SetLoginsProvider(providerName, tokenProvider);
        }

        /// <summary>Sets where a developer-authenticated identity comes from, for apps that do not subclass
        /// (see <c>CognitoNative.CognitoAWSCredentials.SetDeveloperIdentitySource</c>).</summary>
        public void SetDeveloperIdentitySource(Func<CancellationToken, Task<IdentityState>> source)
        {
            if (source == null)
            {
                Native.SetDeveloperIdentitySource(null);
                return;
            }
            Native.SetDeveloperIdentitySource(async cancellationToken =>
                (global::CognitoNative.CognitoAWSCredentials.IdentityState)await source(cancellationToken).ConfigureAwait(false));
        }

        /// <summary>Removes the login of <paramref name="providerName"/>, if any.</summary>
        public void RemoveLogin(string providerName)
        {
            Native.RemoveLogin(providerName);
        }

        /// <summary>Whether there is a login for <paramref name="providerName"/>.</summary>
        public bool ContainsProvider(string providerName)
        {
            return Native.ContainsProvider(providerName);
        }

        /// <summary>Signs out: forgets the logins, the identity id (also in the store) and the credentials.</summary>
        public void Clear()
        {
            Native.Clear();
        }

        /// <summary>Forgets the cached credentials; the next call gets new ones.</summary>
        public virtual void ClearCredentials()
        {
            Native.ClearCredentials();
        }

        /// <summary>Starts getting the identity id and credentials in the background; returns at once (see
        /// <c>CognitoNative.CognitoAWSCredentials.Prefetch</c>).</summary>
        public void Prefetch()
        {
            Native.Prefetch();
        }

        /// <summary>The identity-cache hook (see <c>CognitoNative.CognitoAWSCredentials.GetCachedIdentityId</c>).</summary>
        public virtual string GetCachedIdentityId()
        {
            return Native.BaseGetCachedIdentityId();
        }

        /// <summary>The identity-cache hook (see <c>CognitoNative.CognitoAWSCredentials.CacheIdentityId</c>).</summary>
        public virtual void CacheIdentityId(string identityId)
        {
            Native.BaseCacheIdentityId(identityId);
        }

        /// <summary>The identity-cache hook (see <c>CognitoNative.CognitoAWSCredentials.ClearIdentityCache</c>).</summary>
        public virtual void ClearIdentityCache()
        {
            Native.BaseClearIdentityCache();
        }

        /// <summary>The identity id: the cached one, else a new one (blocking; see
        /// <c>CognitoNative.CognitoAWSCredentials.GetIdentityId</c>).</summary>
        public string GetIdentityId()
        {
            return AwsBridge.Run(Native.GetIdentityId);
        }

        /// <summary>The identity id: the cached one at once, else a new one from Cognito.</summary>
        public Task<string> GetIdentityIdAsync()
        {
            return GetIdentityIdAsync(CancellationToken.None);
        }

        /// <summary>The identity id: the cached one at once, else a new one from Cognito.</summary>
        public Task<string> GetIdentityIdAsync(CancellationToken cancellationToken)
        {
            var task = Native.GetIdentityIdAsync(cancellationToken);
            return task.Status == TaskStatus.RanToCompletion ? task : AwsBridge.Translated(task);
        }

        /// <summary>
        /// Valid credentials, in the AWS SDK's type: the cached ones without I/O or allocation; only when
        /// none are cached it waits for new ones (on a UI or game main thread it throws instead).
        /// </summary>
        public override Amazon.Runtime.ImmutableCredentials GetCredentials()
        {
            return AwsBridge.GetCredentials(Native, _cache);
        }

        /// <summary>Valid credentials, in the AWS SDK's type: a completed task while they are cached
        /// (the same one until they change).</summary>
        public override Task<Amazon.Runtime.ImmutableCredentials> GetCredentialsAsync()
        {
            return AwsBridge.GetCredentialsAsync(Native, _cache, CancellationToken.None);
        }

        /// <summary>Valid credentials, in the AWS SDK's type; the token ends the wait.</summary>
        public Task<Amazon.Runtime.ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
        {
            return AwsBridge.GetCredentialsAsync(Native, _cache, cancellationToken);
        }

        /// <summary>The developer identity hook, as the AWS SDK's (see
        /// <c>CognitoNative.CognitoAWSCredentials.RefreshIdentityAsync</c>).</summary>
        public virtual Task<IdentityState> RefreshIdentityAsync()
        {
            if ((_overrides & global::CognitoNative.CognitoAWSCredentials.HookOverrides.RefreshIdentity) == 0)
            {
                return Task.FromException<IdentityState>(new NotSupportedException(NoBaseRefresh));
            }
            return Task.Run(() => RefreshIdentity());
        }

        /// <summary>The synchronous developer identity hook, as the AWS SDK's (see
        /// <c>CognitoNative.CognitoAWSCredentials.RefreshIdentityAsync</c>).</summary>
        protected virtual IdentityState RefreshIdentity()
        {
            if ((_overrides & global::CognitoNative.CognitoAWSCredentials.HookOverrides.RefreshIdentityAsync) == 0)
            {
                throw new NotSupportedException(NoBaseRefresh);
            }
            return RefreshIdentityAsync().GetAwaiter().GetResult();
        }

        /// <summary><paramref name="key"/> for this identity pool: <c>key + ":" + IdentityPoolId</c>.</summary>
        protected string GetNamespacedKey(string key)
        {
            return key + ":" + IdentityPoolId;
        }

        /// <summary>Frees the native provider; calls in flight end as cancelled.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Frees the native provider.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                _native.Dispose();
            }
        }

        private const string NoBaseRefresh =
            "CognitoAWSCredentials has no base implementation of RefreshIdentity / RefreshIdentityAsync to call:"
            + " without an override the native engine gets the identity from Cognito (GetId) itself.";

        private async Task<global::CognitoNative.CognitoAWSCredentials.IdentityState> RefreshForEngine()
        {
            return await RefreshIdentityAsync().ConfigureAwait(false);
        }

        private void OnIdentityChanged(object sender, global::CognitoNative.CognitoAWSCredentials.IdentityChangedArgs e)
        {
            var handler = IdentityChangedEvent;
            if (handler != null)
            {
                handler(this, new IdentityChangedArgs(e.OldIdentityId, e.NewIdentityId));
            }
        }

        /// <summary>The identity id changed (as the AWS SDK's <c>CognitoAWSCredentials.IdentityChangedArgs</c>).</summary>
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

        /// <summary>A developer-authenticated identity, as the AWS SDK's
        /// <c>CognitoAWSCredentials.IdentityState</c>: what <see cref="RefreshIdentityAsync"/> returns.</summary>
        public class IdentityState : global::CognitoNative.CognitoAWSCredentials.IdentityState
        {
            /// <summary>An identity with its login token (the OpenID token from your backend).</summary>
            public IdentityState(string identityId, string provider, string token, bool fromCache)
                : base(identityId, provider, token, fromCache)
            {
            }

            /// <summary>An identity without a login token.</summary>
            public IdentityState(string identityId, bool fromCache)
                : base(identityId, fromCache)
            {
            }
        }
    }
}
