#!/usr/bin/env python3
"""P9 peer: botocore's SigV4 signers, ns per signed request (benches/signing.py).

    signing.py --s3-url URL --ddb-url URL --ddb-target T --ddb-body JSON --presign-url URL
               --access-key-id AK --secret-access-key SK --session-token TOKEN
               [--region us-east-1] [--expires 900] [--round-ms 100] [--rounds 5]

What a botocore client's signing step does for each request (the request already serialized):
a new `AWSRequest`, then `S3SigV4Auth(...).add_auth` (S3 GET, UNSIGNED-PAYLOAD as with
`Config(s3={"payload_signing_enabled": False})`), `SigV4Auth(...).add_auth` (DynamoDB PutItem, body
signed) or `S3SigV4QueryAuth(..., expires).add_auth` (the presigned URL: `request.url`). Static
credentials (signing cost does not depend on them). One JSON line on stdout, as the other peers.
"""

import argparse
import json
import sys
import time
import types
from importlib.metadata import version

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

DDB_CONTENT_TYPE = "application/x-amz-json-1.0"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("s3-url", "ddb-url", "ddb-target", "ddb-body", "presign-url", "access-key-id",
                 "secret-access-key", "session-token"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--expires", type=int, default=900)
    parser.add_argument("--round-ms", type=float, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    credentials = Credentials(args.access_key_id, args.secret_access_key, args.session_token)
    region, body = args.region, args.ddb_body.encode()
    unsigned = {"client_config": types.SimpleNamespace(s3={"payload_signing_enabled": False})}

    def s3_get():
        request = AWSRequest(method="GET", url=args.s3_url)
        request.context.update(unsigned)
        S3SigV4Auth(credentials, "s3", region).add_auth(request)
        return request.headers["Authorization"]

    def dynamodb_put():
        request = AWSRequest(method="POST", url=args.ddb_url, data=body,
                             headers={"Content-Type": DDB_CONTENT_TYPE, "X-Amz-Target": args.ddb_target})
        SigV4Auth(credentials, "dynamodb", region).add_auth(request)
        return request.headers["Authorization"]

    def s3_presign():
        request = AWSRequest(method="GET", url=args.presign_url)
        S3SigV4QueryAuth(credentials, "s3", region, expires=args.expires).add_auth(request)
        return request.url

    series = [("s3_get", s3_get), ("dynamodb_put", dynamodb_put), ("s3_presign", s3_presign)]
    checks = {}
    for name, call in series:
        out = call()
        if name == "s3_presign":
            signed = out.split("X-Amz-SignedHeaders=")[1].split("&")[0] if "X-Amz-Signature=" in out else ""
        else:
            signed = out.split("SignedHeaders=")[1].split(",")[0] if out.startswith("AWS4-HMAC-SHA256 ") else ""
        if not signed:
            print("signing.py: {}: no signature in {!r}".format(name, out[:200]), file=sys.stderr)
            return 1
        checks[name] = {"signed_headers": signed.replace("%3B", ";")}

    # Warm-up and calibration: one round's time each; then the rounds, the requests in turn.
    round_ns = args.round_ms * 1e6
    iters = []
    for _, call in series:
        start, n = time.perf_counter_ns(), 0
        while time.perf_counter_ns() - start < round_ns:
            call()
            n += 1
        iters.append(max(1, n))
    rounds_ns = [[] for _ in series]
    for _ in range(max(1, args.rounds)):
        for i, (_, call) in enumerate(series):
            start = time.perf_counter_ns()
            for _ in range(iters[i]):
                call()
            rounds_ns[i].append((time.perf_counter_ns() - start) / iters[i])

    print(json.dumps({
        "peer": "botocore", "version": version("botocore"), "scenario": "signing",
        "python": sys.version.split()[0], "checks": checks,
        "series": [{"request": name, "client": "botocore", "iters_per_round": n, "rounds_ns": ns}
                   for (name, _), n, ns in zip(series, iters, rounds_ns)],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
