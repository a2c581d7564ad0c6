using CognitoNative;
using UnityEngine;

/// <summary>
/// Attach to any GameObject and press Play: a guest identity id and AWS credentials from an identity
/// pool, using the AWS documentation's Unity snippets unchanged (only the using directive differs:
/// <c>using CognitoNative;</c> instead of <c>using Amazon.CognitoIdentity;</c>).
/// For offline work, run the bundled emulator (<c>cargo run --release -p cognito-cli -- emulate --port 4566</c>) and
/// keep "Use Local Emulator" ticked.
/// </summary>
public class CognitoSample : MonoBehaviour
{
    [Tooltip("Your identity pool id, <region>:<guid>, in us-east-1. The default is the emulator's guest pool.")]
    public string identityPoolId = "us-east-1:00000000-0000-4000-8000-000000000001";

    [Tooltip("Talk to the local emulator instead of AWS.")]
    public bool useLocalEmulator = true;

    public string emulatorUrl = "http://127.0.0.1:4566";

    private CognitoAWSCredentials credentials;

    private void Start()
    {
        if (useLocalEmulator)
        {
            // Applies to every CognitoAWSCredentials created afterwards.
            CognitoOptions.Default.Endpoint = emulatorUrl;
            CognitoOptions.Default.AllowHttpLoopback = true;
        }

        // The AWS snippet (Getting Credentials > Unity), with the console's pool id in a field.
        CognitoAWSCredentials credentials = new CognitoAWSCredentials (
              identityPoolId,    // Cognito Identity Pool ID
              RegionEndpoint.USEast1 // Region
            );

        // The AWS snippet (Retrieving an Amazon Cognito Identity), verbatim.
        credentials.GetIdentityIdAsync(delegate(AmazonCognitoIdentityResult<string> result) {
            if (result.Exception != null) {
                //Exception!
            }
            string identityId = result.Response;
        });

        // Callbacks run on the main thread: touching scene objects here is safe.
        credentials.GetCredentialsAsync(delegate(AmazonCognitoIdentityResult<ImmutableCredentials> result) {
            if (result.Exception != null) {
                Debug.LogError("Cognito: " + result.Exception.Message);
                return;
            }
            Debug.Log("Cognito identity " + credentials.GetCachedIdentityId()
                + ": access key " + result.Response.AccessKey + ", expires " + result.Response.Expiration);
        });
        this.credentials = credentials;
    }

    private void OnDestroy()
    {
        if (credentials != null)
        {
            credentials.Dispose();
        }
    }
}
