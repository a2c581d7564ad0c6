using CognitoNative.Interop;

namespace CognitoNative
{
    public partial class CognitoAWSCredentials
    {
        // The user pool session that is a login (CognitoUser.GetCognitoAWSCredentials), referenced
        // (DangerousAddRef) so that it can be given again to a replacement provider (CustomRoleArn,
        // PreemptExpiryTime) even once its CognitoUser is disposed; under _sync.
        private UserSessionHandle _userPoolSession;
        private string _userPoolSessionName;

        /// <summary>Makes a signed-in user pool session the login of <paramref name="providerName"/>: its id
        /// token, kept fresh by the library, goes with every request; when the session ends, the login goes
        /// (and the credentials with it).</summary>
        internal void UseUserPoolSession(string providerName, UserSessionHandle session)
        {
            session.Acquire(typeof(CognitoUser).Name);
            lock (_sync)
            {
                try
                {
                    var handle = AcquireProvider();
                    try
                    {
                        Errors.Check(
                            NativeMethods.cognito_provider_set_user_pool_session(handle, session),
                            "cognito_provider_set_user_pool_session");
                    }
                    finally
                    {
                        handle.DangerousRelease();
                    }
                }
                catch
                {
                    session.DangerousRelease();
                    throw;
                }
                ReleaseUserPoolSession();
                _userPoolSession = session;
                _userPoolSessionName = providerName;
                _tokens.Remove(providerName);
                _loginsProviders.Remove(providerName);
            }
        }

        /// <summary>Gives the session login to a new provider, unless the session ended meanwhile (the current
        /// provider then lost the login: signed out, or the refresh token refused). Under <see cref="_sync"/>.</summary>
        private void ApplyUserPoolSession(ProviderHandle handle)
        {
            if (_userPoolSession == null)
            {
                return;
            }
            var current = _handle;
            if (current != null && !current.IsClosed)
            {
                byte contains;
                var status = NativeMethods.cognito_provider_contains_login(current, Utf8.ToNative(_userPoolSessionName), out contains);
                if (status == CognitoStatus.Ok && contains == 0)
                {
                    ReleaseUserPoolSession();
                    return;
                }
                if (status != CognitoStatus.Ok)
                {
                    Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                }
            }
            Errors.Check(
                NativeMethods.cognito_provider_set_user_pool_session(handle, _userPoolSession),
                "cognito_provider_set_user_pool_session");
        }

        /// <summary>The login of <paramref name="providerName"/> was replaced or removed. Under <see cref="_sync"/>.</summary>
        private void ForgetUserPoolSession(string providerName)
        {
            if (_userPoolSession != null && providerName == _userPoolSessionName)
            {
                ReleaseUserPoolSession();
            }
        }

        /// <summary>Under <see cref="_sync"/>.</summary>
        private void ReleaseUserPoolSession()
        {
            if (_userPoolSession != null)
            {
                _userPoolSession.DangerousRelease();
                _userPoolSession = null;
                _userPoolSessionName = null;
            }
        }
    }
}
