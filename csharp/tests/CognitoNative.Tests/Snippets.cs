// The AWS documentation's C# snippets (Amazon Cognito developer guide, "Getting Credentials", Unity
// and Xamarin sections), verbatim but for two things: `using Amazon.CognitoIdentity;` became
// `using CognitoNative;`, and "IDENTITY_POOL_ID" is a pool id (the emulator's guest pool), as the
// guide says to do. The wrappers only hand back what the snippets create or see.
using System.Threading.Tasks;
using CognitoNative;

namespace CognitoNative.Tests
{
    internal static class Snippets
    {
        /// <summary>Unity: create the credentials, then ask for the identity id with a callback.</summary>
        public static CognitoAWSCredentials Unity()
        {
            CognitoAWSCredentials credentials = new CognitoAWSCredentials (
                  "us-east-1:00000000-0000-4000-8000-000000000001",    // Cognito Identity Pool ID
                  RegionEndpoint.USEast1 // Region
                );

            credentials.GetIdentityIdAsync(delegate(AmazonCognitoIdentityResult<string> result) {
                if (result.Exception != null) {
                    //Exception!
                }
                string identityId = result.Response;
            });

            return credentials;
        }

        /// <summary>Xamarin: create the credentials, then await the identity id.</summary>
        public static async Task<string> Xamarin(
            System.Collections.Generic.List<CognitoAWSCredentials> created,
            System.Runtime.CompilerServices.StrongBox<int> resumedOnThread)
        {
            CognitoAWSCredentials credentials = new CognitoAWSCredentials (
              "us-east-1:00000000-0000-4000-8000-000000000001",    // Cognito Identity Pool ID
              RegionEndpoint.USEast1 // Region
            );
            created.Add(credentials);

            var identityId = await credentials.GetIdentityIdAsync();

            resumedOnThread.Value = System.Threading.Thread.CurrentThread.ManagedThreadId;
            return identityId;
        }
    }
}
