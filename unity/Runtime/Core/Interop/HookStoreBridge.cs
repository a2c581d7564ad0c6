using System;
using System.Runtime.InteropServices;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>
    /// <c>store_user_data</c> of <c>cognito_provider_new_with_store</c> when a subclass overrides the
    /// identity-cache hooks (<c>GetCachedIdentityId</c>, <c>CacheIdentityId</c>, <c>ClearIdentityCache</c>):
    /// the engine's store is then those methods. Holds its owner weakly, as the other bridges do.
    /// </summary>
    internal sealed class HookStoreBridge
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

        private readonly WeakReference _owner;

        internal HookStoreBridge(CognitoAWSCredentials owner)
        {
            _owner = new WeakReference(owner);
        }

        private static CognitoAWSCredentials OwnerOf(IntPtr userData)
        {
            return ((HookStoreBridge)GCHandle.FromIntPtr(userData).Target)._owner.Target as CognitoAWSCredentials;
        }

        // As StoreBridge: load runs inside cognito_provider_new_with_store, clear inside
        // cognito_provider_clear / _clear_identity_cache (the caller's thread) or on a library thread,
        // save on a library thread.

        [MonoPInvokeCallback(typeof(NativeMethods.StoreLoadCallback))]
        private static UIntPtr OnLoad(IntPtr userData, IntPtr poolId, IntPtr buffer, UIntPtr capacity)
        {
            try
            {
                var owner = OwnerOf(userData);
                var id = owner == null ? null : owner.StoreLoadThroughHooks();
                if (string.IsNullOrEmpty(id))
                {
                    return UIntPtr.Zero;
                }
                return (UIntPtr)Utf8.WriteNative(id, buffer, (int)Math.Min((ulong)capacity, int.MaxValue));
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("GetCachedIdentityId (identity store load)", e);
                return UIntPtr.Zero;
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreSaveCallback))]
        private static void OnSave(IntPtr userData, IntPtr poolId, IntPtr identityId)
        {
            try
            {
                var owner = OwnerOf(userData);
                if (owner != null)
                {
                    owner.StoreSaveThroughHooks(Utf8.FromNative(identityId));
                }
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("CacheIdentityId (identity store save)", e);
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StoreClearCallback))]
        private static void OnClear(IntPtr userData, IntPtr poolId)
        {
            try
            {
                var owner = OwnerOf(userData);
                if (owner != null)
                {
                    owner.StoreClearThroughHooks();
                }
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("ClearIdentityCache (identity store clear)", e);
            }
        }
    }
}
