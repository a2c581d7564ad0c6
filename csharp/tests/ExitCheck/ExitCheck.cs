// A console program written as an app developer would, for the AWS SDK: the AWS documentation's
// Unity and Xamarin snippets (only `using CognitoNative;` differs), configured through the
// environment alone (AWS_ENDPOINT_URL, AWS_CA_BUNDLE), with the default identity store. It leaves
// calls in flight and returns from Main without disposing anything: the process must still exit at
// once (the package shuts the native runtime down on process exit; Mono would otherwise wait
// forever for the native threads).
using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using CognitoNative;

internal static class ExitCheck
{
    private static int Main(string[] args)
    {
        var unityCredentials = UnitySnippet();
        var deadline = Stopwatch.StartNew();
        string unityId;
        while ((unityId = unityCredentials.GetCachedIdentityId()) == null && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(10);
        }
        Console.WriteLine("unity snippet: " + unityId);

        var xamarinId = XamarinSnippet().GetAwaiter().GetResult();
        Console.WriteLine("xamarin snippet: " + xamarinId);

        // Calls the test made the emulator hold for a long time.
        for (var i = 0; i < 4; i++)
        {
            unityCredentials.GetCredentialsAsync();
        }
        unityCredentials.GetCredentialsAsync(result => Console.WriteLine("callback at exit: " + result.Exception.GetType().Name));
        Thread.Sleep(200);
        Console.WriteLine("returning from Main with calls in flight");
        return unityId != null && unityId == xamarinId ? 0 : 1;
    }

    private static CognitoAWSCredentials UnitySnippet()
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

    private static async Task<string> XamarinSnippet()
    {
        CognitoAWSCredentials credentials = new CognitoAWSCredentials (
          "us-east-1:00000000-0000-4000-8000-000000000001",    // Cognito Identity Pool ID
          RegionEndpoint.USEast1 // Region
        );

        var identityId = await credentials.GetIdentityIdAsync();

        return identityId;
    }
}
