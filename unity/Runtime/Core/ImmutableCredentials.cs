using System;

namespace CognitoNative
{
    /// <summary>Temporary AWS credentials, as <c>Amazon.Runtime.ImmutableCredentials</c> has them, plus their expiry.</summary>
    public class ImmutableCredentials : IEquatable<ImmutableCredentials>
    {
        /// <summary>Creates credentials that do not expire (as the AWS SDK's constructor).</summary>
        public ImmutableCredentials(string awsAccessKeyId, string awsSecretAccessKey, string token)
            : this(awsAccessKeyId, awsSecretAccessKey, token, DateTime.MaxValue)
        {
        }

        /// <summary>Creates credentials that do not expire, with the account id they belong to (as the AWS
        /// SDK's constructor, which uses it for account-based endpoints).</summary>
        /// <param name="awsAccessKeyId">The access key id.</param>
        /// <param name="awsSecretAccessKey">The secret access key.</param>
        /// <param name="token">The session token (may be null for long-term keys).</param>
        /// <param name="accountId">The 12-digit AWS account id, or null.</param>
        public ImmutableCredentials(string awsAccessKeyId, string awsSecretAccessKey, string token, string accountId)
            : this(awsAccessKeyId, awsSecretAccessKey, token, DateTime.MaxValue)
        {
            AccountId = accountId;
        }

        /// <summary>Creates credentials.</summary>
        /// <param name="awsAccessKeyId">The access key id.</param>
        /// <param name="awsSecretAccessKey">The secret access key.</param>
        /// <param name="token">The session token (may be null for long-term keys).</param>
        /// <param name="expiration">When they expire (UTC, server time).</param>
        public ImmutableCredentials(string awsAccessKeyId, string awsSecretAccessKey, string token, DateTime expiration)
        {
            if (string.IsNullOrEmpty(awsAccessKeyId))
            {
                throw new ArgumentNullException("awsAccessKeyId");
            }
            if (string.IsNullOrEmpty(awsSecretAccessKey))
            {
                throw new ArgumentNullException("awsSecretAccessKey");
            }
            AccessKey = awsAccessKeyId;
            SecretKey = awsSecretAccessKey;
            Token = token ?? string.Empty;
            Expiration = expiration.Kind == DateTimeKind.Local ? expiration.ToUniversalTime() : DateTime.SpecifyKind(expiration, DateTimeKind.Utc);
        }

        /// <summary>The access key id (<c>ASIA...</c>).</summary>
        public string AccessKey { get; private set; }

        /// <summary>The secret access key.</summary>
        public string SecretKey { get; private set; }

        /// <summary>The session token.</summary>
        public string Token { get; private set; }

        /// <summary>Whether <see cref="Token"/> must be sent (it is for Cognito credentials).</summary>
        public bool UseToken
        {
            get { return !string.IsNullOrEmpty(Token); }
        }

        /// <summary>The AWS account id the credentials belong to, or null (Cognito does not say, so
        /// credentials from a <see cref="CognitoAWSCredentials"/> have none).</summary>
        public string AccountId { get; private set; }

        /// <summary>When the credentials expire, in UTC, as AWS stated it (server time).</summary>
        public DateTime Expiration { get; private set; }

        /// <summary>A copy (the object is immutable; kept for AWS SDK compatibility).</summary>
        public virtual ImmutableCredentials Copy()
        {
            return new ImmutableCredentials(AccessKey, SecretKey, Token, Expiration) { AccountId = AccountId };
        }

        /// <inheritdoc />
        public bool Equals(ImmutableCredentials other)
        {
            return other != null
                && AccessKey == other.AccessKey
                && SecretKey == other.SecretKey
                && Token == other.Token
                && Expiration == other.Expiration
                && AccountId == other.AccountId;
        }

        /// <inheritdoc />
        public override bool Equals(object obj)
        {
            return Equals(obj as ImmutableCredentials);
        }

        /// <inheritdoc />
        public override int GetHashCode()
        {
            return AccessKey.GetHashCode() ^ Expiration.GetHashCode();
        }

        /// <summary>The access key id and expiry; never the secrets.</summary>
        public override string ToString()
        {
            return AccessKey + " (expires " + Expiration.ToString("u") + ")";
        }
    }
}
