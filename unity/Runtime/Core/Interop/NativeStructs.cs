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
}
