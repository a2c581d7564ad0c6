using System;
using System.Threading;
using System.Threading.Tasks;

namespace CognitoNative.AwsSdk
{
    /// <summary>What the adapter and the facade share: credentials in the AWS SDK's types, the
    /// engine's errors as the AWS SDK's exceptions, regions.</summary>
    internal static class AwsBridge
    {
        internal static Amazon.Runtime.ImmutableCredentials GetCredentials(
            global::CognitoNative.CognitoAWSCredentials source, AwsCredentialsCache cache)
        {
            var cached = source.TryGetCachedCredentials();
            if (cached != null)
            {
                return cache.Convert(cached);
            }
            try
            {
                return cache.Convert(source.GetCredentials());
            }
            catch (global::CognitoNative.AmazonCognitoIdentityException e)
            {
                throw Translate(e);
            }
        }

        internal static Task<Amazon.Runtime.ImmutableCredentials> GetCredentialsAsync(
            global::CognitoNative.CognitoAWSCredentials source, AwsCredentialsCache cache, CancellationToken cancellationToken)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                var cached = source.TryGetCachedCredentials();
                if (cached != null)
                {
                    return cache.ConvertToTask(cached);
                }
            }
            return FetchAsync(source, cache, cancellationToken);
        }

        private static async Task<Amazon.Runtime.ImmutableCredentials> FetchAsync(
            global::CognitoNative.CognitoAWSCredentials source, AwsCredentialsCache cache, CancellationToken cancellationToken)
        {
            try
            {
                return cache.Convert(await source.GetCredentialsAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (global::CognitoNative.AmazonCognitoIdentityException e)
            {
                throw Translate(e);
            }
        }

        internal static T Run<T>(Func<T> call)
        {
            try
            {
                return call();
            }
            catch (global::CognitoNative.AmazonCognitoIdentityException e)
            {
                throw Translate(e);
            }
        }

        internal static async Task<T> Translated<T>(Task<T> task)
        {
            try
            {
                return await task.ConfigureAwait(false);
            }
            catch (global::CognitoNative.AmazonCognitoIdentityException e)
            {
                throw Translate(e);
            }
        }

        internal static global::CognitoNative.RegionEndpoint ToNative(Amazon.RegionEndpoint region)
        {
            if (region == null)
            {
                throw new ArgumentNullException("region");
            }
            return global::CognitoNative.RegionEndpoint.GetBySystemName(region.SystemName);
        }

        /// <summary>
        /// The AWS SDK's exception for an error of the engine: the service's errors are
        /// <see cref="Amazon.Runtime.AmazonServiceException"/>s of the type AWS's clients throw for them
        /// (Cognito Identity's under <see cref="AmazonCognitoIdentityException"/>, STS's under
        /// <see cref="AmazonSecurityTokenServiceException"/>, a user pool's as an
        /// <see cref="Amazon.Runtime.AmazonServiceException"/>), with AWS's error code, type, request id,
        /// status and retryability; the errors on this side of the wire (network, timeouts, bad answers,
        /// a failing logins provider or store) are <see cref="CognitoClientException"/>s, as the AWS SDK
        /// reports its own with <see cref="Amazon.Runtime.AmazonClientException"/>. The engine's exception is
        /// the <see cref="Exception.InnerException"/>.
        /// </summary>
        internal static Exception Translate(global::CognitoNative.AmazonCognitoIdentityException e)
        {
            var type = (Amazon.Runtime.ErrorType)(int)e.ErrorType;
            var retryable = e.Retryable == null ? null : new Amazon.Runtime.RetryableDetails(e.Retryable.Throttling);
            var m = e.Message;
            var code = e.ErrorCode;
            var id = e.RequestId;
            var status = e.StatusCode;
            var kind = e.ErrorKind;
            switch (kind)
            {
                case CognitoErrorKind.NotAuthorized: return new NotAuthorizedException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.ResourceNotFound: return new ResourceNotFoundException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.TooManyRequests: return new TooManyRequestsException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.LimitExceeded: return new LimitExceededException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.InvalidParameter: return new InvalidParameterException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.InvalidIdentityPoolConfiguration: return new InvalidIdentityPoolConfigurationException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.ResourceConflict: return new ResourceConflictException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.ExternalService: return new ExternalServiceException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.InternalError: return new InternalErrorException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.UnknownService: return new AmazonCognitoIdentityException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.InvalidIdentityToken: return new InvalidIdentityTokenException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.ExpiredToken: return new ExpiredTokenException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.IdpCommunicationError: return new IDPCommunicationErrorException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.IdpRejectedClaim: return new IDPRejectedClaimException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.RegionDisabled: return new RegionDisabledException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                case CognitoErrorKind.AccessDenied:
                case CognitoErrorKind.Validation:
                    return new AmazonSecurityTokenServiceException(m, e, type, code, id, status) { Details = Details(kind, retryable) };
                default:
                    if ((int)kind >= 30 && (int)kind < 49)
                    {
                        // A user pool's error (Cognito user pools, not Identity): AWS's own base type.
                        return new Amazon.Runtime.AmazonServiceException(m, e, type, code, id, status);
                    }
                    return new CognitoClientException(m, e);
            }
        }

        private static ErrorDetails Details(CognitoErrorKind kind, Amazon.Runtime.RetryableDetails retryable)
        {
            return new ErrorDetails(kind, retryable);
        }
    }

    /// <summary>What the bridge's service exceptions add to <see cref="Amazon.Runtime.AmazonServiceException"/>.</summary>
    internal sealed class ErrorDetails
    {
        internal ErrorDetails(CognitoErrorKind kind, Amazon.Runtime.RetryableDetails retryable)
        {
            Kind = kind;
            Retryable = retryable;
        }

        internal CognitoErrorKind Kind { get; private set; }

        internal Amazon.Runtime.RetryableDetails Retryable { get; private set; }
    }
}
