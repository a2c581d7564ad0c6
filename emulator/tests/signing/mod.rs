//! Requests signed with `aws-sigv4` using temporary credentials the emulator issued
//! (GetId + GetCredentialsForIdentity), for the S3 and generic-endpoint tests.
#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use cognito_emulator::{Emulator, DEFAULT_UNAUTH_POOL_ID};
use serde_json::json;

use crate::common::{answer, client, cognito, Answer};

/// Temporary credentials as GetCredentialsForIdentity returns them.
#[derive(Clone, Debug)]
pub struct Creds {
    pub akid: String,
    pub secret: String,
    pub token: Option<String>,
    pub identity_id: String,
}

impl Creds {
    pub fn with_secret(&self, secret: &str) -> Creds {
        Creds {
            secret: secret.into(),
            ..self.clone()
        }
    }

    pub fn with_token(&self, token: Option<&str>) -> Creds {
        Creds {
            token: token.map(str::to_string),
            ..self.clone()
        }
    }
}

/// A guest identity of the default unauth pool and its credentials.
pub async fn guest_credentials(emu: &Emulator) -> Creds {
    let a = cognito(
        emu,
        "GetId",
        json!({ "IdentityPoolId": DEFAULT_UNAUTH_POOL_ID }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = a.json()["IdentityId"].as_str().unwrap().to_string();
    credentials_for(emu, &id).await
}

pub async fn credentials_for(emu: &Emulator, identity_id: &str) -> Creds {
    let a = cognito(
        emu,
        "GetCredentialsForIdentity",
        json!({ "IdentityId": identity_id }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let c = &a.json()["Credentials"];
    Creds {
        akid: c["AccessKeyId"].as_str().unwrap().into(),
        secret: c["SecretKey"].as_str().unwrap().into(),
        token: Some(c["SessionToken"].as_str().unwrap().into()),
        identity_id: identity_id.into(),
    }
}

/// Name/value pairs (headers or query parameters).
pub type Pairs = Vec<(String, String)>;

/// What to sign as the payload.
#[derive(Clone, Copy, Debug)]
pub enum Payload<'a> {
    /// The SHA-256 of these bytes.
    Bytes(&'a [u8]),
    Unsigned,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (aws-chunked with a trailer).
    StreamingTrailer,
}

/// Who signs, for what, when, and with which service rules.
#[derive(Clone, Debug)]
pub struct Signer {
    pub creds: Creds,
    pub service: String,
    pub region: String,
    pub time: SystemTime,
    /// S3's rules (single encoding, no normalisation, `x-amz-content-sha256`);
    /// default: by service name.
    pub s3_rules: bool,
}

impl Signer {
    pub fn new(creds: &Creds, service: &str, region: &str) -> Signer {
        Signer {
            creds: creds.clone(),
            service: service.into(),
            region: region.into(),
            time: SystemTime::now(),
            s3_rules: service == "s3",
        }
    }

    pub fn at(mut self, time: SystemTime) -> Signer {
        self.time = time;
        self
    }

    pub fn rules(mut self, s3: bool) -> Signer {
        self.s3_rules = s3;
        self
    }

    fn settings(&self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self.s3_rules {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        settings
    }

    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        payload: Payload<'_>,
        settings: SigningSettings,
    ) -> (Pairs, Pairs) {
        let identity = Credentials::new(
            &self.creds.akid,
            &self.creds.secret,
            self.creds.token.clone(),
            None,
            "emulator-tests",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(self.time)
            .settings(settings)
            .build()
            .expect("signing params")
            .into();
        let body = match payload {
            Payload::Bytes(b) => SignableBody::Bytes(b),
            Payload::Unsigned => SignableBody::UnsignedPayload,
            Payload::StreamingTrailer => SignableBody::StreamingUnsignedPayloadTrailer,
        };
        let request = SignableRequest::new(method, url, headers.iter().copied(), body)
            .expect("signable request");
        let (instructions, _) = sign(request, &params).expect("signs").into_parts();
        let (headers, params) = instructions.into_parts();
        (
            headers
                .iter()
                .map(|h| (h.name().to_string(), h.value().to_string()))
                .collect(),
            params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_owned()))
                .collect(),
        )
    }

    /// The headers that sign the request.
    pub fn headers(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        payload: Payload<'_>,
    ) -> Vec<(String, String)> {
        self.sign(method, url, headers, payload, self.settings()).0
    }

    /// `url` presigned for `expires`; S3 URLs sign UNSIGNED-PAYLOAD.
    pub fn presign(&self, method: &str, url: &str, expires: Duration) -> String {
        let mut settings = self.settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires);
        let payload = if self.s3_rules {
            Payload::Unsigned
        } else {
            Payload::Bytes(b"")
        };
        let (_, params) = self.sign(method, url, &[], payload, settings);
        let mut out = url.to_string();
        let mut sep = if out.contains('?') { '&' } else { '?' };
        for (k, v) in params {
            out.push(sep);
            out.extend(url::form_urlencoded::byte_serialize(k.as_bytes()));
            out.push('=');
            out.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
            sep = '&';
        }
        out
    }
}

/// Sends a request as is.
pub async fn send(method: &str, url: &str, headers: &[(String, String)], body: Vec<u8>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client().request(method, url).body(body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    answer(req.send().await.expect("request sent"))
        .await
        .expect("body read")
}

/// Signs (headers given + those of the signature) and sends; the body sent may
/// differ from the one signed (`Payload`).
pub async fn signed(
    signer: &Signer,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    payload: Payload<'_>,
    body: &[u8],
) -> Answer {
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.extend(signer.headers(method, url, headers, payload));
    send(method, url, &all, body.to_vec()).await
}

/// `Code` of an S3 XML error.
pub fn s3_code(a: &Answer) -> String {
    a.xml_tag("Code").unwrap_or_default()
}
