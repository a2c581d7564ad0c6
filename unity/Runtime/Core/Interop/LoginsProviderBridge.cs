using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>
    /// <c>user_data</c> of a logins provider: runs the host's token function when the library asks for a
    /// token and answers with <c>cognito_token_request_complete</c>. The function runs on the
    /// <see cref="SynchronizationContext"/> it was registered on (e.g. Unity's main thread, where sign-in
    /// SDKs live), else on the thread pool; never on the library thread that asked.
    /// </summary>
    internal sealed class LoginsProviderBridge
    {
        internal static readonly NativeMethods.TokenRequestCallback Callback = OnTokenRequest;

        private readonly Func<CancellationToken, Task<string>> _fetch;
        private readonly SynchronizationContext _context;
        private readonly TimeSpan _timeout;
        private readonly CancellationToken _disposed;

        internal LoginsProviderBridge(
            Func<CancellationToken, Task<string>> fetch,
            SynchronizationContext context,
            TimeSpan timeout,
            CancellationToken disposed)
        {
            _fetch = fetch;
            _context = context;
            _timeout = timeout;
            _disposed = disposed;
        }

        [MonoPInvokeCallback(typeof(NativeMethods.TokenRequestCallback))]
        private static void OnTokenRequest(IntPtr userData, IntPtr providerName, ulong requestId)
        {
            CognitoRuntime.EnterCallback();
            try
            {
                var bridge = (LoginsProviderBridge)GCHandle.FromIntPtr(userData).Target;
                var request = new TokenRequest(bridge, requestId);
                if (bridge._context != null)
                {
                    bridge._context.Post(TokenRequest.RunCallback, request);
                }
                else
                {
                    ThreadPool.QueueUserWorkItem(state => TokenRequest.RunCallback(state), request);
                }
            }
            catch (Exception e)
            {
                // The library times the request out (logins timeout) if it is never answered.
                CognitoRuntime.ReportCallbackException("token request", e);
            }
        }

        /// <summary>One request for a token, answered exactly once.</summary>
        private sealed class TokenRequest
        {
            internal static readonly SendOrPostCallback RunCallback = state => ((TokenRequest)state).Run();

            private readonly LoginsProviderBridge _bridge;
            private readonly ulong _requestId;

            internal TokenRequest(LoginsProviderBridge bridge, ulong requestId)
            {
                _bridge = bridge;
                _requestId = requestId;
            }

            private void Run()
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(_bridge._disposed);
                cts.CancelAfter(_bridge._timeout);
                Task<string> task;
                try
                {
                    task = _bridge._fetch(cts.Token) ?? Task.FromResult<string>(null);
                }
                catch (Exception e)
                {
                    task = Task.FromException<string>(e);
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

            private void Answer(Task<string> t)
            {
                try
                {
                    CognitoStatus status;
                    if (t.Status == TaskStatus.RanToCompletion && !string.IsNullOrEmpty(t.Result))
                    {
                        status = NativeMethods.cognito_token_request_complete(_requestId, Utf8.ToNative(t.Result), null);
                    }
                    else
                    {
                        var why = t.IsFaulted
                            ? "the logins provider failed: " + t.Exception.GetBaseException().Message
                            : t.IsCanceled ? "the logins provider was cancelled" : "the logins provider returned no token";
                        status = NativeMethods.cognito_token_request_complete(_requestId, null, Utf8.ToNative(why));
                    }
                    if (status != CognitoStatus.Ok)
                    {
                        // NOT_FOUND: the library stopped waiting (timeout, cancel, shutdown). Nothing to do.
                        Utf8.TakeNative(NativeMethods.cognito_last_error_message());
                    }
                }
                catch (Exception e)
                {
                    CognitoRuntime.ReportCallbackException("token answer", e);
                }
            }
        }
    }
}
