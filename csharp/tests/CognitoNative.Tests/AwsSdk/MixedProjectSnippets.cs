// A project that also uses AWS SDK for .NET clients, written for Amazon.CognitoIdentity: only
// `using Amazon.CognitoIdentity;` became `using CognitoNative.AwsSdk;`; `using Amazon;` and
// `using Amazon.Runtime;` stay, and the credentials go to an AWS client's constructor. From the AWS SDK
// for .NET developer guide ("Amazon Cognito credentials provider") and the Cognito guide's
// "Getting Credentials" ("Pass the initialized Amazon Cognito credentials to the constructor of the AWS
// client to be used"). Outside the CognitoNative namespace, so only the usings decide what the names are.
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using CognitoNative.AwsSdk;

namespace DocSnippets.Mixed
{
    internal static class MixedProjectSnippets
    {
        /// <summary>Getting Credentials, then the client: <c>new AmazonS3Client(credentials, RegionEndpoint.USEast1)</c>.</summary>
        public static async Task<ImmutableCredentials> EnhancedFlowWithAClient(string identityPoolId)
        {
            CognitoAWSCredentials credentials = new CognitoAWSCredentials (
              identityPoolId,    // Cognito Identity Pool ID
              RegionEndpoint.USEast1 // Region
            );
            using (credentials)
            using (var s3Client = new AmazonS3Client(credentials, RegionEndpoint.USEast1))
            {
                var response = await s3Client.ListBucketsAsync();
                return response.SignedWith;
            }
        }

        /// <summary>Set up CognitoAWSCredentials (the .NET guide): the basic flow, an unauthenticated role,
        /// a synchronous call.</summary>
        public static ImmutableCredentials BasicFlowSynchronous(
            string accountId, string identityPoolId, string unAuthRoleArn, RegionEndpoint region)
        {
            CognitoAWSCredentials credentials = new CognitoAWSCredentials(
                accountId,        // Account number
                identityPoolId,   // Identity pool ID
                unAuthRoleArn,    // Role for unauthenticated users
                null,             // Role for authenticated users, not set
                region);
            using (credentials)
            using (var s3Client = new AmazonS3Client(credentials))
            {
                return s3Client.ListBuckets().SignedWith;
            }
        }

        /// <summary>Use AWS as an unauthenticated user, then authenticate (the .NET guide).</summary>
        public static ImmutableCredentials[] UnauthenticatedThenAuthenticated(
            string accountId, string identityPoolId, string unAuthRoleArn, string authRoleArn, RegionEndpoint region,
            string facebookToken)
        {
            CognitoAWSCredentials credentials = new CognitoAWSCredentials(
                accountId, identityPoolId,
                unAuthRoleArn,    // Role for unauthenticated users
                authRoleArn,      // Role for authenticated users
                region);
            using (credentials)
            using (var s3Client = new AmazonS3Client(credentials))
            {
                // Initial use will be unauthenticated
                var guest = s3Client.ListBuckets().SignedWith;

                // Add Facebook login to credentials. This clears the current AWS credentials
                // and retrieves new AWS credentials using the authenticated role.
                credentials.AddLogin("graph.facebook.com", facebookToken); // doc fix: the guide passes facebookAccessToken, never declared

                // This call is performed with the authenticated role and credentials
                var signedIn = s3Client.ListBuckets().SignedWith;
                return new[] { guest, signedIn };
            }
        }

        /// <summary>Log identity changes (the .NET guide), with the nested argument type.</summary>
        public static void LogIdentityChanges(CognitoAWSCredentials credentials, System.Collections.Generic.List<string> log)
        {
            credentials.IdentityChangedEvent += (sender, args) =>
            {
                lock (log) log.Add(string.Format("Identity changed: [{0}] => [{1}]", args.OldIdentityId, args.NewIdentityId));
            };
            credentials.IdentityChangedEvent += delegate(object sender, CognitoAWSCredentials.IdentityChangedArgs e)
            {
                lock (log) log.Add("Identity changed from " + e.OldIdentityId + " to " + e.NewIdentityId);
            };
        }
    }

    /// <summary>Developer authenticated identities on the facade: the same override.</summary>
    public class DeveloperAuthenticatedAwsCredentials : CognitoAWSCredentials
    {
        private readonly string login;

        public DeveloperAuthenticatedAwsCredentials(string identityPoolId, string loginAlias)
            : base(identityPoolId, RegionEndpoint.USEast1)
        {
            login = loginAlias;
        }

        public override async Task<IdentityState> RefreshIdentityAsync()
        {
            var answer = await DocSnippets.MyBackend.LoginAsync(login);
            return new IdentityState(answer.IdentityId, "example.com", answer.LoginToken, false);
        }
    }

    /// <summary>Caching the identity id on the facade: the same overrides.</summary>
    public class SettingsAwsCredentials : CognitoAWSCredentials
    {
        public SettingsAwsCredentials(string identityPoolId)
            : base(identityPoolId, RegionEndpoint.USEast1)
        {
        }

        public override void CacheIdentityId(string identityId)
        {
            DocSnippets.AppSettings.Set(GetNamespacedKey("Facade:IdentityId"), identityId);
        }

        public override string GetCachedIdentityId()
        {
            return DocSnippets.AppSettings.Get(GetNamespacedKey("Facade:IdentityId"));
        }
    }
}
