//! A local emulator of the Amazon Cognito Identity data plane, Cognito user pools
//! (sign-in with a server-side SRP that checks the client's proof) and STS
//! `AssumeRoleWithWebIdentity`, strict enough to test clients against; it also
//! verifies requests signed with the credentials it issued, on a small S3 endpoint
//! and a generic endpoint for every other service.
//!
//! One HTTP(S) listener serves everything, routed by what a request carries:
//! 1. a path under `/__emulator/`: the admin API, which lets other processes (C, C#
//!    tests) drive the emulator;
//! 2. an `X-Amz-Target` starting with `AWSCognitoIdentityService.`: Cognito Identity
//!    (JSON 1.1); `AWSCognitoIdentityProviderService.`: the user pools (see below);
//!    a path `/<userPoolId>/.well-known/jwks.json` (or `openid-configuration`): a user
//!    pool's keys;
//! 3. any other `X-Amz-Target`: the generic endpoint (JSON protocol);
//! 4. a SigV4 credential scope (`Authorization` header or `X-Amz-Credential`) for
//!    service `s3`: S3; for another service than `cognito-identity` and `sts`: the
//!    generic endpoint (REST);
//! 5. otherwise, on `/` or with an `Action` query parameter: STS (Query protocol,
//!    `Action` in the form) or, without `Action`, Cognito's "Missing X-Amz-Target"
//!    error; on any other path: S3 (which refuses unsigned requests).
//!
//! So `AWS_ENDPOINT_URL` pointed at [`Emulator::url`] serves an AWS SDK for Cognito,
//! STS, S3 (path-style) and any other service it signs for.
//!
//! # Identity model
//! - Pools are configured up front ([`EmulatorConfig::pools`]); identity ids are
//!   `<region>:<uuid>`.
//! - `GetId` without logins on a pool that allows unauthenticated identities creates
//!   a new identity on every call, as AWS does.
//! - Each login (provider name, user key) links to at most one identity per pool. The
//!   id of an identity created for a login is derived from a hash of pool, provider and
//!   user key, so the same user gets the same id after the emulator restarts.
//! - Presenting, for identity X, a login already linked to another identity Y merges X
//!   into Y: Y is returned and X is gone (`ResourceNotFoundException` afterwards).
//!
//! # Login token rules
//! The emulator never calls out to an identity provider; it decides from the token alone:
//! 1. Provider `cognito-identity.amazonaws.com` (developer identities): the token must be
//!    an OpenID token issued by this emulator instance (valid HMAC signature, not expired,
//!    audience = the pool); its `sub` is the identity.
//! 2. A JWT (three base64url segments whose header and payload are JSON objects): the user
//!    key is `sub`, else `cognito:username`. The signature is **not** verified, so tokens
//!    from moto or real user pools work offline. `exp` in the past (emulator clock) is
//!    rejected with `Invalid login token. Token expired: <now> >= <exp>` (AWS's wording).
//!    For providers starting with `cognito-idp.`, `iss` (if present) must be
//!    `https://<provider>` and `token_use` must not be `access`.
//!
//!    Not so for the user pools this emulator hosts: a login whose provider names one
//!    (`cognito-idp.<region>.amazonaws.com/<hosted pool id>`), or whose token's `iss`
//!    is one, must be a valid id token of that pool: RS256 signature by this emulator
//!    (its key id), `iss` = `https://<provider>`, `token_use` = `id`, `aud` = an app
//!    client of the pool, `exp` after the emulator clock; otherwise
//!    `NotAuthorizedException` "Invalid login token. Couldn't verify signed token." /
//!    "Issuer doesn't match providerName" / "Not a valid OpenId Connect identity
//!    token." / "Incorrect token audience." / `Token expired: <now> >= <exp>`. Tokens of
//!    pools it does not host (moto's, a real pool's, [`Emulator::mint_user_pool_token`]
//!    for such a pool) keep the rules above.
//! 3. Providers starting with `cognito-idp.` accept only JWTs.
//! 4. Any other token is opaque: rejected with `Invalid login token.` if it starts with
//!    `invalid`, otherwise accepted with the token itself as user key.
//!
//! STS accepts only OpenID tokens minted by the same emulator instance
//! (`GetOpenIdToken`, `GetOpenIdTokenForDeveloperIdentity`).
//!
//! # Developer-authenticated identities
//! `GetOpenIdTokenForDeveloperIdentity`, `LookupDeveloperIdentity` and
//! `UnlinkDeveloperIdentity` are what a developer's backend calls with AWS credentials;
//! they must be SigV4-signed (see below). A pool supports them when it has a
//! [`PoolConfig::developer_provider_name`]; both default pools use
//! [`DEFAULT_DEVELOPER_PROVIDER_NAME`].
//! - `GetOpenIdTokenForDeveloperIdentity` needs `Logins[<developer provider name>] =
//!   <developer user identifier>`; other logins in the map follow the token rules and
//!   are linked (and merged) as in `GetId`. Without `IdentityId` it returns the identity
//!   the developer user (or else another login) is linked to, or creates one whose id
//!   derives from pool, provider and user (never a deleted id). With `IdentityId` (which
//!   must be a live identity of the pool) the developer user is linked to it;
//!   `ResourceConflictException` if the user is linked to another identity, and
//!   `NotAuthorizedException` "Logins don't match..." if the identity has logins of other
//!   providers and none of them is presented. The token is an emulator OpenID token valid
//!   for `TokenDuration` seconds (1..=86400, default 900) with `amr` =
//!   `["authenticated", <other providers>.., <provider>, "<provider>:<pool>:<user>"]`
//!   (AWS's shape) and `PrincipalTags` (<= 50; keys 1..=128, values 0..=256 chars) in
//!   the `https://aws.amazon.com/tags` claim. It works as the
//!   `cognito-identity.amazonaws.com` login and with STS until it expires.
//! - A pool without a developer provider, or `Logins` without the pool's developer
//!   provider name (or an `UnlinkDeveloperIdentity` naming another provider):
//!   `NotAuthorizedException` "This identity pool does not support the specified
//!   developer provider." (the message AWS is reported to send then). A
//!   `cognito-identity.amazonaws.com` login in that request: `NotAuthorizedException`
//!   "Invalid login token. Can't pass in a Cognito token.".
//! - `LookupDeveloperIdentity` (`MaxResults` 1..=60, default 60, paged with an opaque
//!   `NextToken`): `InvalidParameterException` without `IdentityId` and
//!   `DeveloperUserIdentifier`; `ResourceNotFoundException` for an unknown identity or
//!   developer user; `ResourceConflictException` if both are given and disagree.
//! - `UnlinkDeveloperIdentity` answers `{}`; `ResourceNotFoundException` if the user is
//!   not linked, `ResourceConflictException` if linked to another identity. The user
//!   counts as new afterwards; an identity left without any login (and never used with
//!   an OpenID token) becomes inaccessible (forbidden), as AWS documents.
//!
//! # SigV4
//! The three operations above are authenticated before anything else: the signature
//! (service `cognito-identity`, region [`Emulator::region`], `Authorization` header or
//! pre-signed query, optional `X-Amz-Security-Token`, which is not checked) is
//! recomputed from the request and compared. Known keys:
//! [`TEST_ACCESS_KEY_ID`]/[`TEST_SECRET_ACCESS_KEY`] by default
//! ([`EmulatorConfig::signing_keys`]), more with [`Emulator::add_signing_key`]. Errors
//! are 400 with AWS's codes and messages, as Cognito's JSON endpoints send them:
//! - no signature: `MissingAuthenticationTokenException` "Missing Authentication Token";
//! - malformed `Authorization`/date: `IncompleteSignatureException`;
//! - `X-Amz-Date` more than 5 minutes from the emulator clock: `InvalidSignatureException`
//!   `Signature expired: <date> is now earlier than <now - 5 min> (<now> - 5 min.)` (or
//!   `Signature not yet current: ...`); wrong region/service/date in the credential
//!   scope: `InvalidSignatureException` "Credential should be scoped to ...";
//! - unknown access key id: `UnrecognizedClientException` "The security token included
//!   in the request is invalid.";
//! - wrong signature: `InvalidSignatureException` "The request signature we calculated
//!   does not match the signature you provided. ...".
//!
//! A request failing authentication is counted but neither faulted nor run. The
//! unsigned operations (`GetId`, `GetCredentialsForIdentity`, `GetOpenIdToken`, STS)
//! ignore signatures entirely, so clients that sign every request still work.
//!
//! # Requests signed with issued credentials
//! Every set of temporary credentials the emulator issues (`GetCredentialsForIdentity`,
//! `AssumeRoleWithWebIdentity`; also the already expired ones of the
//! `ExpiredCredentials` fault) is remembered with its secret, session token,
//! expiration and identity (the 20 000 most recent; older ones are forgotten).
//! Requests to S3 and the generic endpoint must be SigV4-signed with such credentials
//! (the `X-Amz-Security-Token` must be the one issued with them; without it the key
//! is unknown) or with a developer key ([`EmulatorConfig::signing_keys`], without a
//! session token). Checked in this order: signature parameters, signing time
//! (`X-Amz-Date` at most 15 minutes from the emulator clock either way; presigned:
//! `X-Amz-Date` + `X-Amz-Expires` not past, and the date not more than 15 minutes
//! ahead), credential scope, credentials (known, token, not expired), signature.
//! The service and region are the credential scope's (S3: the bucket's region, see
//! below). Header (`Authorization`) and query (presigned) signatures both work.
//!
//! ## S3
//! Path-style `/<bucket>/<key>` (and virtual-hosted `<bucket>.localhost`), signed for
//! service `s3` with S3's rules: the path exactly as sent (single encoding, no
//! normalisation), the `x-amz-content-sha256` header as the payload hash (required on
//! header-signed requests; `UNSIGNED-PAYLOAD` for presigned URLs). Operations:
//! `PutObject`, `GetObject` (single `Range`, `If-Match`/`If-None-Match`,
//! `response-*` overrides), `HeadObject`, `DeleteObject` (204, also for a missing
//! key), `ListObjectsV2` (`prefix`, `delimiter`, `max-keys` <= 1000,
//! `continuation-token`, `start-after`, `encoding-type=url`), `ListObjects`
//! (`marker`), `ListBuckets`, `CreateBucket`, `HeadBucket`, `DeleteBucket`,
//! `GetBucketLocation`, and multipart uploads: `CreateMultipartUpload`,
//! `UploadPart` (1..=10000), `CompleteMultipartUpload` (parts in ascending order,
//! with their ETags, all but the last >= 5 MiB: `InvalidPartOrder`, `InvalidPart`,
//! `EntityTooSmall`, `MalformedXML`; ETag `"<md5 of the part md5s>-<n>"`),
//! `AbortMultipartUpload` (`NoSuchUpload`; at most 100 uploads in progress, their
//! parts counted in the store's budget). Anything else (`ListParts`, listing
//! uploads, copies, ACLs, tagging, versions, ...) is `NotImplemented` (501).
//! - Buckets: created by `CreateBucket` or by their first `PutObject`, in the region
//!   that request was signed for (`CreateBucket`'s `LocationConstraint` must match it,
//!   `IllegalLocationConstraintException` otherwise); afterwards requests must be
//!   signed for that region (`AuthorizationHeaderMalformed` /
//!   `AuthorizationQueryParametersError` with `<Region>` and `x-amz-bucket-region`).
//!   Reading a bucket that does not exist: `NoSuchBucket`. Names follow S3's rules
//!   (`InvalidBucketName`); at most 1000 buckets (`TooManyBuckets`).
//! - Payloads: a signed SHA-256 must be the body's (`XAmzContentSHA256Mismatch`);
//!   `UNSIGNED-PAYLOAD` takes any body; `STREAMING-UNSIGNED-PAYLOAD-TRAILER` bodies
//!   (`Content-Encoding: aws-chunked`, what SDKs send over HTTPS) are decoded, their
//!   length checked against `x-amz-decoded-content-length` (`IncompleteBody`);
//!   chunk-signed `STREAMING-AWS4-*` payloads are `NotImplemented`. `Content-MD5` and
//!   one `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}` (header or trailer)
//!   are checked (`BadDigest`, `InvalidDigest`) and the checksum returned with
//!   `x-amz-checksum-mode: ENABLED`. ETags are the MD5 of the data.
//! - Limits: [`EmulatorConfig::max_object_size`] (16 MiB) per object and
//!   [`EmulatorConfig::max_store_bytes`] (256 MiB) in all (`EntityTooLarge`; a
//!   declared `Content-Length` far over the limit is refused before the body is
//!   read, and the connection closed); keys <= 1024 bytes (`KeyTooLongError`), user
//!   metadata <= 2 KB (`MetadataTooLarge`).
//! - Errors are S3's XML documents (`Code`, `Message`, S3's extra elements,
//!   `RequestId`, `HostId`; no body for HEAD): unsigned: 403 `AccessDenied`;
//!   Signature Version 2: 400 `InvalidRequest` (as SigV4-only buckets answer);
//!   unknown access key id (or temporary keys without their session token): 403
//!   `InvalidAccessKeyId` (what S3 answers, rather than `AccessDenied`); wrong
//!   session token: 400 `InvalidToken`; expired credentials: 400 `ExpiredToken`;
//!   signing time > 15 min off: 403 `RequestTimeTooSkewed`; expired presigned URL:
//!   403 `AccessDenied` "Request has expired" (`X-Amz-Expires` > 7 days: 400
//!   `AuthorizationQueryParametersError`; dated > 15 min ahead: 403 `AccessDenied`
//!   "Request is not valid yet"); wrong signature: 403 `SignatureDoesNotMatch` with
//!   `StringToSign` and `CanonicalRequest` (session token redacted); malformed
//!   `Authorization`: 400 `AuthorizationHeaderMalformed`; `NoSuchKey`,
//!   `NoSuchBucket`, `BucketNotEmpty`, `InvalidRange`, `PreconditionFailed`,
//!   `InvalidArgument`.
//!
//! ## Other services (the generic endpoint)
//! A JSON-protocol request (`X-Amz-Target: DynamoDB_20120810.PutItem`,
//! `Kinesis_20131202.PutRecord`, ...) or a REST request signed for any other service
//! (`execute-api`, `lambda`, ...) is verified with the rules of every service but S3
//! (normalised, double-encoded path; SHA-256 of the body), for the service and region
//! of its credential scope, and answered 200 with JSON: `Service`, `Region`,
//! `AccessKeyId`, `IdentityId` (null for a developer key), `AssumedRoleArn` (STS
//! credentials), `Presigned`, and `Target`, `Operation`, `Body` (the parsed JSON
//! object; `SerializationException` if not one) for the JSON protocol, or `Method`,
//! `Path`, `Query` and `Body` (JSON) / `BodyBase64` for REST. Content type: the
//! request's `application/x-amz-json-1.0`, else 1.1 (REST: `application/json`).
//! Errors are AWS's JSON errors (`__type`, `message`, `x-amzn-ErrorType`), status 400
//! (REST: 403): `MissingAuthenticationTokenException`, `IncompleteSignatureException`,
//! `UnrecognizedClientException` (unknown key, wrong or missing session token),
//! `ExpiredTokenException` "The security token included in the request is expired",
//! `InvalidSignatureException` (`Signature expired: ... (<now> - 15 min.)` / `Signature
//! not yet current` for skew, or the signature mismatch).
//!
//! Both count requests per operation by name, `<signing name>:<operation>`
//! (`s3:PutObject`, `dynamodb:PutItem`, REST: `execute-api:GET`; unsigned: `unknown:`)
//! in [`Emulator::counts`] / [`Emulator::request_count_named`], refused ones included,
//! and keep the last 100 in [`Emulator::recent_requests`]. Faults apply only to the
//! Cognito (identity pools and user pools) and STS operations.
//!
//! # User pools
//! [`EmulatorConfig::user_pools`] (default: [`DEFAULT_USER_POOL_ID`] with the app clients
//! [`DEFAULT_USER_POOL_CLIENT_ID`] without a secret and
//! [`DEFAULT_USER_POOL_SECRET_CLIENT_ID`] with [`DEFAULT_USER_POOL_CLIENT_SECRET`], no
//! users), more from a seed file ([`EmulatorConfig::with_user_pool_seed`], `cognito-native
//! emulate --users FILE`) or the admin API. The operations are unsigned JSON 1.1 on the
//! emulator's URL (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`), errors are
//! AWS's (`__type`, `message`, `x-amzn-ErrorType: <code>:`), counted by name as
//! `cognito-idp:<Op>` ([`Emulator::request_count_named`]; unknown ones as
//! `cognito-idp:unknown`); faults are injected with [`Emulator::inject_user_pool_fault`]
//! or the admin faults route with `"op": "cognito-idp:<Op>"` (`cognito-idp:*`: any).
//!
//! - `InitiateAuth`: `USER_SRP_AUTH` (the server keeps a salt and verifier v = g^x per
//!   user, never the password; SRP_A must be hex of at most 1024 digits with 0 < A < N,
//!   `InvalidParameterException` otherwise; answers PASSWORD_VERIFIER with `SALT`,
//!   `SRP_B`, `SECRET_BLOCK`, `USERNAME` and `USER_ID_FOR_SRP`, both the username),
//!   `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH` (id and access tokens only; refused on
//!   clients that rotate refresh tokens); each must be among the client's
//!   `ALLOW_*` flows (`<FLOW> flow not enabled for this client`); the admin flows are
//!   "Initiate Auth method not supported."; `CUSTOM_AUTH` and `USER_AUTH` are not
//!   implemented (answered as not enabled).
//! - `RespondToAuthChallenge`: `PASSWORD_VERIFIER` verifies PASSWORD_CLAIM_SIGNATURE
//!   (HMAC over pool name, user, secret block and the canonical form of TIMESTAMP, which
//!   must parse as `EEE MMM d HH:mm:ss z yyyy` — else "TIMESTAMP format should be ..." —
//!   and be within 5 minutes of the emulator clock), in constant time, against the
//!   secret block's handshake: a secret block is used once (replay, unknown or garbage:
//!   "Invalid session for the user."), belongs to the app client and user it was issued
//!   for, and dies with the session ("..., session is expired."). A wrong proof:
//!   `NotAuthorizedException` "Incorrect username or password.". Then, for a correct
//!   password: disabled user `NotAuthorizedException` "User is disabled.", UNCONFIRMED
//!   `UserNotConfirmedException`, RESET_REQUIRED `PasswordResetRequiredException`,
//!   FORCE_CHANGE_PASSWORD `NEW_PASSWORD_REQUIRED` (`requiredAttributes`,
//!   `userAttributes`; answered with `NEW_PASSWORD` and `userAttributes.<name>`; the
//!   temporary password expires after the policy's days), then MFA: `SMS_MFA` /
//!   `EMAIL_OTP` (6-digit codes readable with [`Emulator::last_code`]),
//!   `SOFTWARE_TOKEN_MFA` (RFC 6238: HMAC-SHA1, 30 s, 6 digits, the step before and after
//!   accepted), `SELECT_MFA_TYPE` (several factors, none preferred), `MFA_SETUP` (pool MFA
//!   ON and no factor: `AssociateSoftwareToken` + `VerifySoftwareToken` with the session,
//!   then respond). Each step answers a new `Session`; sessions live the client's
//!   [`AppClientConfig::auth_session_validity`] (3 minutes). A wrong code:
//!   `CodeMismatchException` "Invalid code received for user"; at the pool's
//!   `max_code_attempts` (5) `TooManyFailedAttemptsException` and the session is dead.
//! - `GetTokensFromRefreshToken` (the client secret itself for clients with one; with
//!   rotation, a new refresh token and the old one dies), `SignUp` (policy:
//!   `InvalidPasswordException` "Password did not conform with policy: ...";
//!   `UsernameExistsException` "User already exists"; required attributes; a code to the
//!   first auto-verified attribute, 24 h), `ConfirmSignUp`, `ResendConfirmationCode`,
//!   `ForgotPassword` (to a verified email or phone; 1 h), `ConfirmForgotPassword`
//!   (codes: `CodeMismatchException` "Invalid verification code provided, please try
//!   again.", `ExpiredCodeException` "Invalid code provided, please request a code
//!   again.", `TooManyFailedAttemptsException` at the limit), `ChangePassword`,
//!   `GlobalSignOut` and `RevokeToken` (the sign-in's access tokens answer "Access Token
//!   has been revoked", its refresh tokens "Refresh Token has been revoked"), `GetUser`,
//!   `AssociateSoftwareToken`, `VerifySoftwareToken`, `SetUserMFAPreference`.
//! - `SECRET_HASH` = base64(HMAC-SHA256(secret, username ‖ client id)) is required for
//!   clients with a secret, over the username sent in that request (REFRESH_TOKEN_AUTH:
//!   the token's user): `Client <id> is configured with secret but SECRET_HASH was not
//!   received` / `Unable to verify secret hash for client <id>`.
//! - Unknown users: `UserNotFoundException` "User does not exist." — the API's default
//!   (`PreventUserExistenceErrors` = LEGACY). A client with
//!   [`AppClientConfig::prevent_user_existence_errors`] answers as for a wrong password
//!   (SRP gets a decoy challenge, stable per name, refused at the proof), and code
//!   deliveries are faked.
//! - Five wrong passwords in a row ([`UserPoolConfig::max_failed_sign_ins`]) lock the
//!   user for 2 s, doubling per lockout up to 15 minutes: "Password attempts exceeded".
//! - Tokens: RS256 JWTs, `kid` in the pool's JWKS, `iss` =
//!   `https://cognito-idp.<region>.amazonaws.com/<poolId>`; id tokens: `sub`, the
//!   user's attributes (`email_verified` as a boolean, `custom:*`), `cognito:username`,
//!   `aud`, `origin_jti`, `event_id`, `token_use` = id, `auth_time`, `iat`, `exp`, `jti`;
//!   access tokens: `client_id`, `scope`, `username`, `token_use` = access, and the same
//!   times and ids. Lifetimes per app client (1 h; refresh tokens 30 days); refresh
//!   tokens are opaque. The RSA key (2048 bits, generated with the `rsa` crate, used
//!   through ring) is made once per process on first use and shared by the emulators
//!   in it, each under its own key id: a token is accepted only by the emulator that
//!   issued it.
//! - Limits: 100 pools, 100 clients per pool, 10 000 users per pool
//!   (`LimitExceededException` for SignUp), 10 000 challenge sessions and 10 000 pending
//!   SRP handshakes (the oldest forgotten), 50 000 refresh tokens, 100 live sign-ins per
//!   user, 50 attributes per user, one code of each kind per user.
//! - Passwords, codes and tokens are never logged.
//!
//! Seed file (also `POST /__emulator/user-pools/seed`): `{"user_pools": [{"id",
//! "clients": [{"client_id", "client_secret", "auth_flows", "refresh_token_rotation",
//! "prevent_user_existence_errors", "id_token_validity_secs", ...}], "mfa": {"mode":
//! "OFF"|"OPTIONAL"|"ON", "sms", "software_token", "email"}, "password_policy",
//! "required_attributes", "auto_verified_attributes", "alias_attributes",
//! "auto_confirm_sign_up", "users": [...]}], "users": [{"pool_id" (default: the first
//! pool), "username", "password", "status": "CONFIRMED"|"UNCONFIRMED"|
//! "FORCE_CHANGE_PASSWORD"|"RESET_REQUIRED", "attributes": {...}, "enabled", "mfa":
//! {"sms", "email", "software_token_secret" (base32), "preferred"}, "sub"}]}`.
//!
//! # Clock
//! The emulator's clock is system time plus a configurable skew; `Date` headers,
//! expirations and token checks all use it, so clients' clock-skew handling can be tested.
//!
//! # Faults
//! [`FaultRule`]s are checked in insertion order; the first armed rule matching the
//! operation fires and loses one shot. Faulted requests are counted like any other.
//! `ExpiredCredentials` and `DifferentIdentity` only match operations they can change,
//! so a rule for any operation waits for such a call instead of being used up by `GetId`.
//!
//! # Admin API (JSON, never counted, never faulted)
//! - `GET /__emulator/stats` -> `{"total","counts":{op:n},"identities","connections",...}`
//! - `POST /__emulator/reset`: request counters (and recent requests) and fault rules
//! - `POST /__emulator/faults` `{"op":"GetId"|"cognito-idp:InitiateAuth"|"cognito-idp:*"|null,"fault":"throttle"|"limit_exceeded"|
//!   "server_error"|"service_error"|"delay"|"hang"|"reset"|"reset_mid_body"|"malformed"|
//!   "truncated"|"huge_body"|"wrong_content_type"|"wrong_types"|"missing_fields"|
//!   "expired_credentials"|"different_identity","status":500,"code":"..","message":"..",
//!   "ms":100,"bytes":10485760,"times":1|null}`; `POST /__emulator/faults/clear`
//! - `POST /__emulator/clock` `{"skew_secs":-7200}`
//! - `POST /__emulator/lifetime` `{"secs":5,"openid_secs":600}` (either optional)
//! - `POST /__emulator/identities/delete` and `/forbid` `{"identity_id":".."}` -> `{"ok":bool}`
//! - `POST /__emulator/tokens` `{"provider":"cognito-idp.<region>.amazonaws.com/<pool>",
//!   "sub":"alice","lifetime_secs":3600}` -> `{"token":".."}`
//! - `POST /__emulator/signing-keys` `{"access_key_id":"..","secret_access_key":".."}`
//!   (as [`Emulator::add_signing_key`])
//! - `GET /__emulator/objects` -> `{"buckets":[{"name","region","objects":[{"key",
//!   "size","etag","last_modified"}]}],"objects","bytes","max_object_size",
//!   "max_store_bytes","truncated"}` (at most 10 000 objects listed);
//!   `POST /__emulator/objects/clear` deletes every bucket and object
//! - `GET /__emulator/requests` -> `{"requests":[{"operation","service","region",
//!   "access_key_id","identity_id","status","error"}]}` (S3 and the generic
//!   endpoint, the last 100; [`Emulator::recent_requests`])
//!
//! - User pools (`pool_id` defaults to [`DEFAULT_USER_POOL_ID`] if served, else the
//!   first by id): `GET /__emulator/user-pools` (pools, clients with their secrets,
//!   MFA, user counts); `POST /__emulator/user-pools` (a pool, as in the seed file);
//!   `POST .../user-pools/seed` (a seed file); `.../user-pools/clients` `{"pool_id",
//!   "client_id", ...}`; `.../user-pools/mfa` `{"pool_id","mode","sms",
//!   "software_token","email"}`; `.../user-pools/lifetimes` `{"pool_id","client_id",
//!   "id_token_secs","access_token_secs","refresh_token_secs","session_secs"}`;
//!   `.../user-pools/users` (create: a seed user with `pool_id`);
//!   `.../users/get`, `.../users/delete` `{"pool_id","username"}`;
//!   `.../users/password` `{"pool_id","username","password","permanent":true}`;
//!   `.../users/status` `{"pool_id","username","status","enabled"}`;
//!   `.../users/mfa` `{"pool_id","username","sms","email","software_token_secret",
//!   "preferred"}`; `.../user-pools/codes` `{"pool_id","username","kind":"sign_up"|
//!   "forgot_password"|"sms_mfa"|"email_otp"}` -> `{"code","medium","destination",
//!   "expires"}` (without `kind`: all of them); `.../user-pools/totp`
//!   `{"pool_id","username"}` -> `{"secret"}`. Errors: 400/404/409 `{"error"}`.
//!
//! `stats` also has `"sessions"` (issued credentials remembered), `"objects"` and
//! `"object_store_bytes"`, `"multipart_uploads"`, `"user_pools"` (pools, users, challenge
//! sessions, refresh tokens); `counts` includes the S3, generic-endpoint and user-pool
//! names.

mod admin;
mod checksum;
mod cognito;
mod developer;
mod faults;
mod idp;
mod objects;
mod quotas;
mod s3;
mod server;
mod services;
mod sigv4;
#[doc(hidden)]
pub mod sigv4_suite;
mod state;
mod sts;
mod tls;
mod tokens;
mod util;

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

pub use crate::idp::config::{
    AppClientConfig, MfaConfig, MfaMode, PasswordPolicy, SeedUser, UserMfa, UserPoolConfig,
    UserStatus, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH,
    DEFAULT_USER_POOL_CLIENT_ID, DEFAULT_USER_POOL_CLIENT_SECRET, DEFAULT_USER_POOL_ID,
    DEFAULT_USER_POOL_SECRET_CLIENT_ID,
};
pub use crate::idp::{CodeKind, SentCode};
pub use crate::objects::{DEFAULT_MAX_OBJECT_SIZE, DEFAULT_MAX_STORE_BYTES};
pub use crate::state::RecentRequest;
use crate::state::Shared;

/// A pool that allows unauthenticated identities (default config).
pub const DEFAULT_UNAUTH_POOL_ID: &str = "us-east-1:00000000-0000-4000-8000-000000000001";
/// A pool that only allows authenticated identities (default config).
pub const DEFAULT_AUTH_POOL_ID: &str = "us-east-1:00000000-0000-4000-8000-000000000002";
/// The account that owns the default pools.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The developer provider name of both default pools.
pub const DEFAULT_DEVELOPER_PROVIDER_NAME: &str = "login.cognitonative.emulator";
/// Access key id of the developer credentials the emulator knows by default
/// (see [`EmulatorConfig::signing_keys`]).
pub const TEST_ACCESS_KEY_ID: &str = "AKIDEMULATOREXAMPLE1";
/// Secret access key belonging to [`TEST_ACCESS_KEY_ID`].
pub const TEST_SECRET_ACCESS_KEY: &str = "emulator/SECRET/key/EXAMPLEKEY0000000000";

/// One identity pool served by the emulator.
#[derive(Clone, Debug)]
pub struct PoolConfig {
    /// `<region>:<uuid>`; the region prefixes the identity ids of this pool.
    pub id: String,
    pub allow_unauthenticated: bool,
    pub account_id: String,
    /// The pool's `DeveloperProviderName`: the `Logins` key that carries the developer
    /// user identifier in `GetOpenIdTokenForDeveloperIdentity`. `None`: the pool does
    /// not support developer-authenticated identities.
    pub developer_provider_name: Option<String>,
}

impl PoolConfig {
    /// A pool of [`DEFAULT_ACCOUNT_ID`] without a developer provider.
    pub fn new(id: impl Into<String>, allow_unauthenticated: bool) -> PoolConfig {
        PoolConfig {
            id: id.into(),
            allow_unauthenticated,
            account_id: DEFAULT_ACCOUNT_ID.to_string(),
            developer_provider_name: None,
        }
    }

    /// Sets [`PoolConfig::developer_provider_name`].
    pub fn with_developer_provider(mut self, name: impl Into<String>) -> PoolConfig {
        self.developer_provider_name = Some(name.into());
        self
    }
}

#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Default `127.0.0.1:0` (an ephemeral port on loopback).
    pub bind: SocketAddr,
    /// Serve HTTPS with a freshly generated test CA (see [`Emulator::ca_pem`]).
    pub tls: bool,
    /// Which leaf certificate the HTTPS server presents (with `tls`); default
    /// [`TlsCert::Valid`]. The others exist to test that clients reject them.
    pub tls_cert: TlsCert,
    pub pools: Vec<PoolConfig>,
    /// Lifetime of credentials from `GetCredentialsForIdentity` (and STS without `DurationSeconds`).
    pub credential_lifetime: Duration,
    /// Lifetime of OpenID tokens from `GetOpenIdToken`.
    pub openid_token_lifetime: Duration,
    /// Added to the system clock for everything the emulator dates.
    pub clock_skew_secs: i64,
    /// (access key id, secret access key) pairs accepted on SigV4-signed operations.
    /// Default: [`TEST_ACCESS_KEY_ID`] / [`TEST_SECRET_ACCESS_KEY`].
    pub signing_keys: Vec<(String, String)>,
    /// The largest object S3 `PutObject` accepts (default
    /// [`DEFAULT_MAX_OBJECT_SIZE`], 16 MiB); larger ones: `EntityTooLarge`.
    pub max_object_size: usize,
    /// What the object store may hold in all (default [`DEFAULT_MAX_STORE_BYTES`],
    /// 256 MiB; data, keys, metadata and 256 bytes per object); beyond:
    /// `EntityTooLarge`.
    pub max_store_bytes: u64,
    /// Request quotas by operation name (`GetId`, `GetCredentialsForIdentity`...), requests
    /// per second, as AWS enforces them per account: a token bucket holding one second of
    /// requests; beyond, 400 `TooManyRequestsException` "Rate exceeded". None by default; also
    /// `POST /__emulator/quotas {"GetId": 25}` (`null` removes one).
    pub quotas: std::collections::BTreeMap<String, f64>,
    /// The user pools (default: [`UserPoolConfig::default_pool`], no users). Users can
    /// come from a seed file ([`EmulatorConfig::with_user_pool_seed`]).
    pub user_pools: Vec<UserPoolConfig>,
}

impl EmulatorConfig {
    /// Adds a seed file's user pools, app clients and users (JSON, see the crate docs).
    pub fn with_user_pool_seed(mut self, json: &str) -> Result<EmulatorConfig, String> {
        idp::config::apply_seed(&mut self.user_pools, json)?;
        Ok(self)
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: false,
            tls_cert: TlsCert::Valid,
            pools: vec![
                PoolConfig::new(DEFAULT_UNAUTH_POOL_ID, true)
                    .with_developer_provider(DEFAULT_DEVELOPER_PROVIDER_NAME),
                PoolConfig::new(DEFAULT_AUTH_POOL_ID, false)
                    .with_developer_provider(DEFAULT_DEVELOPER_PROVIDER_NAME),
            ],
            quotas: Default::default(),
            credential_lifetime: Duration::from_secs(3600),
            openid_token_lifetime: Duration::from_secs(600),
            clock_skew_secs: 0,
            signing_keys: vec![(
                TEST_ACCESS_KEY_ID.to_string(),
                TEST_SECRET_ACCESS_KEY.to_string(),
            )],
            max_object_size: DEFAULT_MAX_OBJECT_SIZE,
            max_store_bytes: DEFAULT_MAX_STORE_BYTES,
            user_pools: vec![UserPoolConfig::default_pool()],
        }
    }
}

/// The leaf certificate of the HTTPS server, always issued by the test CA
/// ([`Emulator::ca_pem`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsCert {
    /// Names `localhost`, `127.0.0.1` and `::1`; valid from yesterday for 397 days.
    #[default]
    Valid,
    /// Names as [`TlsCert::Valid`], but expired yesterday (valid from 30 days ago).
    Expired,
    /// Valid dates, but names only `wrong.example` (no loopback name or address).
    WrongHost,
}

/// The operations the emulator recognises (and counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    GetId,
    GetCredentialsForIdentity,
    GetOpenIdToken,
    GetOpenIdTokenForDeveloperIdentity,
    LookupDeveloperIdentity,
    UnlinkDeveloperIdentity,
    AssumeRoleWithWebIdentity,
}

impl Operation {
    pub const ALL: [Operation; 7] = [
        Operation::GetId,
        Operation::GetCredentialsForIdentity,
        Operation::GetOpenIdToken,
        Operation::GetOpenIdTokenForDeveloperIdentity,
        Operation::LookupDeveloperIdentity,
        Operation::UnlinkDeveloperIdentity,
        Operation::AssumeRoleWithWebIdentity,
    ];

    /// The wire name (`X-Amz-Target` suffix or STS `Action`).
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetId => "GetId",
            Operation::GetCredentialsForIdentity => "GetCredentialsForIdentity",
            Operation::GetOpenIdToken => "GetOpenIdToken",
            Operation::GetOpenIdTokenForDeveloperIdentity => "GetOpenIdTokenForDeveloperIdentity",
            Operation::LookupDeveloperIdentity => "LookupDeveloperIdentity",
            Operation::UnlinkDeveloperIdentity => "UnlinkDeveloperIdentity",
            Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
        }
    }

    pub(crate) fn is_sts(self) -> bool {
        self == Operation::AssumeRoleWithWebIdentity
    }

    /// Operations that need developer credentials: requests must be SigV4-signed.
    pub fn requires_signature(self) -> bool {
        matches!(
            self,
            Operation::GetOpenIdTokenForDeveloperIdentity
                | Operation::LookupDeveloperIdentity
                | Operation::UnlinkDeveloperIdentity
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error of [`Operation::from_str`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownOperation(pub String);

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown operation '{}'", self.0)
    }
}

impl std::error::Error for UnknownOperation {}

impl FromStr for Operation {
    type Err = UnknownOperation;

    /// Accepts the wire name, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownOperation(s.to_string()))
    }
}

/// A misbehaviour to inject. Error faults answer in the protocol of the operation
/// (JSON for Cognito, XML for STS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 400 `TooManyRequestsException` "Rate exceeded" (STS: `Throttling`).
    Throttle,
    /// 400 `LimitExceededException`.
    LimitExceeded,
    /// That status with `InternalErrorException` (STS: `InternalFailure`, or
    /// `ServiceUnavailable` for 503).
    ServerError(u16),
    /// Any AWS-shaped error.
    ServiceError {
        status: u16,
        code: String,
        message: String,
    },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Never answer (until the emulator shuts down).
    Hang,
    /// Abort the connection with a TCP RST and no response.
    Reset,
    /// Send status, headers (with Content-Length) and part of the body, then RST.
    ResetMidBody,
    /// 200 with a body that does not parse.
    Malformed,
    /// 200 with a Content-Length larger than the bytes sent, then close.
    Truncated,
    /// 200 with a well-formed body of about this many bytes.
    HugeBody(usize),
    /// 200 `text/html`.
    WrongContentType,
    /// 200 with fields of the wrong JSON/XML types.
    WrongTypes,
    /// 200 with an empty document.
    MissingFields,
    /// Answer normally but with credentials that expired already. Only fires on
    /// operations that return credentials.
    ExpiredCredentials,
    /// Answer with a freshly created identity that the requested one was merged into.
    /// Only fires on `GetCredentialsForIdentity` and `GetOpenIdToken`.
    DifferentIdentity,
}

impl Fault {
    /// Faults that change what an operation does only make sense for some operations;
    /// others stay armed until such an operation comes.
    pub(crate) fn applies_to(&self, op: Operation) -> bool {
        match self {
            Fault::ExpiredCredentials => matches!(
                op,
                Operation::GetCredentialsForIdentity | Operation::AssumeRoleWithWebIdentity
            ),
            Fault::DifferentIdentity => matches!(
                op,
                Operation::GetCredentialsForIdentity | Operation::GetOpenIdToken
            ),
            _ => true,
        }
    }
}

/// `op: None` matches any operation; `times: None` fires forever.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    pub op: Option<Operation>,
    pub fault: Fault,
    pub times: Option<u32>,
}

impl FaultRule {
    /// Fires once for `op`.
    pub fn once(op: Operation, fault: Fault) -> FaultRule {
        FaultRule {
            op: Some(op),
            fault,
            times: Some(1),
        }
    }
}

/// A running emulator. Dropping it stops the server; [`Emulator::shutdown`] also waits.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    ca_pem: Option<String>,
    region: String,
    shutdown_tx: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator").field("url", &self.url).finish()
    }
}

impl Emulator {
    /// Binds and starts serving on the current tokio runtime, which must keep running
    /// for as long as the emulator is used.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let prepared = server::prepare(config).await?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let parts = prepared.parts();
        let task = tokio::spawn(prepared.run(shutdown_rx));
        Ok(Emulator::assemble(parts, shutdown_tx, Some(task), None))
    }

    /// Starts the emulator on a thread of its own with its own runtime, for callers
    /// without a tokio runtime (blocking tests, FFI tests, benchmarks).
    pub fn start_background(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let prepared = runtime.block_on(server::prepare(config))?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let parts = prepared.parts();
        let thread = std::thread::Builder::new()
            .name("cognito-emulator".into())
            .spawn(move || runtime.block_on(prepared.run(shutdown_rx)))?;
        Ok(Emulator::assemble(parts, shutdown_tx, None, Some(thread)))
    }

    fn assemble(
        parts: server::Parts,
        shutdown_tx: watch::Sender<bool>,
        task: Option<tokio::task::JoinHandle<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    ) -> Emulator {
        let host = match parts.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let scheme = if parts.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        let url = format!("{scheme}://{}", SocketAddr::new(host, parts.addr.port()));
        let region = parts.shared.region().to_string();
        Emulator {
            shared: parts.shared,
            addr: parts.addr,
            url,
            ca_pem: parts.ca_pem,
            region,
            shutdown_tx,
            task,
            thread,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (or `https://` in TLS mode); usable as endpoint for
    /// both Cognito Identity and STS.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// PEM of the test CA in TLS mode. The leaf certificate names `localhost`,
    /// `127.0.0.1` and `::1`.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// The region of the first pool.
    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn request_count(&self, op: Operation) -> u64 {
        self.shared.request_count(op)
    }

    /// Sets (`Some`) or removes an operation's request quota (requests per second).
    pub fn set_quota(&self, op: Operation, rate: Option<f64>) {
        self.shared.quotas.set(op.name(), rate);
    }

    /// Requests to `op` refused by its quota (TooManyRequestsException) so far.
    pub fn throttled_count(&self, op: Operation) -> u64 {
        self.shared
            .quotas
            .snapshot()
            .1
            .get(op.name())
            .copied()
            .unwrap_or(0)
    }

    /// All AWS requests, including ones whose operation was not recognised.
    pub fn total_requests(&self) -> u64 {
        self.shared.total_requests()
    }

    /// Operation name -> requests, only for operations seen since the last reset.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.shared.counts()
    }

    /// Requests counted under a name: an [`Operation`]'s (`GetId`), or an S3 or
    /// generic-endpoint operation's, `<signing name>:<operation>` (`s3:PutObject`,
    /// `dynamodb:PutItem`; REST requests to other services: `execute-api:GET`).
    pub fn request_count_named(&self, name: &str) -> u64 {
        self.shared.named_count(name)
    }

    /// The last requests (at most 100, oldest first) to S3 and the generic
    /// endpoint: operation, scope, access key id, identity, status and error code.
    pub fn recent_requests(&self) -> Vec<RecentRequest> {
        self.shared.recent_requests()
    }

    /// Temporary credentials issued and still remembered (at most 20 000, the
    /// oldest forgotten first), expired ones included.
    pub fn issued_credentials(&self) -> usize {
        self.shared.session_count()
    }

    /// The data of an object in the S3 store.
    pub fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        self.shared
            .with_objects(|s| s.get(bucket, key).ok().flatten().map(|o| o.data.to_vec()))
    }

    /// Objects in the S3 store, over all buckets.
    pub fn object_count(&self) -> usize {
        self.shared.with_objects(|s| s.object_count())
    }

    /// Bytes charged against [`EmulatorConfig::max_store_bytes`].
    pub fn object_store_bytes(&self) -> u64 {
        self.shared.with_objects(|s| s.used())
    }

    /// Deletes every bucket and object.
    pub fn clear_objects(&self) {
        self.shared.with_objects(|s| s.clear())
    }

    /// Zeroes the request counters (not [`Emulator::connections_accepted`]) and
    /// forgets the recent requests.
    pub fn reset_counters(&self) {
        self.shared.reset_counters()
    }

    pub fn inject(&self, rule: FaultRule) {
        self.shared.inject(rule)
    }

    /// Injects a fault into user-pool operations: `op` by name (`InitiateAuth`), or
    /// any with `None`; `times: None` fires forever. Error faults answer in the user
    /// pools' JSON (`LimitExceeded`: "Attempt limit exceeded, please try after some
    /// time."); `ExpiredCredentials`, `DifferentIdentity` and `WrongTypes` never match.
    /// [`Emulator::clear_faults`] clears these too.
    pub fn inject_user_pool_fault(&self, op: Option<&str>, fault: Fault, times: Option<u32>) {
        self.shared
            .inject_user_pool_fault(op.map(str::to_string), fault, times)
    }

    pub fn clear_faults(&self) {
        self.shared.clear_faults()
    }

    pub fn set_clock_skew(&self, secs: i64) {
        self.shared.set_clock_skew(secs)
    }

    pub fn set_credential_lifetime(&self, lifetime: Duration) {
        self.shared.set_credential_lifetime(lifetime)
    }

    pub fn set_openid_token_lifetime(&self, lifetime: Duration) {
        self.shared.set_openid_token_lifetime(lifetime)
    }

    /// Accepts SigV4 signatures made with this key pair from now on (replacing the
    /// secret if the access key id is known already).
    pub fn add_signing_key(&self, access_key_id: impl Into<String>, secret: impl Into<String>) {
        self.shared
            .add_signing_key(access_key_id.into(), secret.into())
    }

    /// Deletes an identity as the console would; its logins are unlinked. Returns
    /// false if there was no such live identity.
    pub fn delete_identity(&self, identity_id: &str) -> bool {
        self.shared.delete_identity(identity_id)
    }

    /// Marks an identity as forbidden (AWS does this e.g. for disabled identities).
    pub fn forbid_identity(&self, identity_id: &str) -> bool {
        self.shared.forbid_identity(identity_id)
    }

    /// Live identities (deleted and merged ones excluded).
    pub fn identity_count(&self) -> usize {
        self.shared.identity_count()
    }

    /// A user pool ID token the emulator accepts as login for `user_pool_provider`
    /// (e.g. `cognito-idp.us-east-1.amazonaws.com/us-east-1_abc`): for a user pool the
    /// emulator hosts, a real RS256 id token of that pool (for the user whose sub or
    /// username is `sub`, if there is one; audience: the pool's first app client);
    /// for any other pool, an HS256 token that only this emulator's identity pools
    /// accept (their signatures are not checked for pools it does not host).
    pub fn mint_user_pool_token(
        &self,
        user_pool_provider: &str,
        sub: &str,
        lifetime: Duration,
    ) -> String {
        self.shared
            .mint_user_pool_token(user_pool_provider, sub, lifetime)
    }

    // ---- user pools ----

    /// The ids of the user pools served.
    pub fn user_pool_ids(&self) -> Vec<String> {
        self.shared.user_pools().pool_ids()
    }

    /// Adds a user pool (with its clients and users).
    pub fn add_user_pool(&self, pool: UserPoolConfig) -> Result<(), String> {
        self.shared
            .user_pools()
            .add_pool(pool, self.shared.now_secs())
    }

    /// Adds an app client to a user pool.
    pub fn add_app_client(&self, pool_id: &str, client: AppClientConfig) -> Result<(), String> {
        self.shared.user_pools().add_client(pool_id, client)
    }

    /// Creates a user (as AdminCreateUser + AdminSetUserPassword would); returns its `sub`.
    pub fn create_user(&self, pool_id: &str, user: SeedUser) -> Result<String, String> {
        self.shared
            .user_pools()
            .create_user(pool_id, user, self.shared.now_secs())
    }

    /// Deletes a user; false if there was none.
    pub fn delete_user(&self, pool_id: &str, username: &str) -> bool {
        self.shared.user_pools().delete_user(pool_id, username)
    }

    /// Sets a user's password (it must meet the pool's policy): `permanent` makes the
    /// user CONFIRMED, otherwise the password is temporary (FORCE_CHANGE_PASSWORD).
    pub fn set_user_password(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        permanent: bool,
    ) -> Result<(), String> {
        self.shared.user_pools().set_password(
            pool_id,
            username,
            password,
            permanent,
            self.shared.now_secs(),
        )
    }

    /// Sets a user's status.
    pub fn set_user_status(
        &self,
        pool_id: &str,
        username: &str,
        status: UserStatus,
    ) -> Result<(), String> {
        self.shared.user_pools().set_status(
            pool_id,
            username,
            Some(status),
            None,
            self.shared.now_secs(),
        )
    }

    /// Enables or disables a user.
    pub fn set_user_enabled(
        &self,
        pool_id: &str,
        username: &str,
        enabled: bool,
    ) -> Result<(), String> {
        self.shared.user_pools().set_status(
            pool_id,
            username,
            None,
            Some(enabled),
            self.shared.now_secs(),
        )
    }

    /// A user's status and whether it is enabled.
    pub fn user_status(&self, pool_id: &str, username: &str) -> Option<(UserStatus, bool)> {
        self.shared.user_pools().user_status(pool_id, username)
    }

    /// Sets a user's MFA settings.
    pub fn set_user_mfa(&self, pool_id: &str, username: &str, mfa: &UserMfa) -> Result<(), String> {
        self.shared
            .user_pools()
            .set_user_mfa(pool_id, username, mfa)
    }

    /// Sets a user pool's MFA configuration.
    pub fn set_user_pool_mfa(&self, pool_id: &str, mfa: MfaConfig) -> Result<(), String> {
        self.shared.user_pools().set_mfa_config(pool_id, mfa)
    }

    /// Sets the token lifetimes of a pool's app clients (all of them, or one).
    pub fn set_user_pool_token_validity(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
        id_and_access: Duration,
    ) -> Result<(), String> {
        self.shared
            .user_pools()
            .set_lifetimes(pool_id, client_id, |c| {
                c.id_token_validity = id_and_access;
                c.access_token_validity = id_and_access;
            })
    }

    /// Signs any JWT payload with the user pools' RS256 key under this emulator's key
    /// id, for tests of token checks (tokens with a wrong audience, no `exp`, ...).
    pub fn sign_user_pool_jwt(&self, payload: &serde_json::Value) -> String {
        self.shared.user_pools().sign(payload)
    }

    /// The last code of a kind "sent" to a user (by SMS or email).
    pub fn last_code(&self, pool_id: &str, username: &str, kind: CodeKind) -> Option<SentCode> {
        self.shared.user_pools().last_code(pool_id, username, kind)
    }

    /// A user's authenticator-app secret (base32), verified or being set up.
    pub fn totp_secret(&self, pool_id: &str, username: &str) -> Option<String> {
        self.shared.user_pools().totp_secret(pool_id, username)
    }

    /// TCP connections accepted so far (monotonic), to check connection reuse.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections_accepted()
    }

    /// Stops accepting, closes all connections (hung ones too) and waits for the
    /// server to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Some(thread) = self.thread.take() {
            // Joining a thread would block the runtime; hand it to a blocking-capable
            // waiter instead of assuming one exists.
            let (tx, rx) = tokio::sync::oneshot::channel();
            std::thread::spawn(move || {
                let _ = thread.join();
                let _ = tx.send(());
            });
            let _ = rx.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
        // The background thread ends by itself once it sees the shutdown signal.
        self.thread.take();
    }
}
