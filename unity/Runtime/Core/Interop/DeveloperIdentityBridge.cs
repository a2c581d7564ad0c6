using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>
    /// <c>user_data</c> of a developer identity source: when the library needs the identity (first use,
    /// every credentials refresh) it asks with a request id; this runs the host's function (a
    /// <c>CognitoAWSCredentials.RefreshIdentityAsync</c> override or the delegate given to
    /// <c>CognitoAWSCredentials.SetDeveloperIdentitySource</c>) and answers with
    /// <c>cognito_developer_identity_complete</c>, exactly once. The function runs on the
    /// <see cref="SynchronizationContext"/> it was registered on (e.g. Unity's main thread), else on the
    /// thread pool; never on the library thread that asked. Its token is cancelled after the logins
    /// timeout (the library stops waiting then) and when the credentials object is disposed.
    /// </summary>
    internal sealed class DeveloperIdentityBridge
    {
        internal static readonly NativeMethods.DeveloperIdentityRequestCallback Callback = OnRequest;

        private readonly Func<CancellationToken, Task<CognitoAWSCredentials.IdentityState>> _fetch;
        private readonly string _name;
        private readonly SynchronizationContext _context;
        private readonly TimeSpan _timeout;
        private readonly CancellationToken _disposed;

        /// <param name="fetch">The host's function.</param>
        /// <param name="name">What it is, for error messages ("RefreshIdentityAsync", ...).</param>
        /// <param name="context">Where it runs; null for the thread pool.</param>
        /// <param name="timeout">After this its token is cancelled (the library's logins timeout).</param>
        /// <param name="disposed">Cancelled when the credentials object is disposed.</param>
        internal DeveloperIdentityBridge(
            Func<CancellationToken, Task<CognitoAWSCredentials.IdentityState>> fetch,
            string name,
            SynchronizationContext context,
            TimeSpan timeout,
            CancellationToken disposed)
        {
            _fetch = fetch;
            _name = name;
            _context = context;
            _timeout = timeout;
            _disposed = disposed;
        }

        [MonoPInvokeCallback(typeof(NativeMethods.DeveloperIdentityRequestCallback))]
        private static void OnRequest(IntPtr userData, ulong requestId)
        {
            CognitoRuntime.EnterCallback();
            try
            {
                var bridge = (DeveloperIdentityBridge)GCHandle.FromIntPtr(userData).Target;
                var request = new IdentityRequest(bridge, requestId);
                if (bridge._context != null)
                {
                    bridge._context.Post(IdentityRequest.RunCallback, request);
                }
                else
                {
                    ThreadPool.QueueUserWorkItem(state => IdentityRequest.RunCallback(state), request);
                }
            }
            catch (Exception e)
            {
                // The library times the request out (logins timeout) if it is never answered.
                CognitoRuntime.ReportCallbackException("developer identity request", e);
            }
        }

        /// <summary>One request for the developer identity, answered exactly once.</summary>
        private sealed class IdentityRequest
        {
            internal static readonly SendOrPostCallback RunCallback = state => ((IdentityRequest)state).Run();

            private readonly DeveloperIdentityBridge _bridge;
            private readonly ulong _requestId;

            internal IdentityRequest(DeveloperIdentityBridge bridge, ulong requestId)
            {
                _bridge = bridge;
                _requestId = requestId;
            }

            private void Run()
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(_bridge._disposed);
                cts.CancelAfter(_bridge._timeout);
                Task<CognitoAWSCredentials.IdentityState> task;
                try
                {
                    task = _bridge._fetch(cts.Token) ?? Task.FromResult<CognitoAWSCredentials.IdentityState>(null);
                }
                catch (Exception e)
                {
                    task = Task.FromException<CognitoAWSCredentials.IdentityState>(e);
                }
                task.ContinueWith(
                    t =>
                    {
                        cts.Dispose();
                        Answer(t);
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            private void Answer(Task<CognitoAWSCredentials.IdentityState> t)
            {
                try
                {
                    byte[] identityId = null;
                    byte[] token = null;
                    var why = Check(t);
                    if (why == null)
                    {
                        try
                        {
                            identityId = Utf8.ToNative(t.Result.IdentityId);
                            token = Utf8.ToNative(t.Result.LoginToken);
                        }
                        catch (ArgumentException e)
                        {
                            why = _bridge._name + " returned an unusable identity: " + e.Message;
                        }
                    }
                    var status = why == null
                        ? NativeMethods.cognito_developer_identity_complete(_requestId, identityId, token, null)
                        : Fail(why);
                    if (status != CognitoStatus.Ok)
                    {
                        var message = Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                        // NOT_FOUND: the library stopped waiting (timeout, cancel, shutdown): nothing to do.
                        // Anything else rejected the answer itself: fail the request rather than let it time out.
                        if (status != CognitoStatus.ErrNotFound && why == null)
                        {
                            if (Fail(_bridge._name + " returned an unusable identity: " + message) != CognitoStatus.Ok)
                            {
                                Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                            }
                        }
                    }
                }
                catch (Exception e)
                {
                    CognitoRuntime.ReportCallbackException("developer identity answer", e);
                }
            }

            /// <summary>Why the outcome is not an answer, or null if it is one.</summary>
            private string Check(Task<CognitoAWSCredentials.IdentityState> t)
            {
                var name = _bridge._name;
                if (t.IsFaulted)
                {
                    return name + " failed: " + t.Exception.GetBaseException().Message;
                }
                if (t.IsCanceled)
                {
                    return name + " was cancelled";
                }
                var state = t.Result;
                if (state == null)
                {
                    return name + " returned no IdentityState";
                }
                if (string.IsNullOrEmpty(state.IdentityId))
                {
                    return name + " returned no identity id";
                }
                if (string.IsNullOrEmpty(state.LoginToken))
                {
                    return name + " returned no token (a developer-authenticated identity needs the OpenID token"
                        + " that GetOpenIdTokenForDeveloperIdentity gave your backend)";
                }
                return null;
            }

            private CognitoStatus Fail(string why)
            {
                byte[] message;
                try
                {
                    message = Utf8.ToNative((why.Length > 4000 ? why.Substring(0, 4000) + "..." : why).Replace('\0', ' '));
                }
                catch (ArgumentException)
                {
                    message = Utf8.ToNative(_bridge._name + " failed"); // e.g. a lone surrogate in the message
                }
                return NativeMethods.cognito_developer_identity_complete(_requestId, null, null, message);
            }
        }
    }
}
