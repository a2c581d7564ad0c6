// The AWS documentation's C# snippets for Amazon.CognitoIdentity.CognitoAWSCredentials, as written but
// for `using Amazon.CognitoIdentity;` → `using CognitoNative;` and the pool id ("IDENTITY_POOL_ID" is
// the emulator's guest pool, as the guides say to do). They live outside the CognitoNative namespace,
// so only that using makes them compile. Where a snippet cannot compile as printed (against AWS's own
// class either), the change is marked "doc fix". The wrappers only hand back what the snippets create.
//   Getting Credentials (Unity, Xamarin)      Amazon Cognito Developer Guide, getting-credentials
//   Switching identities (Unity, Xamarin)     Amazon Cognito Developer Guide, switching-identities
//   Developer authenticated identities        Amazon Cognito Developer Guide, developer-authenticated-identities
//   Caching the identity id                    the AWS SDK's CognitoAWSCredentials docs: "To support caching
//                                              the CacheIdentityId, GetCachedIdentityId and ClearIdentityCache
//                                              methods need to be overridden"
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using CognitoNative;

namespace DocSnippets
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
            List<CognitoAWSCredentials> created,
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

        /// <summary>Switching identities, Xamarin: be told of profile merges.</summary>
        public static void SwitchingIdentitiesXamarin(CognitoAWSCredentials credentialsProvider)
        {
            credentialsProvider.IdentityChangedEvent += delegate(object sender, CognitoAWSCredentials.IdentityChangedArgs e){
                // handle the change
                Console.WriteLine("Identity changed from " + e.OldIdentityId + " to " + e.NewIdentityId);
            };
        }

        /// <summary>Tuning the refresh: the AWS SDK's RefreshingAWSCredentials property.</summary>
        public static CognitoAWSCredentials PreemptExpiryTime()
        {
            var credentials = new CognitoAWSCredentials("us-east-1:00000000-0000-4000-8000-000000000001", RegionEndpoint.USEast1);
            credentials.PreemptExpiryTime = TimeSpan.FromMinutes(10);
            return credentials;
        }
    }

    /// <summary>Switching identities, Unity (needs UnityEngine, hence a file of its own scope).</summary>
    internal static class UnitySnippets
    {
        public static void SwitchingIdentities(CognitoAWSCredentials credentialsProvider)
        {
            credentialsProvider.IdentityChangedEvent += delegate(object sender, CognitoAWSCredentials.IdentityChangedArgs e)
            {
                // handle the change
                UnityEngine.Debug.Log("Identity changed from " + e.OldIdentityId + " to " + e.NewIdentityId); // doc fix: Debug.log
            };
        }
    }

    /// <summary>Developer authenticated identities, Xamarin: the identity and token come from your backend.</summary>
    public class DeveloperAuthenticatedCredentials : CognitoAWSCredentials
    {
        const string PROVIDER_NAME = "example.com";
        const string IDENTITY_POOL = "us-east-1:00000000-0000-4000-8000-000000000001";
        static readonly RegionEndpoint REGION = RegionEndpoint.USEast1;
        private string login = null;

        public DeveloperAuthenticatedCredentials(string loginAlias)
            : base(IDENTITY_POOL, REGION)
        {
            login = loginAlias;
        }

        // doc fix: the guide prints `protected override`, which AWS's `public virtual` refuses too (CS0507).
        public override async Task<IdentityState> RefreshIdentityAsync()
        {
            IdentityState state = null;
            //get your identity and set the state
            var answer = await MyBackend.LoginAsync(login); // doc fix: the guide leaves this to you
            state = new IdentityState(answer.IdentityId, PROVIDER_NAME, answer.LoginToken, false);
            return state;
        }
    }

    /// <summary>Caching the identity id yourself: override the three hooks (here over app settings).</summary>
    public class SettingsCognitoAWSCredentials : CognitoAWSCredentials
    {
        public SettingsCognitoAWSCredentials(string identityPoolId, RegionEndpoint region)
            : base(identityPoolId, region)
        {
        }

        public override void CacheIdentityId(string identityId)
        {
            AppSettings.Set(GetNamespacedKey("CognitoIdentity:IdentityId"), identityId);
        }

        public override void ClearIdentityCache()
        {
            AppSettings.Remove(GetNamespacedKey("CognitoIdentity:IdentityId"));
        }

        public override string GetCachedIdentityId()
        {
            return AppSettings.Get(GetNamespacedKey("CognitoIdentity:IdentityId"));
        }
    }

    /// <summary>The app's settings store (Xamarin.Essentials' Preferences, say).</summary>
    public static class AppSettings
    {
        private static readonly Dictionary<string, string> Values = new Dictionary<string, string>();

        public static string Get(string key)
        {
            lock (Values)
            {
                string value;
                return Values.TryGetValue(key, out value) ? value : null;
            }
        }

        public static void Set(string key, string value)
        {
            lock (Values) Values[key] = value;
        }

        public static void Remove(string key)
        {
            lock (Values) Values.Remove(key);
        }
    }

    /// <summary>The snippet's "get your identity": the game backend (GetOpenIdTokenForDeveloperIdentity,
    /// here the CLI's dev-token against the emulator).</summary>
    public static class MyBackend
    {
        public static Task<CognitoAWSCredentials.IdentityState> LoginAsync(string login)
        {
            return Task.Run(() => CognitoNative.Tests.DeveloperIdentityTests.Backend.Mint(login));
        }
    }
}
