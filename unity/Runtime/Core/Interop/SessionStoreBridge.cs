using System;
using System.Runtime.InteropServices;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>
    /// The session store (<c>cognito_store_t</c>) of <c>cognito_user_pool_new_with_store</c>: forwards to an
    /// <see cref="ISessionStore"/>. Its <c>user_data</c> is pinned until the runtime shuts down
    /// (<see cref="CognitoRuntime.PinUntilShutdown"/>). Sessions hold a refresh token: never in a message.
    /// </summary>
    internal sealed class SessionStoreBridge
    {
        internal static readonly NativeMethods.StoreLoadCallback LoadCallback = OnLoad;
        internal static readonly NativeMethods.StoreSaveCallback SaveCallback = OnSave;
        internal static readonly NativeMethods.StoreClearCallback ClearCallback = OnClear;

        private readonly ISessionStore _store;

        internal SessionStoreBridge(ISessionStore store)
        {
            _store = store;
        }

        /// <summary>The native store, with <paramref name="userData"/> pinning a bridge.</summary>
        internal static NativeStore Native(IntPtr userData)
        {
            return NativeStore.Of(LoadCallback, SaveCallback, ClearCallback, userData);
        }

        private static ISessionStore StoreOf(IntPtr userData)
        {
            return ((SessionStoreBridge)GCHandle.FromIntPtr(userData).Target)._store;
        }

        // All three run on library threads (blocking ones, not the I/O ones), but not only inside
        // completions: none of them marks its thread as a library thread.

        /// <summary>Copies the session into the library's buffer; when it does not fit, returns its length
        /// (the library then calls again with a buffer that fits).</summary>
        [MonoPInvokeCallback(typeof(NativeMethods.StoreLoadCallback))]
        private static UIntPtr OnLoad(IntPtr userData, IntPtr key, IntPtr buffer, UIntPtr capacity)
        {
            try
            {
                var session = StoreOf(userData).Load(Utf8.FromNative(key));
                if (string.IsNullOrEmpty(session))
                {
                    return UIntPtr.Zero;
                }
                return (UIntPtr)Utf8.WriteNativeSecret(session, buffer, (int)Math.Min((ulong)capacity, int.MaxValue));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("session store load", e);
                return UIntPtr.Zero;
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreSaveCallback))]
        private static void OnSave(IntPtr userData, IntPtr key, IntPtr session)
        {
            try
            {
                StoreOf(userData).Save(Utf8.FromNative(key), Utf8.FromNative(session));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("session store save", e);
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreClearCallback))]
        private static void OnClear(IntPtr userData, IntPtr key)
        {
            try
            {
                StoreOf(userData).Clear(Utf8.FromNative(key));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("session store clear", e);
            }
        }
    }
}
