using System;
using System.Threading;
using System.Threading.Tasks;

namespace CognitoNative.Interop
{
    /// <summary>Delivers results and events to user code: on a captured <see cref="SynchronizationContext"/>,
    /// else on the thread pool; never on a native library thread.</summary>
    internal static class Dispatch
    {
        /// <summary>Where a Unity-style callback goes, decided on the calling thread.</summary>
        internal static SynchronizationContext CallbackContext(AsyncOptions options)
        {
            if (!options.ExecuteCallbackOnMainThread)
            {
                return null;
            }
            return SynchronizationContext.Current ?? CognitoRuntime.MainThreadContext;
        }

        /// <summary>Runs <paramref name="callback"/> with the outcome of <paramref name="task"/>.</summary>
        internal static void Deliver<T>(
            Task<T> task, AmazonCognitoIdentityCallback<T> callback, object state, SynchronizationContext context)
        {
            task.ContinueWith(
                t =>
                {
                    var result = t.Status == TaskStatus.RanToCompletion
                        ? new AmazonCognitoIdentityResult<T>(t.Result, null, state)
                        : new AmazonCognitoIdentityResult<T>(default(T), Unwrap(t), state);
                    if (context != null)
                    {
                        context.Post(r => callback((AmazonCognitoIdentityResult<T>)r), result);
                    }
                    else
                    {
                        Guarded(() => callback(result), "a Unity-style callback"); // already on the pool
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }

        /// <summary>Runs <paramref name="action"/> on <paramref name="context"/>, or on the thread pool.
        /// There an exception is reported and dropped, rather than ending the process; on a context
        /// it surfaces the way that context reports errors (Unity logs them).</summary>
        internal static void Run(SynchronizationContext context, Action action, string what)
        {
            if (context != null)
            {
                context.Post(state => ((Action)state)(), action);
                return;
            }
            ThreadPool.QueueUserWorkItem(state => Guarded((Action)state, what), action);
        }

        private static void Guarded(Action action, string what)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException(what, e);
            }
        }

        private static Exception Unwrap(Task t)
        {
            if (t.IsCanceled)
            {
                return new OperationCanceledException("The operation was cancelled.");
            }
            var e = t.Exception;
            return e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e;
        }
    }
}
