using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using UnityEngine;
using UnityEngine.Networking;

namespace CognitoNative.Unity
{
    /// <summary>
    /// AWS Signature Version 4 for <see cref="UnityWebRequest"/>, with a <see cref="CognitoAWSCredentials"/>'
    /// credentials: sign a request (its headers are set) before <c>SendWebRequest()</c>, or get a
    /// presigned URL for <c>UnityWebRequest.Get</c> / <c>Put</c>. Call them on the main thread, as every
    /// <see cref="UnityWebRequest"/> member; the signing itself runs on a native thread and the main
    /// thread never waits for it; headers are set, and callbacks run, on the main thread.
    /// </summary>
    public static class CognitoUnitySigning
    {
        /// <summary>
        /// Signs <paramref name="request"/> for <paramref name="service"/> and sets the signing headers on it
        /// (on the main thread), then hands it to <paramref name="callback"/> (on the main thread unless
        /// <paramref name="options"/> say otherwise): send it from there. Signed: the URL, the method,
        /// the upload handler's body (for S3, <c>UNSIGNED-PAYLOAD</c> when the handler does not expose it,
        /// e.g. <see cref="UploadHandlerFile"/>), the <c>Content-Type</c> and <c>Content-MD5</c> headers
        /// set with <c>SetRequestHeader</c>, and those named in <paramref name="signedHeaders"/>.
        /// </summary>
        /// <param name="credentials">The credentials that sign.</param>
        /// <param name="request">The request, its URL, method, upload handler and headers set.</param>
        /// <param name="service">The service's signing name: <c>s3</c>, <c>execute-api</c>, <c>dynamodb</c>...</param>
        /// <param name="callback">Receives the request (or the failure).</param>
        /// <param name="region">The region to sign for; null for the identity pool's.</param>
        /// <param name="options">Where the callback runs (the main thread by default) and its state.</param>
        /// <param name="signedHeaders">More headers set on the request that must be signed (e.g. <c>x-amz-meta-*</c>).</param>
        public static void SignRequestAsync(
            this CognitoAWSCredentials credentials,
            UnityWebRequest request,
            string service,
            AmazonCognitoIdentityCallback<UnityWebRequest> callback,
            string region = null,
            AsyncOptions options = null,
            IList<string> signedHeaders = null)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            options = options ?? new AsyncOptions();
            var context = options.ExecuteCallbackOnMainThread ? MainContext() : null;
            var state = options.State;
            Task task;
            try
            {
                task = credentials.SignRequestAsync(request, service, region, signedHeaders, CancellationToken.None);
            }
            catch (Exception e)
            {
                task = Task.FromException(e);
            }
            task.ContinueWith(
                t => Run(context, () => callback(new AmazonCognitoIdentityResult<UnityWebRequest>(
                    t.Status == TaskStatus.RanToCompletion ? request : null, Failure(t), state))),
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }

        /// <summary>
        /// Signs <paramref name="request"/> for <paramref name="service"/>; the task completes once the
        /// signing headers are set on it (on the main thread: call this there). See the callback form for
        /// what is signed.
        /// </summary>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentException">A body the helper cannot read, for a service other than S3.</exception>
        public static Task SignRequestAsync(
            this CognitoAWSCredentials credentials,
            UnityWebRequest request,
            string service,
            string region = null,
            IList<string> signedHeaders = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            if (credentials == null)
            {
                throw new ArgumentNullException("credentials");
            }
            var signing = ToSigningRequest(request, service, region, signedHeaders);
            var context = MainContext();
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            credentials.SignAsync(signing, cancellationToken).ContinueWith(
                t =>
                {
                    if (t.Status != TaskStatus.RanToCompletion)
                    {
                        if (t.IsCanceled)
                        {
                            done.TrySetCanceled();
                        }
                        else
                        {
                            done.TrySetException(t.Exception.InnerExceptions);
                        }
                        return;
                    }
                    Run(context, () =>
                    {
                        try
                        {
                            foreach (var header in t.Result)
                            {
                                request.SetRequestHeader(header.Key, header.Value);
                            }
                            done.TrySetResult(true);
                        }
                        catch (Exception e)
                        {
                            done.TrySetException(e);
                        }
                    });
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
            return done.Task;
        }

        /// <summary>
        /// A presigned URL for <paramref name="method"/> on <paramref name="url"/> (for
        /// <c>UnityWebRequest.Get(url)</c>, <c>UnityWebRequest.Put(url, bytes)</c>...), valid for
        /// <paramref name="expires"/> (1 second to 7 days) and never past the credentials' own expiry,
        /// handed to <paramref name="callback"/> on the main thread (unless <paramref name="options"/> say
        /// otherwise). The URL carries the session token: do not log it.
        /// </summary>
        public static void GetPresignedUrlAsync(
            this CognitoAWSCredentials credentials,
            string method,
            string url,
            string service,
            TimeSpan expires,
            AmazonCognitoIdentityCallback<string> callback,
            string region = null,
            AsyncOptions options = null)
        {
            if (callback == null)
            {
                throw new ArgumentNullException("callback");
            }
            credentials.PresignAsync(
                new SigningRequest(method, url, service) { Region = region },
                expires,
                r => callback(new AmazonCognitoIdentityResult<string>(
                    r.Response == null ? null : r.Response.AbsoluteUri, r.Exception, r.State)),
                options);
        }

        /// <summary>What a request will send, read on the calling (main) thread.</summary>
        private static SigningRequest ToSigningRequest(UnityWebRequest request, string service, string region, IList<string> signedHeaders)
        {
            if (request == null)
            {
                throw new ArgumentNullException("request");
            }
            if (request.uri == null)
            {
                throw new ArgumentNullException("request", "The request has no URL.");
            }
            var signing = new SigningRequest(string.IsNullOrEmpty(request.method) ? "GET" : request.method, request.uri, service)
            {
                Region = region,
            };
            var names = new List<string> { "Content-Type", "Content-MD5" };
            if (signedHeaders != null)
            {
                names.AddRange(signedHeaders);
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in names)
            {
                var value = seen.Add(name) ? request.GetRequestHeader(name) : null;
                if (!string.IsNullOrEmpty(value))
                {
                    signing.AddHeader(name, value);
                }
            }
            var upload = request.uploadHandler;
            if (upload != null)
            {
                var body = upload.data;
                if (body != null)
                {
                    signing.Body = body;
                }
                else if (signing.Service == "s3")
                {
                    signing.UnsignedPayload = true;
                }
                else
                {
                    throw new ArgumentException(
                        "The request's upload handler does not expose its body, which " + signing.Service
                        + " needs signed: use an UploadHandlerRaw.", "request");
                }
            }
            return signing;
        }

        private static SynchronizationContext MainContext()
        {
            return SynchronizationContext.Current ?? CognitoRuntime.MainThreadContext;
        }

        private static void Run(SynchronizationContext context, Action action)
        {
            if (context != null)
            {
                context.Post(a => ((Action)a)(), action);
                return;
            }
            ThreadPool.QueueUserWorkItem(a =>
            {
                try
                {
                    ((Action)a)();
                }
                catch (Exception e)
                {
                    Debug.LogException(e);
                }
            }, action);
        }

        private static Exception Failure(Task t)
        {
            if (t.IsCanceled)
            {
                return new OperationCanceledException("The operation was cancelled.");
            }
            if (t.IsFaulted)
            {
                return t.Exception.InnerExceptions.Count == 1 ? t.Exception.InnerExceptions[0] : t.Exception;
            }
            return null;
        }
    }
}
