#!/usr/bin/env python3
"""Benchmark peer: boto3's Cognito Identity client (GetId + GetCredentialsForIdentity, unsigned).

    target/bench-peers/venv/bin/python benches/peers/python/peer.py <cold|coalesce|fanout|storm> \
        --endpoint https://127.0.0.1:PORT --region us-east-1 --pool <IDENTITY_POOL_ID> [options]
    ... peer.py launch --endpoint URL --region R --pool ID --case a|b|c|d --state-dir DIR \
        [--ask-after-ms 500]                                         (LAUNCH_T0_UNIX_NS set)

Prints exactly one JSON object on stdout; everything else goes to stderr.

Environment:
  AWS_CA_BUNDLE   PEM file of the CA to trust (the emulator's test CA). botocore reads it itself
                  (config variable ca_bundle), exactly as for any boto3 user; it replaces the
                  default bundle (certifi), so it must hold the emulator's CA.
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                  storm --mode developer only: the game server's AWS credentials, found by
                  boto3's default credential chain, to sign GetOpenIdTokenForDeveloperIdentity.

The client is created with Config(signature_version=UNSIGNED), so botocore never looks for AWS
credentials (no credential chain, no instance metadata); storm --mode developer signs instead.
Everything else is boto3's default: urllib3 pool of max_pool_connections=10 per client, and
botocore's default retry mode, which in the pinned botocore 1.44.5 is "standard" (configprovider:
retry_mode default 'standard'; 3 attempts, backoff rand * min(1 s * 2^i, 20 s) for throttling, a
retry quota of 500 per client, 5 per throttled retry).
"""

import argparse
import json
import math
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

T_MAIN_UNIX_NS = time.time_ns()  # launch: the script runs (the standard library imported)

# Belt and braces: nothing here needs the instance metadata service; never ask it.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

PEER = "boto3"
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 30
# storm: players run on a ThreadPoolExecutor of this many threads. boto3 is blocking, one call per
# thread: a game server does not start 10,000 threads, it sizes a pool; 128 is a generous one
# (12.8x boto3's default connection pool of 10).
STORM_WORKERS = 128
# The emulator's developer provider name.
DEVELOPER_PROVIDER = "login.cognitonative.emulator"


def fail(message, code=2):
    print(f"peer.py: {message}", file=sys.stderr)
    sys.exit(code)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="peer.py", description=__doc__.split("\n")[0])
    parser.add_argument("scenario", choices=["cold", "coalesce", "fanout", "storm", "launch"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--pool", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=None,
                        help="cold: unreported runs first (3); coalesce/fanout: throwaway runs first (0)")
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--mode", choices=["unauth", "developer"], default="unauth")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="storm: the quotas' scale (the driver's business: boto3 has no such setting)")
    parser.add_argument("--workers", type=int, default=STORM_WORKERS,
                        help=f"storm: threads of the pool the players run on ({STORM_WORKERS})")
    parser.add_argument("--case", choices=["a", "b", "c", "d"], help="launch: the case")
    parser.add_argument("--state-dir", help="launch: where the app keeps its state")
    parser.add_argument("--ask-after-ms", type=int, default=500, help="launch d: the ask's delay")
    args = parser.parse_args(argv)
    if args.scenario == "launch" and not (args.case and args.state_dir):
        parser.error("launch needs --case and --state-dir")
    for name in ("runs", "callers", "logins", "concurrency", "players", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be a positive integer")
    if args.warmup is None:
        args.warmup = 3 if args.scenario == "cold" else 0
    if args.warmup < 0:
        parser.error("--warmup must be >= 0")
    return args


ARGS = parse_args(sys.argv[1:])

ca_bundle = os.environ.get("AWS_CA_BUNDLE")
if ca_bundle and not os.path.isfile(ca_bundle):
    fail(f"AWS_CA_BUNDLE={ca_bundle} is not a file")

try:
    import boto3
    import botocore
    from botocore import UNSIGNED
    from botocore.config import Config
except ImportError as e:  # pragma: no cover
    fail(f"cannot import boto3 (run benches/peers/setup.sh and use target/bench-peers/venv/bin/python): {e}")

CONFIG = Config(
    signature_version=UNSIGNED,
    connect_timeout=CONNECT_TIMEOUT_S,
    read_timeout=READ_TIMEOUT_S,
)
SIGNED_CONFIG = Config(connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S)


def new_client(signed=False):
    # A new Session and client: new endpoint, new urllib3 pool manager, so a new TCP + TLS connection.
    # signed: boto3's default credential chain (the environment) signs every call.
    return boto3.session.Session().client(
        "cognito-identity", region_name=ARGS.region, endpoint_url=ARGS.endpoint,
        config=SIGNED_CONFIG if signed else CONFIG,
    )


def check_credentials(creds):
    if not (creds.get("AccessKeyId") and creds.get("SecretKey") and creds.get("SessionToken")):
        raise RuntimeError("credentials without access key, secret key or session token")


def get_credentials(client, logins=None):
    kwargs = {"Logins": logins} if logins else {}
    identity_id = client.get_id(IdentityPoolId=ARGS.pool, **kwargs)["IdentityId"]
    creds = client.get_credentials_for_identity(IdentityId=identity_id, **kwargs)["Credentials"]
    check_credentials(creds)
    return identity_id


def error_text(e):
    return f"{type(e).__name__}: {e}"[:500]


# Failures by message (storm): at most this many distinct ones, the rest counted together.
STORM_ERROR_KINDS = 20


def count_error(errors, text):
    key = text if text in errors or len(errors) < STORM_ERROR_KINDS else "(other messages)"
    errors[key] = errors.get(key, 0) + 1


def cold():
    runs, errors, first_error, identity_id = [], 0, None, None
    for i in range(ARGS.warmup + ARGS.runs):
        t0 = time.perf_counter_ns()
        try:
            client = new_client()
            ident = get_credentials(client)
            elapsed = time.perf_counter_ns() - t0
            client.close()
            if i >= ARGS.warmup:
                runs.append(elapsed)
                identity_id = ident
        except Exception as e:  # noqa: BLE001 - count every failure, keep going
            errors += 1
            first_error = first_error or error_text(e)
            print(f"cold run {i}: {error_text(e)}", file=sys.stderr)
    out = {"runs_ns": runs, "identity_id": identity_id, "errors": errors}
    if first_error:
        out["first_error"] = first_error
    return out


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.errors = 0
        self.first_error = None

    def success(self):
        with self.lock:
            self.ok += 1

    def failure(self, e):
        with self.lock:
            self.errors += 1
            if self.first_error is None:
                self.first_error = error_text(e)


def warm_up():
    """coalesce/fanout --warmup W: W complete cold get-credentials on throwaway clients first, so
    one-time costs stay out of elapsed_ns. The emulator counts them (2 requests each)."""
    for _ in range(ARGS.warmup):
        client = new_client()
        get_credentials(client)
        client.close()


def coalesce():
    warm_up()
    client = new_client()
    tally = Tally()
    # Every caller and this thread wait at the barrier; the clock starts when it opens.
    barrier = threading.Barrier(ARGS.callers + 1, timeout=120)

    def caller():
        try:
            barrier.wait()
        except threading.BrokenBarrierError as e:
            tally.failure(e)
            return
        try:
            get_credentials(client)
            tally.success()
        except Exception as e:  # noqa: BLE001
            tally.failure(e)

    threads = [threading.Thread(target=caller, daemon=True) for _ in range(ARGS.callers)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter_ns()
    for t in threads:
        t.join()
    elapsed = time.perf_counter_ns() - t0
    client.close()
    out = {"callers": ARGS.callers, "ok": tally.ok, "errors": tally.errors, "elapsed_ns": elapsed}
    if tally.first_error:
        out["first_error"] = tally.first_error
    return out


def fanout():
    warm_up()
    client = new_client()  # one shared client (one connection pool), as a game server would have
    tally = Tally()

    def player(i):
        try:
            get_credentials(client, {"graph.facebook.com": f"player-{i}"})
            tally.success()
        except Exception as e:  # noqa: BLE001
            tally.failure(e)

    t0 = time.perf_counter_ns()
    with ThreadPoolExecutor(max_workers=ARGS.concurrency) as pool:
        list(pool.map(player, range(ARGS.logins)))
    elapsed = time.perf_counter_ns() - t0
    client.close()
    out = {
        "logins": ARGS.logins,
        "concurrency": ARGS.concurrency,
        "ok": tally.ok,
        "errors": tally.errors,
        "elapsed_ns": elapsed,
    }
    if tally.first_error:
        out["first_error"] = tally.first_error
    return out


def percentile(values, q):
    """The q quantile of sorted values (nearest rank), or None when there are none."""
    if not values:
        return None
    return values[max(1, math.ceil(q * len(values) - 1e-9)) - 1]


def storm():
    """A login storm: every player submitted at once to a pool of --workers threads sharing one
    client (boto3 has no per-player credentials object). unauth: get_id +
    get_credentials_for_identity; developer: the game server's signed
    get_open_id_token_for_developer_identity, then get_credentials_for_identity with the token."""
    developer = ARGS.mode == "developer"
    client = new_client(signed=developer)
    lock = threading.Lock()
    times, failed, first_error, errors = [], 0, None, {}

    def player(i):
        nonlocal failed, first_error
        try:
            if developer:
                answer = client.get_open_id_token_for_developer_identity(
                    IdentityPoolId=ARGS.pool, Logins={DEVELOPER_PROVIDER: f"player-{i}"})
                creds = client.get_credentials_for_identity(
                    IdentityId=answer["IdentityId"],
                    Logins={"cognito-identity.amazonaws.com": answer["Token"]})["Credentials"]
                check_credentials(creds)
            else:
                get_credentials(client)
            done = time.perf_counter_ns() - t0
            with lock:
                times.append(done)
        except Exception as e:  # noqa: BLE001
            with lock:
                failed += 1
                first_error = first_error or error_text(e)
                count_error(errors, error_text(e))

    pool = ThreadPoolExecutor(max_workers=ARGS.workers)
    pool.submit(lambda: None).result()  # one thread up before the clock starts
    t0 = time.perf_counter_ns()
    futures = [pool.submit(player, i) for i in range(ARGS.players)]
    for f in futures:
        f.result()
    elapsed = time.perf_counter_ns() - t0
    pool.shutdown()
    client.close()
    times.sort()
    return {
        "mode": ARGS.mode, "players": ARGS.players, "workers": ARGS.workers, "ok": len(times),
        "failed": failed, "first_error": first_error, "error_counts": errors,
        "p50_ns": percentile(times, 0.50),
        "p99_ns": percentile(times, 0.99), "elapsed_ns": elapsed,
    }


def launch():
    """Process start to credentials. boto3 has no credentials provider for identity pools and
    keeps nothing between runs: the app saves the identity id itself (here a JSON file in
    --state-dir) and skips GetId when it has one. Nobody keeps the credentials, so a launch with
    valid credentials from the last run (case c) does what case b does. d: the client is created,
    the app asks --ask-after-ms later; the client is lazy and does nothing until then."""
    t0 = int(os.environ.get("LAUNCH_T0_UNIX_NS") or fail("LAUNCH_T0_UNIX_NS is not set"))
    path = os.path.join(ARGS.state_dir, "boto3-identity.json")
    try:
        with open(path) as f:
            identity_id = json.load(f).get(ARGS.pool)
    except (OSError, ValueError):
        identity_id = None
    identity_from_state = identity_id is not None
    client = new_client()
    t_created = time.time_ns()
    if ARGS.case == "d":
        time.sleep(ARGS.ask_after_ms / 1000)
    t_ask = time.time_ns()
    if identity_id is None:
        identity_id = client.get_id(IdentityPoolId=ARGS.pool)["IdentityId"]
        os.makedirs(ARGS.state_dir, exist_ok=True)
        with open(path + ".tmp", "w") as f:
            json.dump({ARGS.pool: identity_id}, f)
        os.replace(path + ".tmp", path)
    creds = client.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    t_credentials = time.time_ns()
    check_credentials(creds)
    client.close()
    return {"case": ARGS.case, "identity_id": identity_id, "identity_from_state": identity_from_state,
            "t_main_ns": T_MAIN_UNIX_NS - t0, "t_created_ns": t_created - t0, "t_ask_ns": t_ask - t0,
            "t_credentials_ns": t_credentials - t0}


def main():
    try:
        result = {"cold": cold, "coalesce": coalesce, "fanout": fanout, "storm": storm,
                  "launch": launch}[ARGS.scenario]()
    except Exception as e:  # noqa: BLE001
        fail(f"{ARGS.scenario} failed: {error_text(e)}", 1)
    out = {
        "peer": PEER,
        "version": boto3.__version__,
        "botocore_version": botocore.__version__,
        "python": sys.version.split()[0],
        "scenario": ARGS.scenario,
        **result,
    }
    print(json.dumps(out), flush=True)
    if ARGS.scenario == "cold" and out["errors"]:
        print(f"peer.py: {out['errors']} cold run(s) failed: {out['first_error']}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
