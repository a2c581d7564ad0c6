namespace CognitoNative
{
    /// <summary>How an error may be retried, as <c>Amazon.Runtime.RetryableDetails</c>: the
    /// <see cref="AmazonCognitoIdentityException.Retryable"/> of an error that trying again later may
    /// cure (null for the others).</summary>
    public class RetryableDetails
    {
        /// <summary>Creates the details.</summary>
        /// <param name="throttling">Whether the error is throttling.</param>
        public RetryableDetails(bool throttling)
        {
            Throttling = throttling;
        }

        /// <summary>Whether the error is throttling (<c>TooManyRequestsException</c>,
        /// <c>LimitExceededException</c>): back off before trying again.</summary>
        public bool Throttling { get; private set; }
    }
}
