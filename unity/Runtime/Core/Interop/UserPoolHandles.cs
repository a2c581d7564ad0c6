using System;

namespace CognitoNative.Interop
{
    /// <summary>Owns one native <c>cognito_user_pool_t</c> (an app client).</summary>
    internal sealed class UserPoolHandle : NativeHandle
    {
        /// <inheritdoc />
        protected override void Free(IntPtr native)
        {
            NativeMethods.cognito_user_pool_free(native);
        }
    }

    /// <summary>Owns one native <c>cognito_user_session_t</c> (a signed-in user) and its ended callback's
    /// target. Freeing it does not sign the user out: a provider it was given to keeps the session.</summary>
    internal sealed class UserSessionHandle : NativeHandle
    {
        /// <inheritdoc />
        protected override void Free(IntPtr native)
        {
            NativeMethods.cognito_user_session_free(native);
        }
    }

    /// <summary>Owns one native <c>cognito_challenge_t</c> (a sign-in step to answer), with its name.</summary>
    internal sealed class ChallengeHandle : NativeHandle
    {
        /// <summary>The challenge's name, e.g. <c>NEW_PASSWORD_REQUIRED</c>.</summary>
        internal string Name { get; set; }

        /// <inheritdoc />
        protected override void Free(IntPtr native)
        {
            NativeMethods.cognito_challenge_free(native);
        }
    }
}
