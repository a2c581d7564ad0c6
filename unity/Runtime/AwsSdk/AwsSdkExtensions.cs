using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace CognitoNative.AwsSdk
{
    /// <summary>Hands <c>CognitoNative.CognitoAWSCredentials</c> to AWS SDK for .NET clients.</summary>
    public static class AwsSdkExtensions
    {
        private static readonly ConditionalWeakTable<global::CognitoNative.CognitoAWSCredentials, Amazon.Runtime.AWSCredentials> Adapters =
            new ConditionalWeakTable<global::CognitoNative.CognitoAWSCredentials, Amazon.Runtime.AWSCredentials>();

        /// <summary>
        /// The credentials as an <see cref="Amazon.Runtime.AWSCredentials"/>, for AWS SDK clients
        /// (<c>new AmazonS3Client(credentials.ToAWSCredentials(), RegionEndpoint.USEast1)</c>). One adapter
        /// per object (every call returns the same one). Its <c>GetCredentials()</c>, which clients call on
        /// their synchronous paths, returns the engine's cached credentials without I/O, and waits for new
        /// ones only when none are cached (on a UI or game main thread it throws instead, as
        /// <c>CognitoNative.CognitoAWSCredentials.GetCredentials</c> does);
        /// <c>GetCredentialsAsync()</c> returns a completed task while they are cached. Neither allocates
        /// while the credentials are unchanged. Errors are the AWS SDK's exception types
        /// (<see cref="Amazon.Runtime.AmazonServiceException"/> subclasses for the service's errors).
        /// </summary>
        public static Amazon.Runtime.AWSCredentials ToAWSCredentials(this global::CognitoNative.CognitoAWSCredentials credentials)
        {
            if (credentials == null)
            {
                throw new ArgumentNullException("credentials");
            }
            return Adapters.GetValue(credentials, c => new NativeAWSCredentials(c));
        }
    }

    /// <summary>The adapter of <see cref="AwsSdkExtensions.ToAWSCredentials"/>. Derives from
    /// <see cref="Amazon.Runtime.AWSCredentials"/>, not <c>RefreshingAWSCredentials</c> (whose members
    /// v4 seals, and which would cache and expire the credentials a second time).</summary>
    internal sealed class NativeAWSCredentials : Amazon.Runtime.AWSCredentials
    {
        private readonly global::CognitoNative.CognitoAWSCredentials _source;
        private readonly AwsCredentialsCache _cache = new AwsCredentialsCache();

        internal NativeAWSCredentials(global::CognitoNative.CognitoAWSCredentials source)
        {
            _source = source;
        }

        public override Amazon.Runtime.ImmutableCredentials GetCredentials()
        {
            return AwsBridge.GetCredentials(_source, _cache);
        }

        public override Task<Amazon.Runtime.ImmutableCredentials> GetCredentialsAsync()
        {
            return AwsBridge.GetCredentialsAsync(_source, _cache, System.Threading.CancellationToken.None);
        }
    }
}
