using System;
using Amazon;
using Amazon.Runtime;
using CognitoNative.AwsSdk;
using UnityEngine;

/// <summary>
/// For projects that also use the AWS SDK for .NET (AWSSDK.Core 3.7 or 4, from UnityNuGet's
/// org.nuget.awssdk.core or as a DLL under Assets): attach to any GameObject and press Play. The code is
/// written as for Amazon.CognitoIdentity.CognitoAWSCredentials with `using Amazon;` kept; only
/// `using Amazon.CognitoIdentity;` became `using CognitoNative.AwsSdk;`. The credentials are an
/// Amazon.Runtime.AWSCredentials: hand them to any AWS client, e.g.
/// <c>new AmazonS3Client(credentials, RegionEndpoint.USEast1)</c>. This assembly compiles only when
/// AWSSDK.Core is in the project. For offline work, run the bundled emulator
/// (<c>cargo run --release -p cognito-cli -- emulate --port 4566</c>) and keep "Use Local Emulator" ticked.
/// </summary>
public class AwsSdkSample : MonoBehaviour
{
    [Tooltip("Your identity pool id, <region>:<guid>, in us-east-1. The default is the emulator's guest pool.")]
    public string identityPoolId = "us-east-1:00000000-0000-4000-8000-000000000001";

    [Tooltip("Talk to the local emulator instead of AWS.")]
    public bool useLocalEmulator = true;

    public string emulatorUrl = "http://127.0.0.1:4566";

    private CognitoAWSCredentials credentials;

    private async void Start()
    {
        if (useLocalEmulator)
        {
            // Applies to every credentials object created afterwards (CognitoNative's options type).
            CognitoNative.CognitoOptions.Default.Endpoint = emulatorUrl;
            CognitoNative.CognitoOptions.Default.AllowHttpLoopback = true;
        }

        credentials = new CognitoAWSCredentials(
            identityPoolId,        // Cognito Identity Pool ID
            RegionEndpoint.USEast1 // Region: Amazon.RegionEndpoint
        );
        credentials.IdentityChangedEvent += delegate(object sender, CognitoAWSCredentials.IdentityChangedArgs e)
        {
            Debug.Log("Identity changed from " + e.OldIdentityId + " to " + e.NewIdentityId);
        };

        // What an AWS client does with them: Amazon.Runtime.AWSCredentials, AWS's ImmutableCredentials.
        AWSCredentials forClients = credentials;
        try
        {
            ImmutableCredentials immutable = await forClients.GetCredentialsAsync();
            // The await resumes on the main thread: touching scene objects here is safe.
            Debug.Log("Cognito identity " + credentials.GetCachedIdentityId() + ": access key " + immutable.AccessKey
                + ", expires " + credentials.Expiration);
        }
        catch (AmazonServiceException e)
        {
            // NotAuthorizedException, TooManyRequestsException, ... with AWS's ErrorCode and StatusCode.
            Debug.LogError("Cognito: " + e.ErrorCode + " (" + e.StatusCode + "): " + e.Message);
        }
        catch (AmazonClientException e)
        {
            Debug.LogError("Cognito: " + e.Message); // network, timeouts
        }
    }

    private void OnDestroy()
    {
        if (credentials != null)
        {
            credentials.Dispose();
        }
    }
}
