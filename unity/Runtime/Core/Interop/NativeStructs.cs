using System;
using System.Runtime.InteropServices;

namespace CognitoNative.Interop
{
    /// <summary><c>cognito_credentials_t</c>. Only ever read through a pointer the library hands out.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeCredentials
    {
        public IntPtr AccessKeyId;
        public IntPtr SecretAccessKey;
        public IntPtr SessionToken;
        /// <summary>Seconds since the Unix epoch (server time).</summary>
        public long Expiration;
        public IntPtr IdentityId;
    }

    /// <summary><c>cognito_error_t</c>. <c>bool</c> is one byte in C, so it is declared as a byte to stay blittable.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeError
    {
        /// <summary><c>cognito_error_kind_t</c> (a <c>uint32_t</c>, the enum's size).</summary>
        public CognitoErrorKind Kind;
        public IntPtr Code;
        public IntPtr Message;
        public byte Retryable;
        public IntPtr RequestId;
        /// <summary>The service answer's HTTP status, or 0 (no answer: network, timeout, local).</summary>
        public ushort HttpStatus;
    }

    /// <summary><c>cognito_header_t</c>: a name/value pair (HTTP headers, challenge parameters and
    /// answers, user attributes), NUL-terminated UTF-8.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeHeader
    {
        public IntPtr Name;
        public IntPtr Value;
    }

    /// <summary><c>cognito_sign_request_t</c>. Its pointers need to stay valid only during the call that
    /// takes it. <c>bool</c> is a byte (blittable); the next pointer is aligned after it, as in C.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeSignRequest
    {
        public IntPtr Method;
        public IntPtr Url;
        public IntPtr Headers;
        public UIntPtr HeaderCount;
        public IntPtr Body;
        public UIntPtr BodyLength;
        public IntPtr PayloadSha256;
        public byte UnsignedPayload;
        public IntPtr Service;
        public IntPtr Region;
    }

    /// <summary><c>cognito_signed_headers_t</c>, from <c>cognito_provider_sign_cached</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeSignedHeaders
    {
        public IntPtr Headers;
        public UIntPtr Count;
    }

    /// <summary><c>cognito_sign_in_t</c>: a session (signed in) or a challenge, each a handle the callback's
    /// receiver owns.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeSignIn
    {
        public IntPtr Session;
        public IntPtr Challenge;
        public IntPtr ChallengeName;
        public IntPtr Parameters;
        public UIntPtr ParameterCount;
    }

    /// <summary><c>cognito_sign_up_result_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeSignUpResult
    {
        public byte UserConfirmed;
        public IntPtr UserSub;
        public IntPtr DeliveryMedium;
        public IntPtr Destination;
    }

    /// <summary><c>cognito_code_delivery_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeCodeDelivery
    {
        public IntPtr DeliveryMedium;
        public IntPtr Destination;
        public IntPtr AttributeName;
    }

    /// <summary><c>cognito_user_tokens_t</c> (secrets: copied into managed strings, never logged).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeUserTokens
    {
        public IntPtr IdToken;
        public IntPtr AccessToken;
        public IntPtr RefreshToken;
        public IntPtr Username;
        /// <summary>The id token's expiration, seconds since the Unix epoch (server time).</summary>
        public long Expiration;
    }

    /// <summary><c>cognito_store_t</c> (<c>cognito_provider_new_with_stores</c>): the three callbacks as function
    /// pointers (of delegates kept in static fields; IntPtr.Zero for NULL) and their <c>user_data</c>. Read
    /// only during the call that takes it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeStore
    {
        public IntPtr Load;
        public IntPtr Save;
        public IntPtr Clear;
        public IntPtr UserData;

        /// <summary>A store of these callbacks.</summary>
        internal static NativeStore Of(
            NativeMethods.StoreLoadCallback load,
            NativeMethods.StoreSaveCallback save,
            NativeMethods.StoreClearCallback clear,
            IntPtr userData)
        {
            return new NativeStore
            {
                Load = Marshal.GetFunctionPointerForDelegate(load),
                Save = Marshal.GetFunctionPointerForDelegate(save),
                Clear = Marshal.GetFunctionPointerForDelegate(clear),
                UserData = userData,
            };
        }
    }
}
