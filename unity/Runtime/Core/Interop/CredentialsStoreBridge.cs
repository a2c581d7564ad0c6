using System;
using System.Runtime.InteropServices;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>
    /// The credentials store (<c>cognito_store_t</c>) of <c>cognito_provider_new_with_stores</c>: forwards
    /// to an <see cref="ICredentialsStore"/>. The entries hold a secret key: never in a message.
    /// </summary>
    internal sealed class CredentialsStoreBridge
    {
        internal static readonly NativeMethods.StoreLoadCallback LoadCallback = OnLoad;
        internal static readonly NativeMethods.StoreSaveCallback SaveCallback = OnSave;
        internal static readonly NativeMethods.StoreClearCallback ClearCallback = OnClear;

        private readonly ICredentialsStore _store;

        internal CredentialsStoreBridge(ICredentialsStore store)
        {
            _store = store;
        }

        /// <summary>The native store, with <paramref name="userData"/> pinning a bridge.</summary>
        internal static NativeStore Native(IntPtr userData)
        {
            return NativeStore.Of(LoadCallback, SaveCallback, ClearCallback, userData);
        }

        private static ICredentialsStore StoreOf(IntPtr userData)
        {
            return ((CredentialsStoreBridge)GCHandle.FromIntPtr(userData).Target)._store;
        }

        // As StoreBridge's: load runs inside cognito_provider_new_with_stores (the creating thread),
        // clear inside cognito_provider_clear* or on a library thread, save on a library thread. None
        // of them marks its thread as a library thread.

        /// <summary>Copies the entry into the library's buffer; when it does not fit, returns its length
        /// (the library then calls again with a buffer that fits).</summary>
        [MonoPInvokeCallback(typeof(NativeMethods.StoreLoadCallback))]
        private static UIntPtr OnLoad(IntPtr userData, IntPtr poolId, IntPtr buffer, UIntPtr capacity)
        {
            try
            {
                var entry = StoreOf(userData).Load(Utf8.FromNative(poolId));
                if (string.IsNullOrEmpty(entry))
                {
                    return UIntPtr.Zero;
                }
                return (UIntPtr)Utf8.WriteNativeSecret(entry, buffer, (int)Math.Min((ulong)capacity, int.MaxValue));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("credentials store load", e);
                return UIntPtr.Zero;
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreSaveCallback))]
        private static void OnSave(IntPtr userData, IntPtr poolId, IntPtr entry)
        {
            try
            {
                StoreOf(userData).Save(Utf8.FromNative(poolId), Utf8.FromNative(entry));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("credentials store save", e);
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreClearCallback))]
        private static void OnClear(IntPtr userData, IntPtr poolId)
        {
            try
            {
                StoreOf(userData).Clear(Utf8.FromNative(poolId));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("credentials store clear", e);
            }
        }
    }
}
