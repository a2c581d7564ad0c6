"""An independent client of the emulator's user pools: pycognito's AWSSRP (its own SRP
math) signs in through boto3's cognito-idp client pointed at the emulator, PyJWT checks
the RS256 tokens against the emulator's JWKS, and boto3's cognito-identity client trades
the id token for credentials. Run by emulator/tests/pycognito.rs, which creates the users
first; prints one JSON line with what it saw and exits non-zero (the reason on stderr)
when anything differs from what Cognito does.

usage: user_pool_check.py <config JSON> (with "ca": a PEM file to trust, over HTTPS)
"""

import base64
import hashlib
import hmac
import json
import ssl
import struct
import sys
import time
import urllib.request

import boto3
import jwt
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import (
    ForceChangePasswordException,
    SoftwareTokenMFAChallengeException,
)


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def error_of(call):
    try:
        call()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
    return None


def totp(secret_b32, now=None):
    """RFC 6238, written here from the RFC (not the emulator's code)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((now if now is not None else time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def secret_hash(username, client_id, secret):
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


CONTEXT = None


def admin(url, path, body):
    req = urllib.request.Request(f"{url}/__emulator/{path}", data=json.dumps(body).encode(),
                                 method="POST")
    with urllib.request.urlopen(req, context=CONTEXT) as r:
        return json.loads(r.read())


def main():
    global CONTEXT
    cfg = json.loads(sys.argv[1])
    url, pool_id, region = cfg["url"], cfg["pool_id"], cfg["region"]
    ca = cfg.get("ca")
    CONTEXT = ssl.create_default_context(cafile=ca) if ca else None
    public, secret_client, secret = cfg["client_id"], cfg["secret_client_id"], cfg["client_secret"]
    config = Config(signature_version=UNSIGNED, retries={"max_attempts": 1})
    idp = boto3.client("cognito-idp", endpoint_url=url, region_name=region, config=config,
                       verify=ca)
    out = {"url": url}

    # The JWKS, as any verifier fetches it.
    with urllib.request.urlopen(f"{url}/{pool_id}/.well-known/jwks.json", context=CONTEXT) as r:
        jwks = json.loads(r.read())
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"

    def verify(token, audience=None, use="id"):
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(k for k in jwks["keys"] if k["kid"] == kid)
        claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], issuer=issuer,
                            audience=audience, options={"verify_aud": audience is not None})
        check(claims["token_use"] == use, f"token_use {claims['token_use']} != {use}")
        return claims

    # 1. SRP with the public client: pycognito's own math against the emulator's proof check.
    srp = AWSSRP(username=cfg["user"], password=cfg["password"], pool_id=pool_id,
                 client_id=public, client=idp)
    tokens = srp.authenticate_user()["AuthenticationResult"]
    id_claims = verify(tokens["IdToken"], audience=public)
    access_claims = verify(tokens["AccessToken"], use="access")
    check(access_claims["client_id"] == public, "access token client_id")
    check(id_claims["cognito:username"] == cfg["user"], "cognito:username")
    check(id_claims["email"] == cfg["email"], "email claim")
    check(id_claims["email_verified"] is True, "email_verified claim")
    check(id_claims["origin_jti"] == access_claims["origin_jti"], "origin_jti shared")
    check(tokens["ExpiresIn"] == 3600 and tokens["TokenType"] == "Bearer", "ExpiresIn/TokenType")
    out["srp_public"] = {"sub": id_claims["sub"], "aud": id_claims["aud"],
                         "claims": sorted(id_claims), "access_claims": sorted(access_claims)}
    user = idp.get_user(AccessToken=tokens["AccessToken"])
    out["get_user"] = {a["Name"]: a["Value"] for a in user["UserAttributes"]}

    # 2. A tampered token is refused by PyJWT too (the JWKS is the emulator's real key).
    head, body, sig = tokens["IdToken"].split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged["cognito:username"] = "mallory"
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    try:
        verify(f"{head}.{forged_body}.{sig}", audience=public)
        out["pyjwt_tampered"] = "accepted"
    except jwt.InvalidSignatureError:
        out["pyjwt_tampered"] = "InvalidSignatureError"

    # 3. The same user, with the client that has a secret (SECRET_HASH on both legs).
    srp = AWSSRP(username=cfg["user"], password=cfg["password"], pool_id=pool_id,
                 client_id=secret_client, client_secret=secret, client=idp)
    tokens_s = srp.authenticate_user()["AuthenticationResult"]
    out["srp_secret_aud"] = verify(tokens_s["IdToken"], audience=secret_client)["aud"]
    # ... and without the secret the pool refuses.
    srp = AWSSRP(username=cfg["user"], password=cfg["password"], pool_id=pool_id,
                 client_id=secret_client, client=idp)
    out["srp_secret_missing"] = error_of(srp.authenticate_user)
    srp = AWSSRP(username=cfg["user"], password=cfg["password"], pool_id=pool_id,
                 client_id=secret_client, client_secret="not-the-secret", client=idp)
    out["srp_secret_wrong"] = error_of(srp.authenticate_user)

    # 4. A wrong password: pycognito computes a proof, the emulator's check refuses it.
    srp = AWSSRP(username=cfg["user"], password=cfg["password"] + "x", pool_id=pool_id,
                 client_id=public, client=idp)
    out["srp_wrong_password"] = error_of(srp.authenticate_user)
    srp = AWSSRP(username="nobody-here", password=cfg["password"], pool_id=pool_id,
                 client_id=public, client=idp)
    out["srp_unknown_user"] = error_of(srp.authenticate_user)

    # 5. Refresh: REFRESH_TOKEN_AUTH with the secret client (SECRET_HASH over the username).
    refreshed = idp.initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH", ClientId=secret_client,
        AuthParameters={"REFRESH_TOKEN": tokens_s["RefreshToken"],
                        "SECRET_HASH": secret_hash(cfg["user"], secret_client, secret)})
    r = refreshed["AuthenticationResult"]
    out["refresh_has_refresh_token"] = "RefreshToken" in r
    out["refresh_origin_kept"] = (verify(r["IdToken"], audience=secret_client)["origin_jti"]
                                  == verify(tokens_s["IdToken"], audience=secret_client)["origin_jti"])

    # 6. NEW_PASSWORD_REQUIRED: the temporary password proves itself by SRP, then the new one.
    srp = AWSSRP(username=cfg["new_user"], password=cfg["temp_password"], pool_id=pool_id,
                 client_id=public, client=idp)
    try:
        srp.authenticate_user()
        out["new_password_challenge"] = "none"
    except ForceChangePasswordException:
        out["new_password_challenge"] = "NEW_PASSWORD_REQUIRED"
    result = srp.set_new_password_challenge(cfg["new_password"])
    out["new_password_tokens"] = "AuthenticationResult" in result
    srp = AWSSRP(username=cfg["new_user"], password=cfg["new_password"], pool_id=pool_id,
                 client_id=public, client=idp)
    out["new_password_sign_in"] = "AuthenticationResult" in srp.authenticate_user()
    srp = AWSSRP(username=cfg["new_user"], password=cfg["temp_password"], pool_id=pool_id,
                 client_id=public, client=idp)
    out["old_temp_password"] = error_of(srp.authenticate_user)

    # 7. Software-token MFA: SRP, then a TOTP computed here.
    srp = AWSSRP(username=cfg["mfa_user"], password=cfg["password"], pool_id=pool_id,
                 client_id=public, client=idp)
    try:
        srp.authenticate_user()
        check(False, "no SOFTWARE_TOKEN_MFA challenge")
    except SoftwareTokenMFAChallengeException as e:
        challenge = e.get_tokens()
    session = challenge["Session"]
    wrong = "000000" if totp(cfg["mfa_secret"]) != "000000" else "111111"
    out["totp_wrong"] = error_of(lambda: idp.respond_to_auth_challenge(
        ClientId=public, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
        ChallengeResponses={"USERNAME": cfg["mfa_user"], "SOFTWARE_TOKEN_MFA_CODE": wrong}))
    done = idp.respond_to_auth_challenge(
        ClientId=public, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
        ChallengeResponses={"USERNAME": cfg["mfa_user"],
                            "SOFTWARE_TOKEN_MFA_CODE": totp(cfg["mfa_secret"])})
    out["totp_tokens"] = verify(done["AuthenticationResult"]["IdToken"],
                                audience=public)["cognito:username"]

    # 8. Sign-up, the code read through the admin API, confirm, SRP sign-in.
    su = idp.sign_up(ClientId=secret_client, Username=cfg["signup_user"],
                     Password=cfg["password"],
                     SecretHash=secret_hash(cfg["signup_user"], secret_client, secret),
                     UserAttributes=[{"Name": "email", "Value": "new@example.com"}])
    out["sign_up"] = {"confirmed": su["UserConfirmed"],
                      "delivery": su["CodeDeliveryDetails"]}
    srp = AWSSRP(username=cfg["signup_user"], password=cfg["password"], pool_id=pool_id,
                 client_id=public, client=idp)
    out["unconfirmed_sign_in"] = error_of(srp.authenticate_user)
    code = admin(url, "user-pools/codes", {"pool_id": pool_id, "username": cfg["signup_user"],
                                           "kind": "sign_up"})["code"]
    idp.confirm_sign_up(ClientId=secret_client, Username=cfg["signup_user"],
                        ConfirmationCode=code,
                        SecretHash=secret_hash(cfg["signup_user"], secret_client, secret))
    srp = AWSSRP(username=cfg["signup_user"], password=cfg["password"], pool_id=pool_id,
                 client_id=public, client=idp)
    out["signed_up_sign_in"] = "AuthenticationResult" in srp.authenticate_user()

    # 9. The identity pool takes the id token as its login, and refuses a tampered one.
    identity = boto3.client("cognito-identity", endpoint_url=url, region_name=region,
                            config=config, verify=ca)
    provider = f"cognito-idp.{region}.amazonaws.com/{pool_id}"
    iid = identity.get_id(IdentityPoolId=cfg["identity_pool_id"],
                          Logins={provider: tokens["IdToken"]})["IdentityId"]
    creds = identity.get_credentials_for_identity(
        IdentityId=iid, Logins={provider: tokens["IdToken"]})["Credentials"]
    out["identity"] = {"id": iid, "access_key": creds["AccessKeyId"][:4]}
    out["identity_tampered"] = error_of(lambda: identity.get_id(
        IdentityPoolId=cfg["identity_pool_id"],
        Logins={provider: f"{head}.{forged_body}.{sig}"}))

    print(json.dumps(out))


if __name__ == "__main__":
    main()
