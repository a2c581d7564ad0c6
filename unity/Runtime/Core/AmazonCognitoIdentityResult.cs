using System;

namespace CognitoNative
{
    /// <summary>The outcome of a Unity-style asynchronous call, handed to its <see cref="AmazonCognitoIdentityCallback{TResult}"/>.</summary>
    /// <typeparam name="TResponse">The result type.</typeparam>
    public class AmazonCognitoIdentityResult<TResponse>
    {
        /// <summary>Creates a result.</summary>
        public AmazonCognitoIdentityResult(TResponse response, Exception exception, object state)
        {
            Response = response;
            Exception = exception;
            State = state;
        }

        /// <summary>The result; default when <see cref="Exception"/> is set.</summary>
        public TResponse Response { get; private set; }

        /// <summary>Why the call failed (an <see cref="AmazonCognitoIdentityException"/>, or
        /// <see cref="OperationCanceledException"/>), or null on success.</summary>
        public Exception Exception { get; private set; }

        /// <summary>The <see cref="AsyncOptions.State"/> given to the call.</summary>
        public object State { get; private set; }
    }

    /// <summary>Receives the outcome of a Unity-style asynchronous call.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    public delegate void AmazonCognitoIdentityCallback<TResult>(AmazonCognitoIdentityResult<TResult> result);
}
