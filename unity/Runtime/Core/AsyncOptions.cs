namespace CognitoNative
{
    /// <summary>Options of a Unity-style asynchronous call (as <c>Amazon.Runtime.AsyncOptions</c>).</summary>
    public class AsyncOptions
    {
        /// <summary>Creates options with <see cref="ExecuteCallbackOnMainThread"/> on.</summary>
        public AsyncOptions()
        {
            ExecuteCallbackOnMainThread = true;
        }

        /// <summary>
        /// Run the callback on the <see cref="System.Threading.SynchronizationContext"/> of the thread
        /// that made the call (Unity's main thread, a UI thread), or on
        /// <see cref="CognitoRuntime.MainThreadContext"/> when that thread has none. When false, or when
        /// there is no context at all, the callback runs on the thread pool. Never on a native thread.
        /// </summary>
        public bool ExecuteCallbackOnMainThread { get; set; }

        /// <summary>Handed back in <see cref="AmazonCognitoIdentityResult{TResponse}.State"/>.</summary>
        public object State { get; set; }
    }
}
