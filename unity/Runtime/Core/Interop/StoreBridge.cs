using System;
using System.Runtime.InteropServices;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary><c>store_user_data</c> of <c>cognito_provider_new_with_store</c>: forwards to an <see cref="IIdentityStore"/>.</summary>
    internal sealed class StoreBridge
    {
        internal static readonly NativeMethods.StoreLoadCallback LoadCallback = OnLoad;
        internal static readonly NativeMethods.StoreSaveCallback SaveCallback = OnSave;
        internal static readonly NativeMethods.StoreClearCallback ClearCallback = OnClear;

        /// <summary>These callbacks as a <c>cognito_store_t</c> (cognito_provider_new_with_stores), with
        /// <paramref name="userData"/> pinning a bridge.</summary>
        internal static NativeStore Native(IntPtr userData)
        {
            return NativeStore.Of(LoadCallback, SaveCallback, ClearCallback, userData);
        }

        private readonly IIdentityStore _store;

        internal StoreBridge(IIdentityStore store)
        {
            _store = store;
        }

        private static IIdentityStore StoreOf(IntPtr userData)
        {
            return ((StoreBridge)GCHandle.FromIntPtr(userData).Target)._store;
        }

        // Load runs inside cognito_provider_new, and clear inside cognito_provider_clear /
        // _clear_identity_cache, on the caller's thread; save and clear also run on library threads.
        // So none of them marks its thread as a library thread.

        /// <summary>Copies the stored id into the library's buffer.</summary>
        [MonoPInvokeCallback(typeof(NativeMethods.StoreLoadCallback))]
        private static UIntPtr OnLoad(IntPtr userData, IntPtr poolId, IntPtr buffer, UIntPtr capacity)
        {
            try
            {
                var id = StoreOf(userData).Load(Utf8.FromNative(poolId));
                if (string.IsNullOrEmpty(id))
                {
                    return UIntPtr.Zero;
                }
                // Too long for the buffer: the length alone tells the library so (it then ignores the id).
                return (UIntPtr)Utf8.WriteNative(id, buffer, (int)Math.Min((ulong)capacity, int.MaxValue));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("identity store load", e);
                return UIntPtr.Zero;
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreSaveCallback))]
        private static void OnSave(IntPtr userData, IntPtr poolId, IntPtr identityId)
        {
            try
            {
                StoreOf(userData).Save(Utf8.FromNative(poolId), Utf8.FromNative(identityId));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("identity store save", e);
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
                CognitoRuntime.ReportCallbackException("identity store clear", e);
            }
        }
    }
}
