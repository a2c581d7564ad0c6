using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative.Interop;

namespace CognitoNative
{
    public partial class CognitoUser
    {
        /// <summary>Starts a call on the app client with the username.</summary>
        private delegate CognitoStatus PoolStart(UserPoolHandle pool, byte[] username, IntPtr userData, out ulong callId);

        private Task PoolCall(string function, CancellationToken cancellationToken, PoolStart start)
        {
            var user = Utf8.ToNative(RequireUsername());
            var pool = AcquirePool();
            return _calls.Start(
                new DoneCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) => start(pool, user, ud, out id)),
                Disposed,
                function);
        }

        /// <summary>A call that sends the user a code: where it went (null when the pool did not say).</summary>
        private Task<CodeDeliveryDetailsType> SendCodeCall(string function, CancellationToken cancellationToken, PoolStart start)
        {
            var user = Utf8.ToNative(RequireUsername());
            var pool = AcquirePool();
            return _calls.Start(
                new CodeDeliveryCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) => start(pool, user, ud, out id)),
                Disposed,
                function);
        }

        private Task<AuthFlowResponse> SignInAsync(string password, int flow, CancellationToken cancellationToken)
        {
            var user = Utf8.ToNative(RequireUsername());
            var secret = Utf8.ToNative(password);
            try
            {
                var pool = AcquirePool();
                var step = _calls.Start(
                    new SignInCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                        NativeMethods.cognito_user_pool_sign_in(pool, user, secret, flow, SignInCall.Callback, ud, out id)),
                    Disposed,
                    "cognito_user_pool_sign_in");
                return AdvanceAsync(step, null, cancellationToken);
            }
            finally
            {
                Array.Clear(secret, 0, secret.Length); // read by the library inside the call
            }
        }

        /// <summary>Takes a sign-in step: signed in (the session becomes this user's, its tokens read), or a
        /// challenge remembered under a new session id. <paramref name="answered"/>: the session id of the
        /// challenge this step answered, done with once the step succeeded.</summary>
        private async Task<AuthFlowResponse> AdvanceAsync(Task<SignInStep> stepTask, string answered, CancellationToken cancellationToken)
        {
            using (var step = await stepTask.ConfigureAwait(false))
            {
                if (answered != null && (step.Session != null || step.Challenge != null))
                {
                    ForgetChallenge(answered);
                }
                if (step.Session != null)
                {
                    var session = step.Session;
                    Errors.Check(
                        NativeMethods.cognito_user_session_set_ended_callback(
                            session, SessionEndedBridge.Callback, session.Pin(new SessionEndedBridge(this, session))),
                        "cognito_user_session_set_ended_callback");
                    session.Acquire(GetType().Name);
                    var tokens = await StartTokens(session, false, cancellationToken).ConfigureAwait(false);
                    step.Session = null; // taken
                    var result = Adopt(session, tokens);
                    return new AuthFlowResponse(null, result, null, null, null);
                }
                var challenge = step.Challenge;
                step.Challenge = null;
                var id = Remember(challenge);
                return new AuthFlowResponse(id, null, ChallengeNameType.FindValue(challenge.Name), step.Parameters, null);
            }
        }

        private async Task<AuthFlowResponse> RefreshedAsync(UserSessionHandle session, Task<UserTokens> refreshing)
        {
            var tokens = await refreshing.ConfigureAwait(false);
            return new AuthFlowResponse(null, Update(session, tokens), null, null, null);
        }

        /// <summary>The session's tokens; <paramref name="session"/> is referenced, released by the call.</summary>
        private Task<UserTokens> StartTokens(UserSessionHandle session, bool refresh, CancellationToken cancellationToken)
        {
            return _calls.Start(
                new UserTokensCall(_calls, session, cancellationToken, (IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_session_tokens(session, refresh ? (byte)1 : (byte)0, UserTokensCall.Callback, ud, out id)),
                Disposed,
                "cognito_user_session_tokens");
        }

        /// <summary>Makes a just signed-in session this user's.</summary>
        private AuthenticationResultType Adopt(UserSessionHandle session, UserTokens tokens)
        {
            var done = new List<NativeHandle>();
            try
            {
                lock (_sync)
                {
                    if (_calls.IsClosed)
                    {
                        done.Add(session);
                        throw Disposed();
                    }
                    if (_session != null)
                    {
                        done.Add(_session); // a provider given it keeps the old session
                    }
                    done.AddRange(_retired);
                    _retired.Clear();
                    done.AddRange(_challenges.Values);
                    _challenges.Clear();
                    _session = session;
                    if (!string.IsNullOrEmpty(tokens.Username))
                    {
                        Username = tokens.Username;
                        if (string.IsNullOrEmpty(UserID))
                        {
                            UserID = tokens.Username;
                        }
                    }
                }
            }
            finally
            {
                // Outside the lock: freeing a session waits for its ended callback if it is running,
                // and that callback takes the lock.
                foreach (var h in done)
                {
                    h.Dispose();
                }
            }
            return Update(session, tokens);
        }

        /// <summary>New tokens of <paramref name="session"/>: <see cref="SessionTokens"/> if it is still this user's.</summary>
        private AuthenticationResultType Update(UserSessionHandle session, UserTokens tokens)
        {
            var now = DateTime.UtcNow;
            lock (_sync)
            {
                if (session == _session)
                {
                    _sessionTokens = new CognitoUserSession(tokens.IdToken, tokens.AccessToken, tokens.RefreshToken, now, tokens.Expiration);
                }
            }
            return new AuthenticationResultType
            {
                IdToken = tokens.IdToken,
                AccessToken = tokens.AccessToken,
                RefreshToken = tokens.RefreshToken,
                ExpiresIn = (int)Math.Max(0, Math.Min(int.MaxValue, (tokens.Expiration - now).TotalSeconds)),
                TokenType = "Bearer",
            };
        }

        private string Remember(ChallengeHandle challenge)
        {
            lock (_sync)
            {
                if (_calls.IsClosed)
                {
                    challenge.Dispose();
                    throw Disposed();
                }
                var id = "challenge-" + Guid.NewGuid().ToString("N");
                _challenges.Add(id, challenge);
                return id;
            }
        }

        private void ForgetChallenge(string sessionID)
        {
            lock (_sync)
            {
                ChallengeHandle challenge;
                if (_challenges.TryGetValue(sessionID, out challenge))
                {
                    _challenges.Remove(sessionID);
                    challenge.Dispose();
                }
            }
        }

        /// <summary>The pending challenge of <paramref name="sessionID"/>, of kind <paramref name="expected"/> (any when null).</summary>
        private ChallengeHandle FindChallenge(string sessionID, ChallengeNameType expected = null)
        {
            if (string.IsNullOrEmpty(sessionID))
            {
                throw new ArgumentNullException("sessionID", "The SessionID of the challenge (AuthFlowResponse.SessionID) is required.");
            }
            ChallengeHandle challenge;
            lock (_sync)
            {
                if (_calls.IsClosed)
                {
                    throw Disposed();
                }
                if (!_challenges.TryGetValue(sessionID, out challenge))
                {
                    throw new ArgumentException(
                        "No challenge of this user has that SessionID: it was answered already, or belongs to another CognitoUser.", "sessionID");
                }
            }
            if (expected != null && expected != challenge.Name)
            {
                throw new ArgumentException("The challenge of that SessionID is " + challenge.Name + ", not " + expected + ".", "sessionID");
            }
            return challenge;
        }

        private Task<AuthFlowResponse> RespondAsync(
            string sessionID, ChallengeNameType expected, IEnumerable<KeyValuePair<string, string>> answers, CancellationToken cancellationToken)
        {
            var challenge = FindChallenge(sessionID, expected);
            var block = new Utf8Block(true); // new passwords, codes
            try
            {
                var first = block.AddPairs(answers, "the answers");
                block.Pin();
                var pool = AcquirePool();
                var step = _calls.Start(
                    new SignInCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                        NativeMethods.cognito_user_pool_respond(
                            pool, challenge, block.Pairs(first), (UIntPtr)(uint)block.PairCount(first), SignInCall.Callback, ud, out id)),
                    Disposed,
                    "cognito_user_pool_respond");
                return AdvanceAsync(step, sessionID, cancellationToken);
            }
            finally
            {
                block.Dispose();
            }
        }

        private Task SignOutNative(bool everywhere, CancellationToken cancellationToken)
        {
            var session = AcquireSession();
            lock (_sync)
            {
                _sessionTokens = null;
            }
            var done = _calls.Start(
                new DoneCall(_calls, session, cancellationToken, (IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_session_sign_out(session, everywhere ? (byte)1 : (byte)0, DoneCall.Callback, ud, out id)),
                Disposed,
                everywhere ? "cognito_user_session_sign_out (GlobalSignOut)" : "cognito_user_session_sign_out");
            return AfterSignOut(session, done);
        }

        /// <summary>The session ended whatever the pool answered: it is no longer this user's (its handle is kept
        /// until the user is disposed, so that its ended callback still comes).</summary>
        private async Task AfterSignOut(UserSessionHandle session, Task signOut)
        {
            try
            {
                await signOut.ConfigureAwait(false);
            }
            finally
            {
                lock (_sync)
                {
                    if (session == _session)
                    {
                        _session = null;
                        _sessionTokens = null;
                        _retired.Add(session);
                    }
                }
            }
        }

        private static List<KeyValuePair<string, string>> WithoutOwnKeys(IDictionary<string, string> answers)
        {
            var list = new List<KeyValuePair<string, string>>();
            if (answers != null)
            {
                foreach (var a in answers)
                {
                    if (a.Key != "USERNAME" && a.Key != "SECRET_HASH")
                    {
                        list.Add(a);
                    }
                }
            }
            return list;
        }

        private string RequireUsername()
        {
            if (string.IsNullOrEmpty(Username))
            {
                throw new InvalidOperationException("The user has no username: get it with CognitoUserPool.GetUser(userID).");
            }
            return Username;
        }

        private static byte[] Required(string value, string name)
        {
            if (string.IsNullOrEmpty(value))
            {
                throw new ArgumentNullException(name);
            }
            return Utf8.ToNative(value);
        }

        /// <summary>The app client, referenced: the caller releases it, or hands it to a call that does.</summary>
        private UserPoolHandle AcquirePool()
        {
            if (_calls.IsClosed)
            {
                throw Disposed();
            }
            if (_ownPool == null)
            {
                return UserPool.Acquire();
            }
            _ownPool.Acquire(GetType().Name);
            return _ownPool;
        }

        /// <summary>The signed-in session, referenced: the caller releases it, or hands it to a call that does.</summary>
        private UserSessionHandle AcquireSession()
        {
            lock (_sync)
            {
                if (_calls.IsClosed)
                {
                    throw Disposed();
                }
                if (_session == null)
                {
                    // As AWS's EnsureUserAuthenticated.
                    throw new NotAuthorizedException("User is not authenticated.");
                }
                _session.Acquire(GetType().Name);
                return _session;
            }
        }

        /// <summary>A session from a refresh token the app kept (<c>cognito_user_pool_resume</c>), refreshed once
        /// and made this user's.</summary>
        internal Task<AuthFlowResponse> ResumeFromTokenAsync(string refreshToken, string deviceKey, CancellationToken cancellationToken)
        {
            var user = Utf8.ToNative(RequireUsername());
            var token = Utf8.ToNative(refreshToken);
            var device = string.IsNullOrEmpty(deviceKey) ? null : Utf8.ToNative(deviceKey);
            try
            {
                var pool = AcquirePool();
                var step = _calls.Start(
                    new SignInCall(_calls, pool, cancellationToken, (IntPtr ud, out ulong id) =>
                        NativeMethods.cognito_user_pool_resume(pool, user, token, device, SignInCall.Callback, ud, out id)),
                    Disposed,
                    "cognito_user_pool_resume");
                return AdvanceAsync(step, null, cancellationToken);
            }
            finally
            {
                Array.Clear(token, 0, token.Length); // read by the library inside the call
            }
        }

        /// <summary>Whether a session is this user's now.</summary>
        private bool IsSignedIn
        {
            get
            {
                lock (_sync)
                {
                    return _session != null;
                }
            }
        }

        private Task<Dictionary<string, string>> AttributesNative(CancellationToken cancellationToken)
        {
            var session = AcquireSession();
            return _calls.Start(
                new AttributesCall(_calls, session, cancellationToken, (IntPtr ud, out ulong id) =>
                    NativeMethods.cognito_user_session_attributes(session, AttributesCall.Callback, ud, out id)),
                Disposed,
                "cognito_user_session_attributes");
        }

        private Exception Disposed()
        {
            return new ObjectDisposedException(GetType().Name);
        }
    }
}
