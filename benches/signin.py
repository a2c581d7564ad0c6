"""P10 sign-in: a user-pool sign-in with SRP, ours next to pycognito's and
amazon-cognito-identity-js's (issue 15, item 7).

Imported by benches/driver.py (`--only signin` runs just this and rewrites only the P10 section of
BENCHMARKS.md). The driver's emulator gets a confirmed user in its default user pool (admin API,
`POST /__emulator/user-pools/users`, a random password made for the run, handed to the clients in
BENCH_SIGNIN_PASSWORD and never printed). Each client then runs two scenarios (benches/peers/README.md):

  srp-math  the client's own SRP math in its process, warm: A (a random a, g^a mod N) and the
            password claim (x, u, S = (B − k·g^x)^(a + u·x) mod N, HKDF, HMAC) for one real
            PASSWORD_VERIFIER challenge of the emulator (SALT, SRP_B, SECRET_BLOCK: the driver
            asks for it once with an A of its own); then single 3072-bit modpows B^e mod N and
            2^e mod N with one random 1024-bit exponent e (the size of a, and so of a + u·x,
            in all three clients), each client with its own big integers.
  sign-in   warm-up + N sign-ins, InitiateAuth(USER_SRP_AUTH) + RespondToAuthChallenge
            (PASSWORD_VERIFIER) until the tokens, over loopback HTTPS to the emulator, sequential,
            one client object per process (one connection pool).

Each scenario runs in 4 processes per client (ROUNDS), the clients taken in turn, and the samples
are pooled: this machine is shared, and a slow spell then hits every client alike.

The emulator's server-side SRP (B = k·v + g^b, S = (A·v^u)^b) is the same work for every client;
the end-to-end times include it, the math rows show the client's own share.
"""

import json
import os
import secrets
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import sections

HEADING = "## P10 sign-in"
# The emulator's default user pool and its app client without a secret (emulator/src/lib.rs
# DEFAULT_USER_POOL_ID, DEFAULT_USER_POOL_CLIENT_ID).
USER_POOL = "us-east-1_EmuPool1"
CLIENT_ID = "emulatorpublicclient00001"
# The user's name: this prefix and a random suffix (a fresh user each run).
USERNAME_PREFIX = "bench-signin-"
TIMEOUT_S = 600
# Each client runs each scenario in this many processes, the clients taken in turn.
ROUNDS = 4
# Unmeasured math runs at the start of each srp-math process.
MATH_WARMUP = 5
# RFC 3526's 3072-bit prime (group 15), as every Cognito client has it.
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF")


def add_arguments(parser):
    parser.add_argument("--signin-runs", type=int, default=20,
                        help="P10: sign-ins per client (20, in 4 processes)")
    parser.add_argument("--signin-warmup", type=int, default=3,
                        help="P10: unmeasured sign-ins at the start of each process (3)")
    parser.add_argument("--signin-math-runs", type=int, default=100,
                        help="P10: SRP math repetitions per client (100, in 4 processes)")


class Peer:
    def __init__(self, name, label, command, api, math=True):
        self.name, self.label, self.command, self.api = name, label, command, api
        # False: no srp-math of its own (the C ABI runs the Rust library's math).
        self.math = math


def peers(repo, bench_peers, ours):
    return [
        Peer(ours, "cognito-native (Rust API)", [str(repo / "target/release/examples/bench-client")],
             "`UserPool::sign_in_srp`; math: `src/user_pool/srp.rs` (num-bigint) through its "
             "doc-hidden bench hook `user_pool::srp_bench`"),
        Peer(ours + " C ABI", "cognito-native (C ABI)", [str(repo / "target/bench/signin")],
             "`cognito_user_pool_sign_in` (SRP) from C, `benches/c/signin.c`; its math is the Rust "
             "row's (the same library)", math=False),
        Peer("pycognito", "Python pycognito",
             [str(bench_peers / "venv/bin/python"), str(repo / "benches/peers/python/signin.py")],
             "`Cognito(...).authenticate(password=...)` on boto3, tokens verified (PyJWT); math: "
             "`pycognito.aws_srp.AWSSRP` (CPython ints)"),
        Peer("amazon-cognito-identity-js", "JS amazon-cognito-identity-js",
             ["node", str(repo / "benches/peers/node/signin.mjs")],
             "`CognitoUser.authenticateUser` on Node's fetch; math: its exported "
             "`AuthenticationHelper` (jsbn)"),
    ]


def cpu():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return "{} ({} cores)".format(line.split(":", 1)[1].strip(), os.cpu_count())
    except OSError:
        pass
    return "? ({} cores)".format(os.cpu_count())


class SignInBench:
    def __init__(self, bench, run_command, repo, bench_peers, ours, region, identity_pool):
        self.bench, self.run_command = bench, run_command
        self.peers = peers(repo, bench_peers, ours)
        self.ours, self.region, self.identity_pool = ours, region, identity_pool
        self.username = USERNAME_PREFIX + secrets.token_hex(4)
        a = bench.args
        self.runs, self.warmup, self.math_runs = a.signin_runs, a.signin_warmup, a.signin_math_runs
        if self.runs < 1 or self.warmup < 0 or self.math_runs < 1:
            raise SystemExit("--signin-runs and --signin-math-runs must be >= 1, --signin-warmup >= 0")

    def post(self, path, body, headers=None, admin=True):
        emulator = self.bench.emulator
        url = emulator.url + ("/__emulator" + path if admin else path)
        request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(),
                                         headers=headers or {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=emulator.context, timeout=30) as response:
            return json.load(response)

    def challenge(self, password):
        """One real PASSWORD_VERIFIER challenge, asked with an A of the driver's own."""
        n = int(N_HEX, 16)
        a = secrets.randbits(1024) | (1 << 1023)
        answer = self.post("/", {
            "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT_ID,
            "AuthParameters": {"USERNAME": self.username, "SRP_A": format(pow(2, a, n), "x")},
        }, headers={"Content-Type": "application/x-amz-json-1.1",
                    "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}, admin=False)
        if answer.get("ChallengeName") != "PASSWORD_VERIFIER":
            raise RuntimeError("InitiateAuth answered {}".format(answer.get("ChallengeName")))
        p = answer["ChallengeParameters"]
        return {"pool_name": USER_POOL.split("_", 1)[1], "user_id_for_srp": p["USER_ID_FOR_SRP"],
                "salt": p["SALT"], "srp_b": p["SRP_B"], "secret_block": p["SECRET_BLOCK"],
                "exponent": format(secrets.randbits(1024) | (1 << 1023), "x")}

    def client(self, peer, scenario, options, env):
        command = peer.command + [scenario, "--endpoint", self.bench.emulator.url, "--region",
                                  self.region, "--pool", self.identity_pool] + [str(o) for o in options]
        result, _ = self.run_command(command, env, TIMEOUT_S)
        return result

    def run(self):
        # A password that meets the pool's policy; only the clients see it (environment).
        password = "Bench-" + secrets.token_urlsafe(18) + "-9a"
        self.post("/user-pools/users", {"pool_id": USER_POOL, "username": self.username,
                                        "password": password})
        env = dict(self.bench.env, BENCH_SIGNIN_PASSWORD=password)
        rows = {p.name: {"client": p.name, "label": p.label, "api": p.api} for p in self.peers}
        samples = {p.name: {"math": {}, "sign_in": []} for p in self.peers}
        load = [os.getloadavg()[0]]
        # Rounds interleave the clients (a process each per round, warmed up in it), so a slow
        # spell of this shared machine hits them all alike; the samples of the rounds are pooled.
        math_per_round = max(1, -(-self.math_runs // ROUNDS))
        runs_per_round = max(1, -(-self.runs // ROUNDS))
        with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="signin-challenge-") as f:
            json.dump(self.challenge(password), f)
            f.flush()
            for _ in range(ROUNDS):
                for peer in self.peers:
                    row = rows[peer.name]
                    if not peer.math or "math_error" in row:
                        continue
                    try:
                        r = self.client(peer, "srp-math", ["--challenge", f.name, "--runs",
                                                           math_per_round, "--warmup", MATH_WARMUP], env)
                        row["version"] = r.get("version")
                        row["bigint"] = r.get("bigint")
                        for key in ("a_ns", "claim_ns", "a_bits", "modpow_ns", "modpow_g_ns"):
                            samples[peer.name]["math"].setdefault(key, []).extend(r[key])
                    except (RuntimeError, ValueError, KeyError) as e:
                        row["math_error"] = str(e)[-600:]
                for peer in self.peers:
                    row = rows[peer.name]
                    if "sign_in_error" in row:
                        continue
                    try:
                        r = self.client(peer, "sign-in", ["--user-pool", USER_POOL, "--client-id", CLIENT_ID,
                                                          "--username", self.username, "--runs",
                                                          runs_per_round, "--warmup", self.warmup], env)
                        row["version"] = r.get("version", row.get("version"))
                        samples[peer.name]["sign_in"].extend(r["runs_ns"])
                    except (RuntimeError, ValueError, KeyError) as e:
                        row["sign_in_error"] = str(e)[-600:]
        load.append(os.getloadavg()[0])
        for peer in self.peers:
            row = rows[peer.name]
            if peer.math and "math_error" not in row:
                row["math"] = summarise_math(samples[peer.name]["math"])
            if "sign_in_error" not in row:
                row["sign_in"] = summarise(samples[peer.name]["sign_in"])
            if peer.math:
                self.bench.log(describe_math(row))
            self.bench.log(describe_sign_in(row))
        return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": cpu(),
                "load": load, "rounds": ROUNDS, "runs": runs_per_round * ROUNDS, "warmup": self.warmup, "math_runs": math_per_round * ROUNDS,
                "ours": self.ours, "rows": [rows[p.name] for p in self.peers]}


def summarise(runs_ns):
    ms = sorted(ns / 1e6 for ns in runs_ns)
    return {"median_ms": statistics.median(ms), "p90_ms": ms[int(0.9 * (len(ms) - 1))],
            "min_ms": ms[0], "n": len(ms)}


def summarise_math(r):
    med = statistics.median
    total = [a + c for a, c in zip(r["a_ns"], r["claim_ns"])]
    return {"a_ms": med(r["a_ns"]) / 1e6, "claim_ms": med(r["claim_ns"]) / 1e6,
            "total_ms": med(total) / 1e6, "total_p90_ms": sorted(total)[int(0.9 * (len(total) - 1))] / 1e6,
            "modpow_ms": med(r["modpow_ns"]) / 1e6, "modpow_g_ms": med(r["modpow_g_ns"]) / 1e6,
            "a_bits_min": min(r["a_bits"]), "a_bits_max": max(r["a_bits"]), "n": len(total)}


def describe_math(row):
    name = "P10 SRP math {:<28}".format(row["client"])
    if "math_error" in row:
        return name + " FAILED: " + row["math_error"][:300]
    m = row["math"]
    return ("{} A {:7.2f} ms  claim {:7.2f} ms  A + claim {:7.2f} ms  modpow B^e {:7.2f} ms  2^e {:7.2f} ms  "
            "a {}-{} bits").format(name, m["a_ms"], m["claim_ms"], m["total_ms"], m["modpow_ms"],
                                   m["modpow_g_ms"], m["a_bits_min"], m["a_bits_max"])


def describe_sign_in(row):
    name = "P10 sign-in  {:<28}".format(row["client"])
    if "sign_in_error" in row:
        return name + " FAILED: " + row["sign_in_error"][:300]
    s = row["sign_in"]
    return "{} median {:7.2f} ms  p90 {:7.2f} ms  (n = {})".format(name, s["median_ms"], s["p90_ms"], s["n"])


def fastest_peer(result, key, field):
    ok = [r for r in result["rows"] if not r["client"].startswith(result["ours"]) and key in r]
    return min(ok, key=lambda r: r[key][field]) if ok else None


def goals(result):
    """(label, measured, met): ours against the fastest peer that ran, on the client's math and on
    the whole sign-in."""
    ours = next(r for r in result["rows"] if r["client"] == result["ours"])
    out = []
    for key, field, label in (("math", "total_ms", "P10 ours client SRP math (A + claim) ≤ the fastest peer's"),
                              ("sign_in", "median_ms", "P10 ours sign-in end to end (median) ≤ the fastest peer's")):
        peer = fastest_peer(result, key, field)
        if key not in ours or peer is None:
            out.append((label, "failed" if key not in ours else "no peer ran", False))
            continue
        a, b = ours[key][field], peer[key][field]
        out.append((label, "{:.2f} ms vs {:.2f} ms ({})".format(a, b, peer["label"]), a <= b))
    return out


def cell(row, key, field, fmt="{:.2f} ms"):
    if key == "math" and "math" not in row and "math_error" not in row:
        return "= Rust"
    if key not in row:
        return "failed"
    return fmt.format(row[key][field])


def ratio_cell(ours, row, key, field):
    if key not in ours or key not in row:
        return "—"
    return "{:.2f}".format(ours[key][field] / row[key][field])


def section(result):
    """The P10 section of BENCHMARKS.md, as lines."""
    rows, ours = result["rows"], next(r for r in result["rows"] if r["client"] == result["ours"])
    lines = [
        "{}: SRP on the device, and the whole sign-in".format(HEADING), "",
        "Measured {} with `scripts/bench.sh --only signin` (which regenerates only this section; the "
        "whole report runs it too), on {} — one core does a client's math. Against the bundled "
        "emulator over HTTPS on 127.0.0.1: a confirmed user in its user pool `{}` (app client "
        "without a secret), created through its admin API with a random password for the run "
        "(passed to the clients in their environment, never printed).".format(
            result["date"], result["cpu"], USER_POOL), "",
        "**Client SRP math** (`srp-math`, in each client's process, warm: {n} runs in all, in "
        "{rounds} processes taken in turn with the other clients', each after {w} unmeasured; medians): **A** = a random `a` and g^a mod N (N: RFC 3526's 3072-bit prime); "
        "**claim** = for one real PASSWORD_VERIFIER challenge of the emulator (its SALT, SRP_B, "
        "SECRET_BLOCK), x, u, S = (B − k·g^x)^(a + u·x) mod N, HKDF and the HMAC signature. "
        "The claim holds two 3072-bit modpows: g^x (256-bit x) and the one with the largest "
        "exponent, a + u·x (u·x ≤ 512 bits, so as long as a); **B^e** times that one alone, with "
        "B as the base and one random 1024-bit exponent e for every client; **2^e** is g^a alone. "
        "Each client runs its own code: ours `src/user_pool/srp.rs` (num-bigint, in the release "
        "profile the library ships with: opt-level z, LTO) through a doc-hidden hook, pycognito "
        "`AWSSRP` (Python's `pow`), amazon-cognito-identity-js its exported `AuthenticationHelper` "
        "(jsbn; the HMAC with its own `@aws-crypto/sha256-js`, as `CognitoUser` computes it).".format(
            n=result["math_runs"], rounds=result["rounds"], w=MATH_WARMUP), "",
        "**Sign-in end to end** (`sign-in`): InitiateAuth(USER_SRP_AUTH) + "
        "RespondToAuthChallenge(PASSWORD_VERIFIER) until the tokens, {runs} sign-ins in all, one "
        "after the other, in {rounds} processes (rounds taken in turn with the other clients), each "
        "process with one client object (one connection pool) and {warm} unmeasured sign-ins first; "
        "median and p90. The emulator's server-side SRP (B = k·v + g^b; S = (A·v^u)^b) is the same "
        "work for every client and is inside these times, on the same 2 cores; the client's own "
        "share is the math columns. This machine is shared: its 1-minute load average was {l0:.2f} "
        "at the start of P10 and {l1:.2f} at the end (2 cores), so single figures moved by tens of "
        "per cent between runs while this was written; the clients are measured in turn so that a "
        "slow spell hits them alike.".format(
            runs=result["runs"], warm=result["warmup"], rounds=result["rounds"],
            l0=result["load"][0], l1=result["load"][1]), "",
        "| client | a (bits) | A | claim | A + claim | 3072-bit modpow B^e (1024-bit e) | 2^e | "
        "sign-in median | sign-in p90 | ours ÷ this: math | ours ÷ this: sign-in |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        m = r.get("math")
        bits = ("= Rust" if "math_error" not in r else "failed") if m is None else (str(m["a_bits_max"]) if m["a_bits_min"] == m["a_bits_max"]
                                           else "{}–{}".format(m["a_bits_min"], m["a_bits_max"]))
        lines.append("| {} {} | {} | {} | {} | **{}** | {} | {} | **{}** | {} | {} | {} |".format(
            r["label"], r.get("version") or "", bits, cell(r, "math", "a_ms"), cell(r, "math", "claim_ms"),
            cell(r, "math", "total_ms"), cell(r, "math", "modpow_ms"), cell(r, "math", "modpow_g_ms"),
            cell(r, "sign_in", "median_ms"), cell(r, "sign_in", "p90_ms"),
            ratio_cell(ours, r, "math", "total_ms"), ratio_cell(ours, r, "sign_in", "median_ms")))
    lines.append("")
    for r in rows:
        for key in ("math_error", "sign_in_error"):
            if key in r:
                lines += ["{} — {} failed: `{}`".format(r["label"], "the math" if key == "math_error" else "the sign-in",
                                                         r[key][:400].replace("`", "'").replace("\n", " ")), ""]
    lines += ["What each runs: " + "; ".join("{}: {}".format(r["label"], r["api"]) for r in rows) + ".", "",
              "Exponent sizes: all three draw `a` from 128 random bytes (1024 bits, the top bits "
              "as they fall), so a + u·x and the big modpow's cost are alike; the column shows the "
              "sizes seen. On a device the math is the part that scales with the CPU: it runs on one "
              "core, so a slower core (a phone's) multiplies the A + claim column by its single-thread "
              "slowness against this one; no phone was measured here.", "",
              "Goals:", "", "| goal | measured | |", "|---|---|---|"]
    lines += ["| {} | {} | {} |".format(g, m, "**met**" if ok else "**not met**") for g, m, ok in goals(result)]
    lines.append("")
    return lines


def splice(path, lines):
    """Replaces the P10 section of the report at `path` with `lines` (benches/sections.py)."""
    sections.splice(path, HEADING, lines)


def run(bench, run_command, repo, bench_peers, ours, region, identity_pool):
    """Runs P10 with the driver's emulator and environment (`bench.emulator`, `bench.env`,
    `bench.args`, `bench.log`); `run_command(command, env, timeout)` returns (JSON, peak RSS)."""
    return SignInBench(bench, run_command, repo, bench_peers, ours, region, identity_pool).run()
