using System;
using System.Collections.Generic;

namespace CognitoNative
{
    /// <summary>
    /// A named string constant, as the AWS SDK's <c>Amazon.Runtime.ConstantClass</c>: compared with other
    /// constants and with strings, case-insensitively (<c>response.ChallengeName ==
    /// ChallengeNameType.NEW_PASSWORD_REQUIRED</c>, <c>== "SMS_MFA"</c>), and converted to its string.
    /// </summary>
    public abstract class ConstantClass : IEquatable<ConstantClass>
    {
        /// <summary>A constant with <paramref name="value"/>.</summary>
        protected ConstantClass(string value)
        {
            Value = value;
        }

        /// <summary>The constant's string.</summary>
        public string Value { get; private set; }

        /// <summary>The constant's string.</summary>
        public override string ToString()
        {
            return Value;
        }

        /// <summary>The constant's string (null for null).</summary>
        public static implicit operator string(ConstantClass value)
        {
            return value == null ? null : value.Value;
        }

        /// <inheritdoc />
        public override int GetHashCode()
        {
            return StringComparer.OrdinalIgnoreCase.GetHashCode(Value ?? string.Empty);
        }

        /// <summary>Equal to a constant or a string of the same value (case-insensitive).</summary>
        public override bool Equals(object obj)
        {
            var constant = obj as ConstantClass;
            if (constant != null)
            {
                return Equals(constant);
            }
            var text = obj as string;
            return text != null && StringComparer.OrdinalIgnoreCase.Equals(Value, text);
        }

        /// <summary>Equal to a constant of the same value (case-insensitive).</summary>
        public bool Equals(ConstantClass other)
        {
            return (object)other != null && StringComparer.OrdinalIgnoreCase.Equals(Value, other.Value);
        }

        /// <summary>Same value (case-insensitive); two nulls are equal.</summary>
        public static bool operator ==(ConstantClass a, ConstantClass b)
        {
            return (object)a == null ? (object)b == null : a.Equals(b);
        }

        /// <summary>Not the same value.</summary>
        public static bool operator !=(ConstantClass a, ConstantClass b)
        {
            return !(a == b);
        }

        /// <summary>Same value as the string (case-insensitive); null equals null.</summary>
        public static bool operator ==(ConstantClass a, string b)
        {
            return (object)a == null ? b == null : StringComparer.OrdinalIgnoreCase.Equals(a.Value, b);
        }

        /// <summary>Not the same value as the string.</summary>
        public static bool operator !=(ConstantClass a, string b)
        {
            return !(a == b);
        }

        /// <summary>Same value as the string (case-insensitive); null equals null.</summary>
        public static bool operator ==(string a, ConstantClass b)
        {
            return b == a;
        }

        /// <summary>Not the same value as the string.</summary>
        public static bool operator !=(string a, ConstantClass b)
        {
            return !(b == a);
        }

        /// <summary>The constant of <typeparamref name="T"/> with <paramref name="value"/>, or a new one.</summary>
        internal static T Find<T>(string value, Dictionary<string, T> known, Func<string, T> create) where T : ConstantClass
        {
            if (value == null)
            {
                return null;
            }
            T constant;
            return known.TryGetValue(value, out constant) ? constant : create(value);
        }

        internal static Dictionary<string, T> Index<T>(params T[] constants) where T : ConstantClass
        {
            var index = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
            foreach (var c in constants)
            {
                index[c.Value] = c;
            }
            return index;
        }
    }

    /// <summary>The name of a sign-in challenge (as <c>Amazon.CognitoIdentityProvider.ChallengeNameType</c>).</summary>
    public sealed class ChallengeNameType : ConstantClass
    {
        /// <summary>A custom challenge (Lambda triggers): answer with <c>RespondToCustomAuthAsync</c>.</summary>
        public static readonly ChallengeNameType CUSTOM_CHALLENGE = new ChallengeNameType("CUSTOM_CHALLENGE");
        /// <summary>Device SRP (device tracking): not supported by this library.</summary>
        public static readonly ChallengeNameType DEVICE_PASSWORD_VERIFIER = new ChallengeNameType("DEVICE_PASSWORD_VERIFIER");
        /// <summary>Device SRP (device tracking): not supported by this library.</summary>
        public static readonly ChallengeNameType DEVICE_SRP_AUTH = new ChallengeNameType("DEVICE_SRP_AUTH");
        /// <summary>A code sent by email: <c>RespondToEmailMfaAuthAsync</c>.</summary>
        public static readonly ChallengeNameType EMAIL_OTP = new ChallengeNameType("EMAIL_OTP");
        /// <summary>The user must set up an authenticator app: <c>StartMfaSetupAsync</c>, then <c>RespondToMfaSetupAsync</c>.</summary>
        public static readonly ChallengeNameType MFA_SETUP = new ChallengeNameType("MFA_SETUP");
        /// <summary>The user must choose a new password: <c>RespondToNewPasswordRequiredAsync</c>.</summary>
        public static readonly ChallengeNameType NEW_PASSWORD_REQUIRED = new ChallengeNameType("NEW_PASSWORD_REQUIRED");
        /// <summary>SRP's second step (answered inside <c>StartWithSrpAuthAsync</c>).</summary>
        public static readonly ChallengeNameType PASSWORD_VERIFIER = new ChallengeNameType("PASSWORD_VERIFIER");
        /// <summary>The user must choose an MFA method: <c>RespondToChallengeAsync</c> with <c>ANSWER</c>.</summary>
        public static readonly ChallengeNameType SELECT_MFA_TYPE = new ChallengeNameType("SELECT_MFA_TYPE");
        /// <summary>A code sent by SMS: <c>RespondToSmsMfaAuthAsync</c>.</summary>
        public static readonly ChallengeNameType SMS_MFA = new ChallengeNameType("SMS_MFA");
        /// <summary>A code from the authenticator app: <c>RespondToMfaAuthAsync</c>.</summary>
        public static readonly ChallengeNameType SOFTWARE_TOKEN_MFA = new ChallengeNameType("SOFTWARE_TOKEN_MFA");

        private static readonly Dictionary<string, ChallengeNameType> Known = Index(
            CUSTOM_CHALLENGE, DEVICE_PASSWORD_VERIFIER, DEVICE_SRP_AUTH, EMAIL_OTP, MFA_SETUP, NEW_PASSWORD_REQUIRED,
            PASSWORD_VERIFIER, SELECT_MFA_TYPE, SMS_MFA, SOFTWARE_TOKEN_MFA);

        /// <summary>A challenge name (prefer the static members).</summary>
        public ChallengeNameType(string value)
            : base(value)
        {
        }

        /// <summary>The constant for <paramref name="value"/>: a static member, or a new one.</summary>
        public static ChallengeNameType FindValue(string value)
        {
            return Find(value, Known, v => new ChallengeNameType(v));
        }

        /// <summary>The constant for a string.</summary>
        public static implicit operator ChallengeNameType(string value)
        {
            return FindValue(value);
        }
    }

    /// <summary>An authentication flow (as <c>Amazon.CognitoIdentityProvider.AuthFlowType</c>); only the
    /// refresh flows are taken as an argument (<see cref="InitiateRefreshTokenAuthRequest"/>).</summary>
    public sealed class AuthFlowType : ConstantClass
    {
        /// <summary>Refresh with the refresh token.</summary>
        public static readonly AuthFlowType REFRESH_TOKEN = new AuthFlowType("REFRESH_TOKEN");
        /// <summary>Refresh with the refresh token.</summary>
        public static readonly AuthFlowType REFRESH_TOKEN_AUTH = new AuthFlowType("REFRESH_TOKEN_AUTH");
        /// <summary>The password is sent (over TLS): <c>StartWithPasswordAuthAsync</c>.</summary>
        public static readonly AuthFlowType USER_PASSWORD_AUTH = new AuthFlowType("USER_PASSWORD_AUTH");
        /// <summary>Secure Remote Password: <c>StartWithSrpAuthAsync</c>.</summary>
        public static readonly AuthFlowType USER_SRP_AUTH = new AuthFlowType("USER_SRP_AUTH");
        /// <summary>Custom authentication (not started by this library).</summary>
        public static readonly AuthFlowType CUSTOM_AUTH = new AuthFlowType("CUSTOM_AUTH");

        private static readonly Dictionary<string, AuthFlowType> Known = Index(
            REFRESH_TOKEN, REFRESH_TOKEN_AUTH, USER_PASSWORD_AUTH, USER_SRP_AUTH, CUSTOM_AUTH);

        /// <summary>A flow name (prefer the static members).</summary>
        public AuthFlowType(string value)
            : base(value)
        {
        }

        /// <summary>The constant for <paramref name="value"/>: a static member, or a new one.</summary>
        public static AuthFlowType FindValue(string value)
        {
            return Find(value, Known, v => new AuthFlowType(v));
        }

        /// <summary>The constant for a string.</summary>
        public static implicit operator AuthFlowType(string value)
        {
            return FindValue(value);
        }
    }

    /// <summary>How a code was sent (as <c>Amazon.CognitoIdentityProvider.DeliveryMediumType</c>).</summary>
    public sealed class DeliveryMediumType : ConstantClass
    {
        /// <summary>By email.</summary>
        public static readonly DeliveryMediumType EMAIL = new DeliveryMediumType("EMAIL");
        /// <summary>By SMS.</summary>
        public static readonly DeliveryMediumType SMS = new DeliveryMediumType("SMS");

        private static readonly Dictionary<string, DeliveryMediumType> Known = Index(EMAIL, SMS);

        /// <summary>A medium name (prefer the static members).</summary>
        public DeliveryMediumType(string value)
            : base(value)
        {
        }

        /// <summary>The constant for <paramref name="value"/>: a static member, or a new one.</summary>
        public static DeliveryMediumType FindValue(string value)
        {
            return Find(value, Known, v => new DeliveryMediumType(v));
        }

        /// <summary>The constant for a string.</summary>
        public static implicit operator DeliveryMediumType(string value)
        {
            return FindValue(value);
        }
    }
}
