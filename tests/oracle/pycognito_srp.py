#!/usr/bin/env python3
"""pycognito as an independent USER_SRP_AUTH client (the tests' oracle): reads cases as JSON
lines on stdin, answers each PASSWORD_VERIFIER challenge with pycognito's own code at the case's
time, prints one JSON line per case: SRP_A, the claim signature, the timestamp, and SECRET_HASH.

A case: {"a_hex", "pool_id", "username", "user_id_for_srp", "password", "salt_hex", "srp_b_hex",
"secret_block", "unix_time", "client_id", "client_secret"}.
"""
import datetime
import json
import sys

import pycognito.aws_srp as aws_srp
from pycognito.aws_srp import AWSSRP, hex_to_long, long_to_hex


class FrozenClock:
    """Stands in for the datetime module pycognito reads the time from."""

    def __init__(self, unix_time):
        at = datetime.datetime.fromtimestamp(unix_time, datetime.timezone.utc)
        frozen = at.replace(tzinfo=None)

        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return frozen

            @classmethod
            def now(cls, tz=None):
                return at if tz else frozen

        self.datetime = Frozen
        self.timezone = datetime.timezone


def answer(case):
    aws_srp.datetime = FrozenClock(case["unix_time"])
    srp = AWSSRP(
        username=case["username"],
        password=case["password"],
        pool_id=case["pool_id"],
        client_id=case["client_id"],
        client=object(),  # never called: only the math runs here
        client_secret=case["client_secret"],
    )
    srp.small_a_value = hex_to_long(case["a_hex"])
    srp.large_a_value = srp.calculate_a()
    response = srp.process_challenge(
        {
            "USERNAME": case["username"],
            "USER_ID_FOR_SRP": case["user_id_for_srp"],
            "SALT": case["salt_hex"],
            "SRP_B": case["srp_b_hex"],
            "SECRET_BLOCK": case["secret_block"],
        },
        {"USERNAME": case["username"]},
    )
    return {
        "srp_a": long_to_hex(srp.large_a_value),
        "signature": response["PASSWORD_CLAIM_SIGNATURE"],
        "timestamp": response["TIMESTAMP"],
        "secret_hash": response.get("SECRET_HASH"),
    }


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
