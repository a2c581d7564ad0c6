#!/usr/bin/env python3
"""Benchmark peer (P10 sign-in): pycognito's SRP sign-in to a user pool.

    target/bench-peers/venv/bin/python benches/peers/python/signin.py srp-math \
        --endpoint URL --region R --pool ID --challenge FILE [--runs 100] [--warmup 10]
    ... signin.py sign-in --endpoint URL --region R --pool ID --user-pool ID --client-id ID \
        --username U [--runs 20] [--warmup 3]

Prints exactly one JSON object on stdout; everything else goes to stderr. The password comes from
BENCH_SIGNIN_PASSWORD (never the command line) and is never printed.

srp-math: the client's SRP math in this process, with pycognito's own code
(pycognito.aws_srp.AWSSRP): per run, A = `generate_random_small_a()` + `calculate_a()` (g^a mod N
with Python's pow), then the claim = `process_challenge(...)` for the challenge in FILE (a JSON
file: pool_name, user_id_for_srp, salt, srp_b, secret_block; u, x, S, HKDF, HMAC, timestamp).
Then single modpows B^e mod N and 2^e mod N with the exponent in FILE (`exponent`), through
Python's pow(), which is what AWSSRP calls.

sign-in: one `Cognito(user_pool_id, client_id, username=...)` (one boto3 cognito-idp client, its
connection pool reused), then `authenticate(password=...)` --warmup + --runs times: InitiateAuth
USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER, then pycognito verifies the two RS256
tokens (PyJWT) with the pool's JWKS. The endpoint is given to botocore through
AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER (its service-specific endpoint variable), not through
`boto3_client_kwargs={"endpoint_url": ...}`: with the latter pycognito takes the endpoint for the
tokens' issuer (`{endpoint}/{pool id}`), and the emulator's tokens name Cognito's issuer
(`https://cognito-idp.{region}.amazonaws.com/{pool id}`), as Cognito's do. The JWKS is fetched from
the emulator once before the timed runs and handed over in COGNITO_JWKS, pycognito's own variable
for it (without it pycognito would fetch it from AWS).

Environment: AWS_CA_BUNDLE (the emulator's CA; botocore reads it). botocore needs no AWS
credentials for these two operations (they are unsigned, as in every Cognito client); the peer sets
signature_version=UNSIGNED so none are looked for.
"""

import argparse
import json
import os
import ssl
import sys
import time
import urllib.request

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

PEER = "pycognito"
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 30


def fail(message, code=2):
    print(f"signin.py: {message}", file=sys.stderr)
    sys.exit(code)


def password():
    value = os.environ.get("BENCH_SIGNIN_PASSWORD")
    if not value:
        fail("BENCH_SIGNIN_PASSWORD is not set")
    return value


def srp_math(args):
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from pycognito.aws_srp import AWSSRP

    with open(args.challenge) as f:
        ch = json.load(f)
    # The boto3 client is never called here: AWSSRP only needs one to exist.
    client = boto3.client("cognito-idp", region_name=args.region, endpoint_url=args.endpoint,
                          config=Config(signature_version=UNSIGNED))
    srp = AWSSRP(username=ch["user_id_for_srp"], password=password(),
                 pool_id="{}_{}".format(args.region, ch["pool_name"]), client_id="bench",
                 client=client)
    challenge = {"USERNAME": ch["user_id_for_srp"], "USER_ID_FOR_SRP": ch["user_id_for_srp"],
                 "SALT": ch["salt"], "SRP_B": ch["srp_b"], "SECRET_BLOCK": ch["secret_block"]}
    request = {"USERNAME": ch["user_id_for_srp"]}
    a_ns, claim_ns, a_bits = [], [], []
    for run in range(args.warmup + args.runs):
        start = time.perf_counter_ns()
        srp.small_a_value = srp.generate_random_small_a()
        srp.large_a_value = srp.calculate_a()
        t_a = time.perf_counter_ns() - start
        start = time.perf_counter_ns()
        response = srp.process_challenge(challenge, request)
        t_claim = time.perf_counter_ns() - start
        if not response.get("PASSWORD_CLAIM_SIGNATURE"):
            raise RuntimeError("no claim")
        if run >= args.warmup:
            a_ns.append(t_a)
            claim_ns.append(t_claim)
            a_bits.append(srp.small_a_value.bit_length())

    def timed(base):
        out = []
        e = int(ch["exponent"], 16)
        for run in range(args.warmup + args.runs):
            start = time.perf_counter_ns()
            r = pow(base, e, srp.big_n)
            ns = time.perf_counter_ns() - start
            if r == 0:
                raise RuntimeError("modpow gave 0")
            if run >= args.warmup:
                out.append(ns)
        return out

    return {"runs": args.runs, "a_ns": a_ns, "claim_ns": claim_ns, "a_bits": a_bits,
            "modpow_ns": timed(int(ch["srp_b"], 16)), "modpow_g_ns": timed(srp.val_g),
            "bigint": "CPython int (pow)"}


def sign_in(args):
    if not (args.user_pool and args.client_id and args.username):
        fail("sign-in needs --user-pool, --client-id and --username")
    context = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE"))
    url = "{}/{}/.well-known/jwks.json".format(args.endpoint.rstrip("/"), args.user_pool)
    with urllib.request.urlopen(url, context=context, timeout=READ_TIMEOUT_S) as r:
        os.environ["COGNITO_JWKS"] = r.read().decode()
    os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = args.endpoint
    from botocore import UNSIGNED
    from botocore.config import Config
    from pycognito import Cognito

    config = Config(signature_version=UNSIGNED, connect_timeout=CONNECT_TIMEOUT_S,
                    read_timeout=READ_TIMEOUT_S)
    user = Cognito(args.user_pool, args.client_id, user_pool_region=args.region,
                   username=args.username, botocore_config=config)
    secret = password()
    runs_ns = []
    for run in range(args.warmup + args.runs):
        start = time.perf_counter_ns()
        user.authenticate(password=secret)
        ns = time.perf_counter_ns() - start
        if not (user.id_token and user.access_token):
            raise RuntimeError("no tokens")
        if run >= args.warmup:
            runs_ns.append(ns)
    return {"runs_ns": runs_ns}


def main():
    parser = argparse.ArgumentParser(prog="signin.py", description=__doc__.split("\n")[0])
    parser.add_argument("scenario", choices=["srp-math", "sign-in"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--pool", required=True, help="the identity pool (unused here)")
    parser.add_argument("--challenge", help="srp-math: the challenge's JSON file")
    parser.add_argument("--user-pool")
    parser.add_argument("--client-id")
    parser.add_argument("--username")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--warmup", type=int, default=None)
    args = parser.parse_args()
    if args.scenario == "srp-math":
        if not args.challenge:
            parser.error("srp-math needs --challenge")
        args.runs = 100 if args.runs is None else args.runs
        args.warmup = 10 if args.warmup is None else args.warmup
    else:
        args.runs = 20 if args.runs is None else args.runs
        args.warmup = 3 if args.warmup is None else args.warmup
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be >= 1, --warmup >= 0")
    from importlib.metadata import version
    try:
        result = srp_math(args) if args.scenario == "srp-math" else sign_in(args)
    except Exception as e:  # noqa: BLE001 - reported, exit 1
        print(f"signin.py {args.scenario}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    result.update({"peer": PEER, "version": version("pycognito"), "scenario": args.scenario,
                   "botocore_version": version("botocore"), "python": sys.version.split()[0]})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
