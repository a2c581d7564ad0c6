using System;

namespace CognitoNative
{
    /// <summary>
    /// A signed-in user's tokens (as AWS's <c>CognitoUserSession</c>, the type of
    /// <see cref="CognitoUser.SessionTokens"/>). Secrets: never log them; <see cref="ToString"/> does not
    /// show them.
    /// </summary>
    public class CognitoUserSession
    {
        /// <summary>Creates a session's tokens.</summary>
        public CognitoUserSession(string idToken, string accessToken, string refreshToken, DateTime issuedTime, DateTime expirationTime)
        {
            IdToken = idToken;
            AccessToken = accessToken;
            RefreshToken = refreshToken;
            IssuedTime = issuedTime.ToUniversalTime();
            ExpirationTime = expirationTime.ToUniversalTime();
        }

        /// <summary>The id token (a JWT).</summary>
        public string IdToken { get; set; }

        /// <summary>The access token (a JWT).</summary>
        public string AccessToken { get; set; }

        /// <summary>The refresh token, or null.</summary>
        public string RefreshToken { get; set; }

        /// <summary>When the id token expires (UTC): its <c>exp</c> claim, server time.</summary>
        public DateTime ExpirationTime { get; private set; }

        /// <summary>When these tokens were received (UTC).</summary>
        public DateTime IssuedTime { get; private set; }

        /// <summary>Whether the id token has not expired yet (by this device's clock, as AWS's).</summary>
        public bool IsValid()
        {
            return DateTime.UtcNow < ExpirationTime;
        }

        /// <summary>The times, without the tokens.</summary>
        public override string ToString()
        {
            return "CognitoUserSession(issued " + IssuedTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture)
                + ", expires " + ExpirationTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) + ")";
        }
    }
}
