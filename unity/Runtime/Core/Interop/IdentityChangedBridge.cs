using System;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>
    /// <c>user_data</c> of the identity-changed callback. Holds its owner weakly, so a
    /// <see cref="CognitoAWSCredentials"/> nobody references can still be collected (its provider handle
    /// is then finalized, which frees this bridge).
    /// </summary>
    internal sealed class IdentityChangedBridge
    {
        internal static readonly NativeMethods.IdentityChangedCallback Callback = OnIdentityChanged;

        private readonly WeakReference _owner;

        internal IdentityChangedBridge(CognitoAWSCredentials owner)
        {
            _owner = new WeakReference(owner);
        }

        [MonoPInvokeCallback(typeof(NativeMethods.IdentityChangedCallback))]
        private static void OnIdentityChanged(IntPtr userData, IntPtr oldIdentityId, IntPtr newIdentityId)
        {
            CognitoRuntime.EnterCallback();
            try
            {
                var bridge = (IdentityChangedBridge)System.Runtime.InteropServices.GCHandle.FromIntPtr(userData).Target;
                var owner = bridge._owner.Target as CognitoAWSCredentials;
                if (owner != null)
                {
                    owner.OnIdentityChanged(Utf8.FromNative(oldIdentityId), Utf8.FromNative(newIdentityId));
                }
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("identity changed", e);
            }
        }
    }
}
