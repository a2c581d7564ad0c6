//! The user-pool operations on the wire (JSON 1.1, `AWSCognitoIdentityProviderService.<Op>`):
//! request and answer shapes, as AWS's service model names them.

use crate::error::{Error, Result};
use crate::wire::http::RawResponse;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) type Params = BTreeMap<String, String>;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct InitiateAuth<'a> {
    pub auth_flow: &'a str,
    pub client_id: &'a str,
    pub auth_parameters: Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<&'a BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RespondToAuthChallenge<'a> {
    pub challenge_name: &'a str,
    pub client_id: &'a str,
    pub challenge_responses: Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<&'a str>,
}

/// The answer of InitiateAuth and RespondToAuthChallenge: a challenge, or the tokens.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct AuthAnswer {
    pub challenge_name: Option<String>,
    pub challenge_parameters: Params,
    pub session: Option<String>,
    pub authentication_result: Option<AuthenticationResult>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct AuthenticationResult {
    pub id_token: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: Option<u64>,
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct NewDeviceMetadata {
    pub device_key: Option<String>,
    pub device_group_key: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetTokensFromRefreshToken<'a> {
    pub refresh_token: &'a str,
    pub client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_key: Option<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct TokensAnswer {
    pub authentication_result: Option<AuthenticationResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Attribute<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SignUp<'a> {
    pub client_id: &'a str,
    pub username: &'a str,
    pub password: &'a str,
    pub user_attributes: Vec<Attribute<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct SignUpAnswer {
    pub user_confirmed: bool,
    #[serde(rename = "UserSub")]
    pub user_sub: Option<String>,
    pub code_delivery_details: Option<CodeDelivery>,
}

/// Where a code went (`CodeDeliveryDetails`).
#[derive(Deserialize, Default, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "PascalCase", default)]
pub struct CodeDelivery {
    /// `SMS` or `EMAIL`.
    pub delivery_medium: Option<String>,
    /// Masked, e.g. `a***@e***.com`.
    pub destination: Option<String>,
    pub attribute_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CodeDeliveryAnswer {
    pub code_delivery_details: Option<CodeDelivery>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserWithCode<'a> {
    pub client_id: &'a str,
    pub username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ChangePassword<'a> {
    pub access_token: &'a str,
    pub previous_password: &'a str,
    pub proposed_password: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AccessToken<'a> {
    pub access_token: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RevokeToken<'a> {
    pub token: &'a str,
    pub client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct GetUserAnswer {
    pub username: String,
    pub user_attributes: Vec<AttributeAnswer>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct AttributeAnswer {
    pub name: String,
    pub value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AssociateSoftwareToken<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct AssociateSoftwareTokenAnswer {
    pub secret_code: Option<String>,
    pub session: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VerifySoftwareToken<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<&'a str>,
    pub user_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friendly_device_name: Option<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct VerifySoftwareTokenAnswer {
    pub status: Option<String>,
    pub session: Option<String>,
}

/// Parses an answer body; a body AWS would not send is an error, not a panic.
pub(crate) fn parse<T: for<'de> Deserialize<'de>>(operation: &str, r: &RawResponse) -> Result<T> {
    if r.body.is_empty() {
        return serde_json::from_slice(b"{}").map_err(|e| bad(operation, r, e));
    }
    serde_json::from_slice(&r.body).map_err(|e| bad(operation, r, e))
}

fn bad(operation: &str, r: &RawResponse, e: serde_json::Error) -> Error {
    Error::invalid_response(
        format!("{operation}: the answer is not what AWS sends ({e})"),
        r.request_id.clone(),
    )
}
