namespace CognitoNative
{
    /// <summary>Which side of a request an error is attributed to, as <c>Amazon.Runtime.ErrorType</c>.</summary>
    public enum ErrorType
    {
        /// <summary>The request: a client error (HTTP 4xx).</summary>
        Sender,

        /// <summary>The service: a server error (HTTP 5xx).</summary>
        Receiver,

        /// <summary>Not known, or not from a service answer (network and local errors).</summary>
        Unknown,
    }
}
