using System;
using System.Collections.Generic;
using System.Threading;
using AOT;

namespace CognitoNative.Interop
{
    /// <summary>Starts one native call with its <c>user_data</c>: the P/Invoke, with its arguments bound.</summary>
    internal delegate CognitoStatus NativeStart(IntPtr userData, out ulong callId);

    /// <summary>Where a sign-in stands after a native step: signed in (<see cref="Session"/>) or a challenge.
    /// The handles are owned by whoever takes the step; <see cref="Dispose"/> frees what was not taken.</summary>
    internal sealed class SignInStep : IDisposable
    {
        internal UserSessionHandle Session;
        internal ChallengeHandle Challenge;
        internal Dictionary<string, string> Parameters = new Dictionary<string, string>(StringComparer.Ordinal);

        public void Dispose()
        {
            if (Session != null)
            {
                Session.Dispose();
            }
            if (Challenge != null)
            {
                Challenge.Dispose();
            }
        }
    }

    /// <summary>A signed-in user's tokens, copied from <c>cognito_user_tokens_t</c> (secrets).</summary>
    internal sealed class UserTokens
    {
        internal string IdToken;
        internal string AccessToken;
        internal string RefreshToken;
        internal string Username;
        internal DateTime Expiration;
    }

    /// <summary>A native user-pool call: the P/Invoke is given as a <see cref="NativeStart"/>.</summary>
    internal abstract class UserPoolCall<T> : PendingCall<T>
    {
        private readonly NativeStart _start;

        protected UserPoolCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken)
        {
            _start = start;
        }

        internal override CognitoStatus StartNative(IntPtr userData, out ulong callId)
        {
            return _start(userData, out callId);
        }

        /// <summary>The outcome of a completion without a result to read.</summary>
        protected void Complete(CognitoStatus status, IntPtr error, Func<T> result)
        {
            if (status == CognitoStatus.Ok)
            {
                Succeed(result());
            }
            else
            {
                Fail(status, status == CognitoStatus.ErrCancelled ? null : Errors.FromCallback(status, error));
            }
        }
    }

    /// <summary><c>cognito_user_pool_sign_in</c>, <c>_respond</c>, <c>_verify_software_token</c>,
    /// <c>_resume_saved</c>: the next sign-in step.</summary>
    internal sealed class SignInCall : UserPoolCall<SignInStep>
    {
        internal static readonly NativeMethods.SignInCallback Callback = OnComplete;

        private readonly bool _nullWhenNotFound;

        /// <param name="owner">The calls of the object making it.</param>
        /// <param name="handle">The app client, referenced.</param>
        /// <param name="cancellationToken">Ends the wait.</param>
        /// <param name="start">The P/Invoke.</param>
        /// <param name="nullWhenNotFound">COGNITO_STATUS_ERR_NOT_FOUND is a null step (no saved session), not a failure.</param>
        internal SignInCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start, bool nullWhenNotFound = false)
            : base(owner, handle, cancellationToken, start)
        {
            _nullWhenNotFound = nullWhenNotFound;
        }

        [MonoPInvokeCallback(typeof(NativeMethods.SignInCallback))]
        private static unsafe void OnComplete(IntPtr userData, CognitoStatus status, IntPtr signIn, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            SignInCall call = null;
            SignInStep step = null;
            try
            {
                if (status == CognitoStatus.Ok && signIn != IntPtr.Zero)
                {
                    // The handles are ours from here: own them before anything else can fail.
                    var native = (NativeSignIn*)signIn;
                    step = new SignInStep();
                    var generation = CognitoRuntime.Generation;
                    if (native->Session != IntPtr.Zero)
                    {
                        step.Session = new UserSessionHandle();
                        step.Session.Attach(native->Session, generation);
                    }
                    if (native->Challenge != IntPtr.Zero)
                    {
                        step.Challenge = new ChallengeHandle();
                        step.Challenge.Attach(native->Challenge, generation);
                        step.Challenge.Name = Utf8.FromNative(native->ChallengeName);
                        foreach (var p in Utf8Block.ReadPairs(native->Parameters, native->ParameterCount))
                        {
                            step.Parameters[p.Key] = p.Value;
                        }
                    }
                }
                call = Take<SignInCall>(userData);
                if (status == CognitoStatus.Ok && step == null)
                {
                    throw new InvalidResponseException("The library completed a sign-in step without its outcome.");
                }
                var taken = step;
                step = null;
                if (status == CognitoStatus.ErrNotFound && call._nullWhenNotFound)
                {
                    call.Complete(CognitoStatus.Ok, error, () => null);
                    return;
                }
                call.Complete(status, error, () => taken);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("sign-in completion", e);
                if (step != null)
                {
                    step.Dispose();
                }
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary><c>cognito_user_session_tokens</c>.</summary>
    internal sealed class UserTokensCall : UserPoolCall<UserTokens>
    {
        internal static readonly NativeMethods.UserTokensCallback Callback = OnComplete;

        internal UserTokensCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken, start)
        {
        }

        [MonoPInvokeCallback(typeof(NativeMethods.UserTokensCallback))]
        private static unsafe void OnComplete(IntPtr userData, CognitoStatus status, IntPtr tokens, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            UserTokensCall call = null;
            try
            {
                call = Take<UserTokensCall>(userData);
                UserTokens copied = null;
                if (status == CognitoStatus.Ok)
                {
                    var native = (NativeUserTokens*)tokens;
                    copied = new UserTokens
                    {
                        IdToken = Utf8.FromNative(native->IdToken),
                        AccessToken = Utf8.FromNative(native->AccessToken),
                        RefreshToken = Utf8.FromNative(native->RefreshToken),
                        Username = Utf8.FromNative(native->Username),
                        Expiration = UnixTime.ToDateTime(native->Expiration),
                    };
                }
                call.Complete(status, error, () => copied);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("user tokens completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary><c>cognito_user_session_attributes</c>: the user's attributes by name.</summary>
    internal sealed class AttributesCall : UserPoolCall<Dictionary<string, string>>
    {
        internal static readonly NativeMethods.AttributesCallback Callback = OnComplete;

        internal AttributesCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken, start)
        {
        }

        [MonoPInvokeCallback(typeof(NativeMethods.AttributesCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr attributes, UIntPtr count, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            AttributesCall call = null;
            try
            {
                call = Take<AttributesCall>(userData);
                Dictionary<string, string> copied = null;
                if (status == CognitoStatus.Ok)
                {
                    copied = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var a in Utf8Block.ReadPairs(attributes, count))
                    {
                        copied[a.Key] = a.Value;
                    }
                }
                call.Complete(status, error, () => copied);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("user attributes completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary>A user-pool call without a result (confirmations, passwords, sign-out).</summary>
    internal sealed class DoneCall : UserPoolCall<object>
    {
        internal static readonly NativeMethods.DoneCallback Callback = OnComplete;

        internal DoneCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken, start)
        {
        }

        [MonoPInvokeCallback(typeof(NativeMethods.DoneCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            DoneCall call = null;
            try
            {
                call = Take<DoneCall>(userData);
                call.Complete(status, error, () => null);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("user pool completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary><c>cognito_user_pool_sign_up</c>.</summary>
    internal sealed class SignUpCall : UserPoolCall<SignUpResponse>
    {
        internal static readonly NativeMethods.SignUpCallback Callback = OnComplete;

        internal SignUpCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken, start)
        {
        }

        [MonoPInvokeCallback(typeof(NativeMethods.SignUpCallback))]
        private static unsafe void OnComplete(IntPtr userData, CognitoStatus status, IntPtr result, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            SignUpCall call = null;
            try
            {
                call = Take<SignUpCall>(userData);
                SignUpResponse response = null;
                if (status == CognitoStatus.Ok)
                {
                    var native = (NativeSignUpResult*)result;
                    response = new SignUpResponse(
                        native->UserConfirmed != 0,
                        Utf8.FromNative(native->UserSub),
                        CodeDeliveryDetailsType.FromNative(
                            Utf8.FromNative(native->DeliveryMedium), Utf8.FromNative(native->Destination), null));
                }
                call.Complete(status, error, () => response);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("sign-up completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary>Where a code went: <c>cognito_user_pool_forgot_password</c>, <c>cognito_user_pool_resend_confirmation_code</c>
    /// (null when the pool did not say).</summary>
    internal sealed class CodeDeliveryCall : UserPoolCall<CodeDeliveryDetailsType>
    {
        internal static readonly NativeMethods.CodeDeliveryCallback Callback = OnComplete;

        internal CodeDeliveryCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken, start)
        {
        }

        [MonoPInvokeCallback(typeof(NativeMethods.CodeDeliveryCallback))]
        private static unsafe void OnComplete(IntPtr userData, CognitoStatus status, IntPtr delivery, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            CodeDeliveryCall call = null;
            try
            {
                call = Take<CodeDeliveryCall>(userData);
                CodeDeliveryDetailsType details = null;
                if (status == CognitoStatus.Ok && delivery != IntPtr.Zero)
                {
                    var native = (NativeCodeDelivery*)delivery;
                    details = CodeDeliveryDetailsType.FromNative(
                        Utf8.FromNative(native->DeliveryMedium),
                        Utf8.FromNative(native->Destination),
                        Utf8.FromNative(native->AttributeName));
                }
                call.Complete(status, error, () => details);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("code delivery completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary>A string result: <c>cognito_user_pool_associate_software_token</c>'s secret.</summary>
    internal sealed class StringCall : UserPoolCall<string>
    {
        internal static readonly NativeMethods.StringCallback Callback = OnComplete;

        internal StringCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken, NativeStart start)
            : base(owner, handle, cancellationToken, start)
        {
        }

        [MonoPInvokeCallback(typeof(NativeMethods.StringCallback))]
        private static void OnComplete(IntPtr userData, CognitoStatus status, IntPtr value, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            StringCall call = null;
            try
            {
                call = Take<StringCall>(userData);
                var copied = status == CognitoStatus.Ok ? Utf8.FromNative(value) : null;
                call.Complete(status, error, () => copied);
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("software token completion", e);
                if (call != null)
                {
                    call.FailUnexpected(e);
                }
            }
        }
    }

    /// <summary>
    /// <c>user_data</c> of a session's ended callback (pinned in its <see cref="UserSessionHandle"/>). Holds
    /// its user weakly, so a <see cref="CognitoUser"/> nobody references can still be collected.
    /// </summary>
    internal sealed class SessionEndedBridge
    {
        internal static readonly NativeMethods.SessionEndedCallback Callback = OnEnded;

        private readonly WeakReference _owner;
        private readonly WeakReference _session; // weak: the handle pins this bridge

        internal SessionEndedBridge(CognitoUser owner, UserSessionHandle session)
        {
            _owner = new WeakReference(owner);
            _session = new WeakReference(session);
        }

        [MonoPInvokeCallback(typeof(NativeMethods.SessionEndedCallback))]
        private static void OnEnded(IntPtr userData, byte refused, IntPtr error)
        {
            CognitoRuntime.EnterCallback();
            try
            {
                var bridge = (SessionEndedBridge)System.Runtime.InteropServices.GCHandle.FromIntPtr(userData).Target;
                var owner = bridge._owner.Target as CognitoUser;
                if (owner != null)
                {
                    var why = refused != 0 ? Errors.FromCallback(CognitoStatus.ErrFailed, error) : null;
                    owner.OnSessionEnded(bridge._session.Target as UserSessionHandle, why);
                }
            }
            catch (Exception e)
            {
                CognitoRuntime.ReportCallbackException("session ended", e);
            }
        }
    }
}
