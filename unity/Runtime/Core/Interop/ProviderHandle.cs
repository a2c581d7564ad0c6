using System;

namespace CognitoNative.Interop
{
    /// <summary>
    /// Owns one native <c>cognito_provider_t</c> and the GCHandles its callbacks (identity changes, store,
    /// logins providers, developer identity source) receive as <c>user_data</c> (see <see cref="NativeHandle"/>).
    /// </summary>
    internal sealed class ProviderHandle : NativeHandle
    {
        /// <inheritdoc />
        protected override void Free(IntPtr native)
        {
            NativeMethods.cognito_provider_free(native);
        }
    }
}
