"""pycognito as a source of genuine SRP proofs for the emulator's negative tests: starts
USER_SRP_AUTH through boto3 and computes pycognito's answer to the PASSWORD_VERIFIER
challenge, but does not send it. Prints one JSON list of {"challenge", "responses"}; the
Rust test (emulator/tests/user_pools.rs) sends them, replayed, altered, late or to
another app client.

usage: srp_prepare.py <config JSON: url, region, pool_id, client_id, username, password,
                       client_secret (or null), count>
"""

import json
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from pycognito.aws_srp import AWSSRP


def main():
    cfg = json.loads(sys.argv[1])
    idp = boto3.client("cognito-idp", endpoint_url=cfg["url"], region_name=cfg["region"],
                       config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    out = []
    for _ in range(cfg["count"]):
        srp = AWSSRP(username=cfg["username"], password=cfg["password"],
                     pool_id=cfg["pool_id"], client_id=cfg["client_id"],
                     client_secret=cfg.get("client_secret"), client=idp)
        params = srp.get_auth_params()
        answer = idp.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=params,
                                   ClientId=cfg["client_id"])
        challenge = answer["ChallengeParameters"]
        out.append({"challenge": challenge,
                    "responses": srp.process_challenge(challenge, params)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
