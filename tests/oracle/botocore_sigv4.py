#!/usr/bin/env python3
"""botocore as an independent SigV4 signer (the tests' oracle): reads cases as JSON lines on
stdin, signs each with botocore at the case's own time, prints one JSON line per case with the
signature botocore computed.

A case: {"kind": "header"|"query", "method", "url", "headers": [[name, value]...],
"body_hex", "unsigned_payload", "service", "region", "access_key_id", "secret_access_key",
"session_token" (or null), "amz_date": "YYYYMMDDTHHMMSSZ", "expires" (query only)}.
"""
import datetime
import json
import sys
from urllib.parse import parse_qs, urlsplit

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    at = datetime.datetime.strptime(case["amz_date"], "%Y%m%dT%H%M%SZ")
    # Every botocore signer dates its signature with this function.
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: at
    creds = Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])
    s3 = case["service"] == "s3"
    if case["kind"] == "header":
        signer = (S3SigV4Auth if s3 else SigV4Auth)(creds, case["service"], case["region"])
    else:
        signer = (S3SigV4QueryAuth if s3 else SigV4QueryAuth)(
            creds, case["service"], case["region"], expires=case["expires"]
        )
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        data=bytes.fromhex(case["body_hex"]),
        headers=dict(case["headers"]),
    )
    # Whether the body's SHA-256 is signed, or UNSIGNED-PAYLOAD (S3 reads it from the client's
    # configuration, the other services from the context).
    signed_payload = not case["unsigned_payload"]
    request.context["payload_signing_enabled"] = signed_payload
    request.context["client_config"] = type(
        "ClientConfig", (), {"s3": {"payload_signing_enabled": signed_payload}}
    )()
    signer.add_auth(request)
    if case["kind"] == "header":
        authorization = request.headers["Authorization"]
        return {
            "signature": authorization.rsplit("Signature=", 1)[1],
            "signed_headers": authorization.split("SignedHeaders=", 1)[1].split(",", 1)[0],
        }
    query = parse_qs(urlsplit(request.url).query)
    return {
        "signature": query["X-Amz-Signature"][0],
        "signed_headers": query["X-Amz-SignedHeaders"][0],
    }


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(sign(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
