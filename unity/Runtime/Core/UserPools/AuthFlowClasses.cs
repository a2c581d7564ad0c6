using System;
using System.Collections.Generic;

// The request and response types of Amazon.Extensions.CognitoAuthentication (and the few
// Amazon.CognitoIdentityProvider.Model types they use), with the members this library can honour.
namespace CognitoNative
{
    /// <summary>
    /// Where a sign-in stands after a step (as AWS's <c>AuthFlowResponse</c>): signed in
    /// (<see cref="AuthenticationResult"/> set, <see cref="ChallengeName"/> null), or a challenge to answer
    /// (<see cref="ChallengeName"/>, <see cref="ChallengeParameters"/> and <see cref="SessionID"/>, which
    /// the <c>RespondTo…</c> request takes).
    /// </summary>
    public class AuthFlowResponse
    {
        /// <summary>Creates a response.</summary>
        public AuthFlowResponse(
            string sessionId,
            AuthenticationResultType authenticationResult,
            ChallengeNameType challengeName,
            IDictionary<string, string> challengeParameters,
            IDictionary<string, string> clientMetadata)
        {
            SessionID = sessionId;
            AuthenticationResult = authenticationResult;
            ChallengeName = challengeName;
            ChallengeParameters = challengeParameters ?? new Dictionary<string, string>();
            ClientMetadata = clientMetadata ?? new Dictionary<string, string>();
        }

        /// <summary>
        /// Identifies the challenge to answer, for the <c>RespondTo…</c> requests of the same
        /// <see cref="CognitoUser"/>; null when signed in. Unlike AWS's, it is not Cognito's session
        /// string (which stays inside the native library) but a local id of the pending challenge.
        /// </summary>
        public string SessionID { get; private set; }

        /// <summary>The challenge to answer, or null when signed in.</summary>
        public ChallengeNameType ChallengeName { get; private set; }

        /// <summary>The tokens once signed in, else null.</summary>
        public AuthenticationResultType AuthenticationResult { get; private set; }

        /// <summary>The challenge's parameters (<c>USERNAME</c>, <c>CODE_DELIVERY_DESTINATION</c>,
        /// <c>requiredAttributes</c>, <c>MFAS_CAN_CHOOSE</c>...); empty when signed in.</summary>
        public IDictionary<string, string> ChallengeParameters { get; private set; }

        /// <summary>Always empty: the library sends no client metadata.</summary>
        public IDictionary<string, string> ClientMetadata { get; private set; }
    }

    /// <summary>A signed-in user's tokens (as <c>Amazon.CognitoIdentityProvider.Model.AuthenticationResultType</c>).
    /// Secrets: never log them.</summary>
    public class AuthenticationResultType
    {
        /// <summary>The id token (a JWT): what an identity pool takes as the user's login.</summary>
        public string IdToken { get; set; }

        /// <summary>The access token (a JWT), for the user pool's own operations.</summary>
        public string AccessToken { get; set; }

        /// <summary>The refresh token, or null.</summary>
        public string RefreshToken { get; set; }

        /// <summary>Seconds until the id token expires (judged against this device's clock when the result
        /// was made).</summary>
        public int ExpiresIn { get; set; }

        /// <summary><c>Bearer</c>.</summary>
        public string TokenType { get; set; }
    }

    /// <summary>Starts USER_SRP_AUTH (as AWS's <c>InitiateSrpAuthRequest</c>): the password never leaves the device.</summary>
    public class InitiateSrpAuthRequest
    {
        /// <summary>The user's password.</summary>
        public string Password { get; set; }
    }

    /// <summary>Starts USER_PASSWORD_AUTH (ours: AWS's library has no such request): the password is sent
    /// over TLS; the app client must allow the flow.</summary>
    public class InitiatePasswordAuthRequest
    {
        /// <summary>The user's password.</summary>
        public string Password { get; set; }
    }

    /// <summary>Refreshes the tokens (as AWS's <c>InitiateRefreshTokenAuthRequest</c>).</summary>
    public class InitiateRefreshTokenAuthRequest
    {
        /// <summary><see cref="CognitoNative.AuthFlowType.REFRESH_TOKEN_AUTH"/> or <see cref="CognitoNative.AuthFlowType.REFRESH_TOKEN"/>
        /// (null: the same); with refresh-token rotation the library uses GetTokensFromRefreshToken.</summary>
        public AuthFlowType AuthFlowType { get; set; }
    }

    /// <summary>Answers an MFA challenge with its code (as AWS's <c>RespondToMfaRequest</c>).</summary>
    public class RespondToMfaRequest
    {
        /// <summary>The <see cref="AuthFlowResponse.SessionID"/> of the challenge.</summary>
        public virtual string SessionID { get; set; }

        /// <summary>The code the user got (SMS, email, authenticator app).</summary>
        public virtual string MfaCode { get; set; }

        /// <summary><c>SMS_MFA</c>, <c>SOFTWARE_TOKEN_MFA</c> or <c>EMAIL_OTP</c>; null: the challenge's own.</summary>
        public virtual ChallengeNameType ChallengeNameType { get; set; }
    }

    /// <summary>Answers an SMS_MFA challenge (as AWS's <c>RespondToSmsMfaRequest</c>).</summary>
    public class RespondToSmsMfaRequest : RespondToMfaRequest
    {
        /// <summary>Always <c>SMS_MFA</c>.</summary>
        public override ChallengeNameType ChallengeNameType
        {
            get { return ChallengeNameType.SMS_MFA; }
            set { }
        }
    }

    /// <summary>Answers an EMAIL_OTP challenge (as AWS's <c>RespondToEmailMfaRequest</c>).</summary>
    public class RespondToEmailMfaRequest : RespondToMfaRequest
    {
        /// <summary>Always <c>EMAIL_OTP</c>.</summary>
        public override ChallengeNameType ChallengeNameType
        {
            get { return ChallengeNameType.EMAIL_OTP; }
            set { }
        }
    }

    /// <summary>Answers NEW_PASSWORD_REQUIRED (as AWS's <c>RespondToNewPasswordRequiredRequest</c>).</summary>
    public class RespondToNewPasswordRequiredRequest
    {
        /// <summary>The <see cref="AuthFlowResponse.SessionID"/> of the challenge.</summary>
        public string SessionID { get; set; }

        /// <summary>The user's new password.</summary>
        public string NewPassword { get; set; }
    }

    /// <summary>Answers CUSTOM_CHALLENGE (as AWS's <c>RespondToCustomChallengeRequest</c>).</summary>
    public class RespondToCustomChallengeRequest
    {
        /// <summary>The answers, e.g. <c>ANSWER</c> (<c>USERNAME</c> and <c>SECRET_HASH</c> are added).</summary>
        public IDictionary<string, string> ChallengeParameters { get; set; }

        /// <summary>The <see cref="AuthFlowResponse.SessionID"/> of the challenge.</summary>
        public string SessionID { get; set; }
    }

    /// <summary>What a sign-up did (as <c>Amazon.CognitoIdentityProvider.Model.SignUpResponse</c>).</summary>
    public class SignUpResponse
    {
        /// <summary>Creates a response.</summary>
        public SignUpResponse(bool userConfirmed, string userSub, CodeDeliveryDetailsType codeDeliveryDetails)
        {
            UserConfirmed = userConfirmed;
            UserSub = userSub;
            CodeDeliveryDetails = codeDeliveryDetails;
        }

        /// <summary>Confirmed already, or waiting for <see cref="CognitoUser.ConfirmSignUpAsync(string, bool)"/>.</summary>
        public bool UserConfirmed { get; private set; }

        /// <summary>The user's <c>sub</c>, or null.</summary>
        public string UserSub { get; private set; }

        /// <summary>Where the confirmation code went, or null.</summary>
        public CodeDeliveryDetailsType CodeDeliveryDetails { get; private set; }
    }

    /// <summary>Where a code went (as <c>Amazon.CognitoIdentityProvider.Model.CodeDeliveryDetailsType</c>).</summary>
    public class CodeDeliveryDetailsType
    {
        /// <summary>Creates details.</summary>
        public CodeDeliveryDetailsType(DeliveryMediumType deliveryMedium, string destination)
        {
            DeliveryMedium = deliveryMedium;
            Destination = destination;
        }

        /// <summary>Creates details with the attribute the code went to.</summary>
        public CodeDeliveryDetailsType(DeliveryMediumType deliveryMedium, string destination, string attributeName)
            : this(deliveryMedium, destination)
        {
            AttributeName = attributeName;
        }

        /// <summary><c>EMAIL</c> or <c>SMS</c>.</summary>
        public DeliveryMediumType DeliveryMedium { get; private set; }

        /// <summary>To whom, masked (<c>a***@e***.com</c>).</summary>
        public string Destination { get; private set; }

        /// <summary>The attribute the code went to (<c>email</c>, <c>phone_number</c>), or null.</summary>
        public string AttributeName { get; private set; }

        /// <summary>From a completion's strings: null when the library named neither a medium nor a
        /// destination (no code was sent).</summary>
        internal static CodeDeliveryDetailsType FromNative(string medium, string destination, string attributeName)
        {
            if (medium == null && destination == null)
            {
                return null;
            }
            return new CodeDeliveryDetailsType(
                medium == null ? null : DeliveryMediumType.FindValue(medium), destination, attributeName);
        }
    }

    /// <summary>A user's session ended (ours: AWS's library has no such event).</summary>
    public class SessionEndedEventArgs : EventArgs
    {
        internal SessionEndedEventArgs(Exception refusal)
        {
            Refusal = refusal;
        }

        /// <summary>Whether the user pool refused the refresh token (else: signed out).</summary>
        public bool RefreshRefused
        {
            get { return Refusal != null; }
        }

        /// <summary>Why the pool refused the refresh token (e.g. a <see cref="NotAuthorizedException"/>), or null.</summary>
        public Exception Refusal { get; private set; }
    }
}
