// A reference stub of the part of AWSSDK.Core's public API that CognitoNative.AwsSdk and its tests use,
// so the bridge can be compiled and tested where no NuGet registry is reachable. Compiled twice by
// scripts/csharp-tests.sh: as AWSSDK.Core 3.7 (assembly version 3.3.0.0, as AWS versions every v3
// package) and, with -d:AWSSDK_V4, as AWSSDK.Core 4 (4.0.0.0).
//
// The signatures are AWS's, read in aws/aws-sdk-net (the commit after each file):
//   Amazon.Runtime.AWSCredentials      sdk/src/Core/Amazon.Runtime/Credentials/AWSCredentials.cs
//                                      v3.7: 13bd83ed856609040c6482d25394a0d39339c6b0, v4: 32f6e3fe935b268c52dc8480d6af668870cfb2ce
//   Amazon.Runtime.Identity.BaseIdentity  sdk/src/Core/Amazon.Runtime/Identity/BaseIdentity.cs (v4: 8c1a3803af46459f0ae787d1622495842072c2d4)
//   Amazon.Runtime.ImmutableCredentials   .../Credentials/ImmutableCredentials.cs (8fcde1792ab5ad39a3e9327c0e35de85e10ff907; the
//                                      accountId constructor came with 3.7's account-id endpoints and is in v4)
//   Amazon.Runtime.AmazonServiceException, RetryableDetails  sdk/src/Core/Amazon.Runtime/AmazonServiceException.cs (13bd83ed...)
//   Amazon.Runtime.AmazonClientException  sdk/src/Core/Amazon.Runtime/AmazonClientException.cs (481cb1f9db5616c38dd8e763e1f0be91d08d0eb0)
//   Amazon.Runtime.ErrorType           sdk/src/Core/Amazon.Runtime/Enumerations.cs (03cf91a4dbe16732e1622319a95b4ea0c81e021a)
//   Amazon.RegionEndpoint              sdk/src/Core/RegionEndpoint.cs (1ca4606ec31b8c7df60a21e3e4fc9bf8e5130cd2): the members used here
// The bodies are this stub's own, trivial (store and return) or throwing; none is AWS's code. Never shipped.
using System;
using System.Collections.Generic;
using System.Net;
using System.Reflection;

#if AWSSDK_V4
[assembly: AssemblyVersion("4.0.0.0")]
#else
[assembly: AssemblyVersion("3.3.0.0")]
#endif

namespace Amazon
{
    public class RegionEndpoint
    {
        private static readonly Dictionary<string, RegionEndpoint> BySystemName =
            new Dictionary<string, RegionEndpoint>(StringComparer.OrdinalIgnoreCase);

        public static readonly RegionEndpoint USEast1 = NewEndpoint("us-east-1", "US East (N. Virginia)");
        public static readonly RegionEndpoint USWest2 = NewEndpoint("us-west-2", "US West (Oregon)");
        public static readonly RegionEndpoint EUWest1 = NewEndpoint("eu-west-1", "Europe (Ireland)");
        public static readonly RegionEndpoint APNortheast1 = NewEndpoint("ap-northeast-1", "Asia Pacific (Tokyo)");
        public static readonly RegionEndpoint CNNorth1 = NewEndpoint("cn-north-1", "China (Beijing)");

        private RegionEndpoint(string systemName, string displayName)
        {
            SystemName = systemName;
            DisplayName = displayName;
        }

        public static IEnumerable<RegionEndpoint> EnumerableAllRegions
        {
            get { return BySystemName.Values; }
        }

        public string SystemName { get; private set; }

        public string DisplayName { get; private set; }

        public static RegionEndpoint GetBySystemName(string systemName)
        {
            RegionEndpoint region;
            return BySystemName.TryGetValue(systemName, out region) ? region : NewEndpoint(systemName, "Unknown");
        }

        public override string ToString()
        {
            return DisplayName + " (" + SystemName + ")";
        }

        private static RegionEndpoint NewEndpoint(string systemName, string displayName)
        {
            var region = new RegionEndpoint(systemName, displayName);
            BySystemName[systemName] = region;
            return region;
        }
    }
}

#if AWSSDK_V4
namespace Amazon.Runtime.Identity
{
    public abstract class BaseIdentity
    {
        public virtual DateTime? Expiration { get; set; }
    }
}
#endif

namespace Amazon.Runtime
{
    public abstract class AWSCredentials
#if AWSSDK_V4
        : Amazon.Runtime.Identity.BaseIdentity
#endif
    {
        public abstract ImmutableCredentials GetCredentials();

        protected virtual void Validate() { }

        public virtual System.Threading.Tasks.Task<ImmutableCredentials> GetCredentialsAsync()
        {
            return System.Threading.Tasks.Task.FromResult<ImmutableCredentials>(this.GetCredentials());
        }
    }

    public class ImmutableCredentials
    {
        public ImmutableCredentials(string awsAccessKeyId, string awsSecretAccessKey, string token)
        {
            if (string.IsNullOrEmpty(awsAccessKeyId)) throw new ArgumentNullException("awsAccessKeyId");
            if (string.IsNullOrEmpty(awsSecretAccessKey)) throw new ArgumentNullException("awsSecretAccessKey");
            AccessKey = awsAccessKeyId;
            SecretKey = awsSecretAccessKey;
            Token = token ?? string.Empty;
        }

        public ImmutableCredentials(string awsAccessKeyId, string awsSecretAccessKey, string token, string accountId)
            : this(awsAccessKeyId, awsSecretAccessKey, token)
        {
            AccountId = accountId;
        }

        public string AccessKey { get; private set; }

        public string SecretKey { get; private set; }

        public string Token { get; private set; }

        public bool UseToken { get { return !string.IsNullOrEmpty(Token); } }

        public string AccountId { get; private set; }

        public virtual ImmutableCredentials Copy()
        {
            return new ImmutableCredentials(AccessKey, SecretKey, Token, AccountId);
        }
    }

    public enum ErrorType
    {
        Sender,
        Receiver,
        Unknown
    }

    public class AmazonServiceException : Exception
    {
        public AmazonServiceException() : base() { }

        public AmazonServiceException(string message) : base(message) { }

        public AmazonServiceException(string message, Exception innerException) : base(message, innerException) { }

        public AmazonServiceException(string message, Exception innerException, HttpStatusCode statusCode)
            : base(message, innerException)
        {
            StatusCode = statusCode;
        }

        public AmazonServiceException(Exception innerException) : base(innerException.Message, innerException) { }

        public AmazonServiceException(string message, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : this(message, null, errorType, errorCode, requestId, statusCode)
        {
        }

        public AmazonServiceException(string message, Exception innerException, ErrorType errorType, string errorCode, string requestId, HttpStatusCode statusCode)
            : base(message, innerException)
        {
            ErrorType = errorType;
            ErrorCode = errorCode;
            RequestId = requestId;
            StatusCode = statusCode;
        }

        public ErrorType ErrorType { get; set; }

        public string ErrorCode { get; set; }

        public string RequestId { get; set; }

        public HttpStatusCode StatusCode { get; set; }

        public virtual RetryableDetails Retryable
        {
            get { return null; }
        }
    }

    public class RetryableDetails
    {
        public RetryableDetails(bool throttling)
        {
            Throttling = throttling;
        }

        public bool Throttling { get; private set; }
    }

    public class AmazonClientException : Exception
    {
        public AmazonClientException(string message) : base(message) { }

        public AmazonClientException(string message, Exception innerException) : base(message, innerException) { }
    }
}
