using CognitoNative;
using UnityEngine;

/// <summary>
/// Attach to any GameObject and press Play: signs a player in to an Amazon Cognito user pool with SRP
/// (the password never leaves the device), then gets the identity pool's identity id and AWS
/// credentials for that player. The id token is kept fresh by the package; every callback runs on the
/// main thread and the main thread never waits.
/// A real game asks the player for the password (and never stores it); the field is for trying it out.
/// </summary>
public class UserPoolSample : MonoBehaviour
{
    [Tooltip("The user pool id, <region>_<id>.")]
    public string userPoolId = "us-east-1_XXXXXXXXX";

    [Tooltip("The user pool's app client id (an app client without a secret, with SRP allowed).")]
    public string appClientId = "";

    [Tooltip("An identity pool that trusts the user pool, <region>:<guid>.")]
    public string identityPoolId = "us-east-1:00000000-0000-0000-0000-000000000000";

    public string username = "player-one";

    [Tooltip("For trying the sample only: ask the player instead.")]
    public string password = "";

    [Tooltip("A local endpoint for both pools (an emulator); empty for AWS.")]
    public string localEndpoint = "";

    private CognitoUserPool pool;
    private CognitoUser user;
    private CognitoAWSCredentials credentials;

    private void Start()
    {
        var poolOptions = new CognitoUserPoolOptions();
        var identityOptions = CognitoOptions.Default.Clone();
        if (!string.IsNullOrEmpty(localEndpoint))
        {
            poolOptions.Endpoint = identityOptions.Endpoint = localEndpoint;
            poolOptions.AllowHttpLoopback = identityOptions.AllowHttpLoopback = true;
        }
        pool = new CognitoUserPool(userPoolId, appClientId, null, poolOptions);
        user = pool.GetUser(username);

        user.StartWithSrpAuthAsync(new InitiateSrpAuthRequest { Password = password }, delegate(AmazonCognitoIdentityResult<AuthFlowResponse> signIn) {
            if (signIn.Exception != null) {
                Debug.LogError("Sign-in failed: " + signIn.Exception.Message);   // NotAuthorizedException for a wrong password
                return;
            }
            if (signIn.Response.AuthenticationResult == null) {
                // NEW_PASSWORD_REQUIRED, SMS_MFA...: answer with user.RespondTo...Async(new ... { SessionID = signIn.Response.SessionID, ... })
                Debug.LogWarning("Sign-in asks for " + signIn.Response.ChallengeName + ", which this sample does not answer.");
                return;
            }

            credentials = user.GetCognitoAWSCredentials(
                identityPoolId, RegionEndpoint.GetBySystemName(identityPoolId.Split(':')[0]), identityOptions);
            credentials.GetIdentityIdAsync(delegate(AmazonCognitoIdentityResult<string> identity) {
                if (identity.Exception != null) {
                    Debug.LogError("Cognito: " + identity.Exception.Message);
                    return;
                }
                credentials.GetCredentialsAsync(delegate(AmazonCognitoIdentityResult<ImmutableCredentials> aws) {
                    if (aws.Exception != null) {
                        Debug.LogError("Cognito: " + aws.Exception.Message);
                        return;
                    }
                    Debug.Log("Signed in as " + user.Username + ": identity " + identity.Response
                        + ", access key " + aws.Response.AccessKey + ", expires " + aws.Response.Expiration);
                });
            });
        });
    }

    private void OnDestroy()
    {
        if (credentials != null) {
            credentials.Dispose();
        }
        if (user != null) {
            user.Dispose();
        }
        if (pool != null) {
            pool.Dispose();
        }
    }
}
