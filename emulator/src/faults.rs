//! What injected faults put on the wire, per protocol.

use crate::util::ApiError;
use crate::{sts, Fault, Operation};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// Cognito Identity, JSON 1.1.
    Json,
    /// STS, Query protocol with XML answers.
    Xml,
}

/// Faults that replace the answer with an AWS error.
pub(crate) fn as_error(fault: &Fault, protocol: Protocol) -> Option<ApiError> {
    let json = protocol == Protocol::Json;
    Some(match fault {
        Fault::Throttle if json => {
            ApiError::bad_request("TooManyRequestsException", "Rate exceeded")
        }
        Fault::Throttle => ApiError::bad_request("Throttling", "Rate exceeded"),
        Fault::LimitExceeded if json => ApiError::bad_request(
            "LimitExceededException",
            "Limit exceeded for this identity pool.",
        ),
        Fault::LimitExceeded => ApiError::bad_request("LimitExceeded", "Limit exceeded."),
        Fault::ServerError(status) => {
            let status = if (100..=999).contains(status) {
                *status
            } else {
                500
            };
            let code = match (json, status) {
                (true, _) => "InternalErrorException",
                (false, 503) => "ServiceUnavailable",
                (false, _) => "InternalFailure",
            };
            ApiError::new(status, code, "An internal error occurred.")
        }
        Fault::ServiceError {
            status,
            code,
            message,
        } => ApiError::new(*status, code, message.clone()),
        _ => return None,
    })
}

pub(crate) const HTML_BODY: &str =
    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/// A document cut off in the middle.
pub(crate) fn malformed_body(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Json => r#"{"IdentityId": "#,
        Protocol::Xml => {
            "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA"
        }
    }
}

/// Well-formed documents whose fields have the wrong types.
pub(crate) fn wrong_types_body(op: Operation) -> String {
    match op {
        Operation::GetId => r#"{"IdentityId":12345}"#.to_string(),
        Operation::GetCredentialsForIdentity => r#"{"IdentityId":12345,"Credentials":{"AccessKeyId":42,"SecretKey":true,"SessionToken":["x"],"Expiration":"2030-01-01T00:00:00Z"}}"#.to_string(),
        Operation::GetOpenIdToken | Operation::GetOpenIdTokenForDeveloperIdentity => {
            r#"{"IdentityId":12345,"Token":false}"#.to_string()
        }
        Operation::LookupDeveloperIdentity | Operation::UnlinkDeveloperIdentity => {
            r#"{"IdentityId":12345,"DeveloperUserIdentifierList":"x"}"#.to_string()
        }
        Operation::AssumeRoleWithWebIdentity => format!(
            "<AssumeRoleWithWebIdentityResponse xmlns=\"{}\"><AssumeRoleWithWebIdentityResult><Credentials><SessionToken><Nested>1</Nested></SessionToken><SecretAccessKey></SecretAccessKey><Expiration>tomorrow-ish</Expiration><AccessKeyId>12345</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
            sts::XMLNS
        ),
    }
}

pub(crate) fn missing_fields_body(protocol: Protocol, request_id: &str) -> String {
    match protocol {
        Protocol::Json => "{}".to_string(),
        Protocol::Xml => format!(
            "<AssumeRoleWithWebIdentityResponse xmlns=\"{}\"><AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>",
            sts::XMLNS
        ),
    }
}

/// Prefix and suffix around the padding of a huge but well-formed document.
pub(crate) fn huge_body_frame(protocol: Protocol) -> (&'static str, &'static str) {
    match protocol {
        Protocol::Json => (r#"{"IdentityId":""#, r#""}"#),
        Protocol::Xml => (
            "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><ResponseMetadata><RequestId>",
            "</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_what_they_claim() {
        assert!(serde_json::from_str::<serde_json::Value>(malformed_body(Protocol::Json)).is_err());
        for op in Operation::ALL.into_iter().filter(|o| !o.is_sts()) {
            let v: serde_json::Value = serde_json::from_str(&wrong_types_body(op)).unwrap();
            assert!(v["IdentityId"].is_number());
        }
        let e = as_error(&Fault::ServerError(503), Protocol::Xml).unwrap();
        assert_eq!((e.status, e.code.as_str()), (503, "ServiceUnavailable"));
        let e = as_error(&Fault::ServerError(42), Protocol::Json).unwrap();
        assert_eq!((e.status, e.code.as_str()), (500, "InternalErrorException"));
        assert!(as_error(&Fault::Hang, Protocol::Json).is_none());
    }
}
