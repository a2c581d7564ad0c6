"""P9 signing cost: ns per SigV4-signed request, ours next to the AWS SDKs' signers (issue 14).

Imported by benches/driver.py (`--only signing` runs just this and rewrites only the P9 section of
BENCHMARKS.md). The same three requests (REQUESTS) are signed by:

  ours, Rust    CredentialsProvider::sign_cached / presign_cached, valid cached credentials
                (bench-client `signing`, benches/client_signing.rs)
  ours, C ABI   cognito_provider_sign_cached + cognito_signed_headers_free, and
                cognito_provider_presign_cached + cognito_string_free (benches/c/signing.c)
  ours, C#      CognitoSigning.TrySignCached / TryPresignCached (csharp/bench/Signing.cs, Mono)
  aws-sigv4     the crate the Rust SDK signs with, called directly (`http_request::sign` with
                `SigningSettings` and `v4::SigningParams`), in the same bench-client binary: what
                ours wraps, so the floor of ours
  botocore      SigV4Auth / S3SigV4Auth / S3SigV4QueryAuth `add_auth` on an AWSRequest
                (benches/peers/python/signing.py)
  JS v3         @smithy/signature-v4 `SignatureV4.sign` / `presign` with the SDK's Sha256
                (benches/peers/node/signing.mjs)

Ours gets its credentials once from the emulator (the driver's); the peers sign with fixed test
credentials of the same lengths (signing cost does not depend on the values). Each program warms
each request up for one round's time, sets its iterations per round from that, then runs
`--signing-rounds` rounds taking the requests in turn; the driver runs every program
`--signing-passes` times, the programs in turn. The figure is the median of all rounds.

Before timing, bench-client signs each request with ours and with aws-sigv4 at the time ours used
(its x-amz-date) and fails unless the signatures are equal; every client reports the headers it
signed, which must be the same list for a request, or that client's cells show an error.
"""

import json
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

import sections

HEADING = "## P9 signing cost"
REGION = "us-east-1"
REQUESTS = {
    "s3-url": "https://game-assets-example.s3.us-east-1.amazonaws.com/levels/world-1/level-03.bundle",
    "ddb-url": "https://dynamodb.us-east-1.amazonaws.com/",
    "ddb-target": "DynamoDB_20120810.PutItem",
    "ddb-body": ('{"TableName":"PlayerProgress","Item":{"PlayerId":{"S":"us-east-1:00000000-0000-4000-8000-'
                 '000000000001"},"Level":{"N":"3"},"Score":{"N":"125000"},"Lives":{"N":"3"},"Checkpoint":'
                 '{"S":"world-1/level-03/gate-2"}}}'),
    "presign-url": "https://game-saves-example.s3.us-east-1.amazonaws.com/saves/player-0001/slot-1.sav",
}
EXPIRES_S = 900
ROWS = [
    ("s3_get", "(a) S3 GET, header-signed, `UNSIGNED-PAYLOAD`"),
    ("dynamodb_put", "(b) DynamoDB PutItem POST, {} B JSON body signed".format(len(REQUESTS["ddb-body"]))),
    ("s3_presign", "(c) S3 GET presigned URL, {} min".format(EXPIRES_S // 60)),
]
# (client key, label, program): the order of the table.
CLIENTS = [
    ("rust", "ours, Rust `sign_cached` / `presign_cached`", "bench-client"),
    ("c", "ours, C ABI `cognito_provider_sign_cached` / `_presign_cached` + free", "c"),
    ("csharp", "ours, C# `TrySignCached` / `TryPresignCached` (Mono)", "csharp"),
    ("aws-sigv4", "Rust SDK's signer: `aws-sigv4` alone", "bench-client"),
    ("botocore", "Python botocore `SigV4Auth` / `S3SigV4Auth` / `S3SigV4QueryAuth`", "botocore"),
    ("js", "JS v3 `@smithy/signature-v4` `SignatureV4`", "js"),
]
PROGRAM_TIMEOUT_S = 600
# Goal thresholds, chosen before the first measurement (see goals()).
WRAPPER_MAX = 1.5
ABI_MAX = 1.25
CSHARP_MAX = 2.0


def add_arguments(parser):
    parser.add_argument("--signing-rounds", type=int, default=5,
                        help="P9: timed rounds per request in each program run (5)")
    parser.add_argument("--signing-passes", type=int, default=5,
                        help="P9: runs of each program, taken in turn (5; the median of all rounds)")
    parser.add_argument("--signing-round-ms", type=int, default=100,
                        help="P9: the length of a round, which sets its iterations (100 ms)")


def test_credentials(access_key_len, token_len):
    """Fixed credentials of the lengths ours got (what is hashed grows with the token)."""
    access_key = ("ASIAEXAMPLE" + "7" * access_key_len)[:access_key_len]
    token = ("IQoJb3JpZ2luX2VjEXAMPLEtestSESSIONtoken" * (token_len // 38 + 1))[:token_len]
    return ["--access-key-id", access_key, "--secret-access-key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "--session-token", token]


def aws_sigv4_version(repo):
    lock = (Path(repo) / "Cargo.lock").read_text()
    match = re.search(r'name = "aws-sigv4"\nversion = "([^"]+)"', lock)
    return match.group(1) if match else "?"


class Signing:
    def __init__(self, bench, pool, out):
        self.bench, self.pool, self.out = bench, pool, Path(out)
        args = bench.args
        self.rounds, self.passes, self.round_ms = args.signing_rounds, args.signing_passes, args.signing_round_ms
        if self.rounds < 1 or self.passes < 1 or self.round_ms < 1:
            raise SystemExit("--signing-rounds, --signing-passes and --signing-round-ms must be >= 1")
        self.repo = Path(__file__).resolve().parent.parent
        self.peers = self.repo / "target" / "bench-peers"
        self.samples = {}   # (request, client) -> [ns per request, one per round]
        self.errors = {}    # client -> message
        self.signed = {}    # (request, client) -> signed headers list
        self.info = {}

    def request_args(self):
        out = []
        for name, value in REQUESTS.items():
            out += ["--" + name, value]
        return out + ["--expires", str(EXPIRES_S), "--round-ms", str(self.round_ms),
                      "--rounds", str(self.rounds)]

    PROGRAMS = ("bench-client", "c", "csharp", "botocore", "js")

    def command(self, name, credentials):
        """The command line of a program; the peers' `credentials` come from ours' run."""
        url, ours = self.bench.emulator.url, self.bench.clients[0].command
        return {
            "bench-client": lambda: ours + ["signing", "--endpoint", url, "--region", REGION,
                                            "--pool", self.pool] + self.request_args(),
            "c": lambda: [str(self.out / "signing"), url, self.pool] + self.request_args(),
            "csharp": lambda: ["mono", str(self.out / "cs/SigningBench.exe"), url, self.pool]
            + self.request_args(),
            "botocore": lambda: [str(self.peers / "venv/bin/python"),
                                 str(self.repo / "benches/peers/python/signing.py"), "--region", REGION]
            + self.request_args() + credentials,
            "js": lambda: ["node", str(self.repo / "benches/peers/node/signing.mjs"), "--region", REGION]
            + self.request_args() + credentials,
        }[name]()

    def launch(self, name, command):
        try:
            proc = subprocess.run(command, env=self.bench.env, cwd=str(self.repo), capture_output=True,
                                  text=True, timeout=PROGRAM_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise RuntimeError("{} did not finish in {} s".format(name, PROGRAM_TIMEOUT_S))
        except OSError as e:
            raise RuntimeError("{} could not start: {}".format(name, e))
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            raise RuntimeError("{} failed ({}): {}".format(name, proc.returncode, proc.stderr.strip()[-600:]))
        return json.loads(lines[-1])

    def run(self):
        self.info["load_start"] = os.getloadavg()[0]
        credentials = None
        for _ in range(self.passes):
            for name in self.PROGRAMS:
                clients = [c for c, _, program in CLIENTS if program == name]
                if any(c in self.errors for c in clients):
                    continue
                if name in ("botocore", "js") and credentials is None:
                    for c in clients:
                        self.errors[c] = "not run: ours gave no credential lengths"
                    continue
                try:
                    result = self.launch(name, self.command(name, credentials or []))
                except (RuntimeError, ValueError) as e:
                    for c in clients:
                        self.errors[c] = str(e)[-600:]
                    self.bench.log("P9 signing {:<12} FAILED: {}".format(name, str(e)[:300]))
                    continue
                if name == "bench-client":
                    credentials = test_credentials(result["access_key_id_len"], result["session_token_len"])
                    self.info["token_len"] = result["session_token_len"]
                    self.info["access_key_len"] = result["access_key_id_len"]
                    for request, check in result["checks"].items():
                        for c in ("rust", "aws-sigv4"):
                            self.signed[(request, c)] = check["signed_headers"]
                        if request == "s3_presign":
                            self.info["presign_expires"] = check.get("expires")
                self.info.setdefault("versions", {})[name] = result.get("version", "?")
                for key in ("python", "node", "gen0_gcs"):
                    if key in result:
                        self.info.setdefault(key, {})[name] = result[key]
                for request, check in result.get("checks", {}).items():
                    for c in clients:
                        self.signed.setdefault((request, c), check["signed_headers"])
                for s in result["series"]:
                    self.samples.setdefault((s["request"], s["client"]), []).extend(s["rounds_ns"])
        self.info["load_end"] = os.getloadavg()[0]
        return self.summary()

    def summary(self):
        reference = {request: self.signed.get((request, "rust")) for request, _ in ROWS}
        cells = {}
        for request, _ in ROWS:
            for client, _, _ in CLIENTS:
                if client in self.errors:
                    cells[(request, client)] = {"error": self.errors[client]}
                    continue
                rounds = self.samples.get((request, client))
                if not rounds:
                    cells[(request, client)] = {"error": "no measurement"}
                    continue
                signed = self.signed.get((request, client))
                if signed is not None and reference[request] is not None and signed != reference[request]:
                    cells[(request, client)] = {"error": "signed other headers ({}) than ours ({})".format(
                        signed, reference[request])}
                    continue
                cells[(request, client)] = {"median_ns": statistics.median(rounds), "min_ns": min(rounds),
                                            "max_ns": max(rounds), "rounds": len(rounds)}
        for (request, client), cell in cells.items():
            if "error" not in cell:
                self.bench.log("P9 signing {:<12} {:<10} median {:9.0f} ns  ({:.0f}–{:.0f}, {} rounds)".format(
                    request, client, cell["median_ns"], cell["min_ns"], cell["max_ns"], cell["rounds"]))
        return {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "rounds": self.rounds, "passes": self.passes, "round_ms": self.round_ms,
            "requests": REQUESTS, "expires_s": EXPIRES_S,
            "signed_headers": reference,
            "aws_sigv4": aws_sigv4_version(self.repo),
            "info": self.info,
            "cells": [{"request": r, "client": c, **cell} for (r, c), cell in cells.items()],
        }


def cell_map(result):
    return {(c["request"], c["client"]): c for c in result["cells"]}


def fmt_time(ns):
    if ns >= 100_000:
        return "{:.0f} µs".format(ns / 1000)
    if ns >= 1000:
        return "{:.2f} µs".format(ns / 1000)
    return "{:.0f} ns".format(ns)


def fmt_load(x):
    return "?" if x is None else "{:.2f}".format(x)


def ratio(cells, request, a, b, key="median_ns"):
    x, y = cells.get((request, a)), cells.get((request, b))
    if not x or not y or "error" in x or "error" in y:
        return None
    return x[key] / y[key]


def worst(cells, a, b, key="median_ns"):
    """The largest a ÷ b over the requests (None if any is missing), and the request."""
    values = [(ratio(cells, request, a, b, key), request) for request, _ in ROWS]
    if any(v is None for v, _ in values):
        return None, None
    return max(values)


def goals(result):
    """Ours against the signers, (label, measured, met). Each over every request, the worst one:

    - Rust ≤ 1.5× aws-sigv4 alone: ours is aws-sigv4 plus the request's checks (URL, headers,
      service), the credentials' lock and copy and the server time; that must stay well under the
      signature itself.
    - C ABI ≤ 1.25× Rust: what the ABI adds (C strings in, an array of headers or a string out, the
      frees) should be a small share of a signature.
    - C# ≤ 2× C ABI: Unity games sign from C#; its marshalling (UTF-8 in, managed strings out)
      must not cost more than the signing.
    - C ABI ≤ the fastest of botocore and @smithy/signature-v4: a native library that signs slower
      than a scripting language's SDK would have no business here.

    Verdicts are on the medians; the same ratio of the fastest rounds is shown next to it (on a
    shared machine other processes only add time, so the fastest round is the least disturbed)."""
    cells = cell_map(result)
    out = []

    def add(label, a, b, limit):
        value, request = worst(cells, a, b)
        fastest, _ = worst(cells, a, b, "min_ns")
        if value is None:
            out.append((label, "failed", False))
        else:
            out.append((label, "{:.2f}× (worst: {}; fastest rounds: {:.2f}×)".format(value, request, fastest),
                        value <= limit))

    add("P9 ours (Rust) ≤ {:g}× aws-sigv4 alone".format(WRAPPER_MAX), "rust", "aws-sigv4", WRAPPER_MAX)
    add("P9 ours (C ABI) ≤ {:g}× ours (Rust)".format(ABI_MAX), "c", "rust", ABI_MAX)
    add("P9 ours (C#) ≤ {:g}× ours (C ABI)".format(CSHARP_MAX), "csharp", "c", CSHARP_MAX)
    label = "P9 ours (C ABI) ≤ the fastest of botocore and JS v3"
    values, fastest = [], []
    for request, _ in ROWS:
        peers = [cells.get((request, p)) for p in ("botocore", "js")]
        ours = cells.get((request, "c"))
        if not ours or "error" in ours or any(not p or "error" in p for p in peers):
            values = None
            break
        values.append((ours["median_ns"] / min(p["median_ns"] for p in peers), request))
        fastest.append(ours["min_ns"] / min(p["min_ns"] for p in peers))
    if values is None:
        out.append((label, "failed", False))
    else:
        value, request = max(values)
        out.append((label, "{:.2f}× (worst: {}; fastest rounds: {:.2f}×)".format(value, request, max(fastest)),
                    value <= 1.0))
    return out


def section(result):
    """The P9 section of BENCHMARKS.md, as lines (from the heading to the end of the section)."""
    cells = cell_map(result)
    info = result.get("info", {})
    versions = info.get("versions", {})
    token_len = info.get("token_len", "?")
    lines = [
        "{}: time per signed request".format(HEADING), "",
        "Measured {date} with `scripts/bench.sh --only signing` (which regenerates only this section; the "
        "whole report runs it too). The same three requests, signed by each client in a warm loop:"
        .format(date=result["date"]), "",
    ]
    req = result["requests"]
    lines += [
        "- (a) `GET {}` for service `s3`, no body, `x-amz-content-sha256: UNSIGNED-PAYLOAD`;".format(req["s3-url"]),
        "- (b) `POST {}` for `dynamodb`, `content-type: application/x-amz-json-1.0`, `x-amz-target: {}`, "
        "a {}-byte JSON body (signed: its SHA-256 is part of the work);".format(
            req["ddb-url"], req["ddb-target"], len(req["ddb-body"])),
        "- (c) a presigned `GET {}` for `s3`, {} s (`X-Amz-Expires`), the query string built into a URL.".format(
            req["presign-url"], result["expires_s"]),
        "",
        "Every client signs with a session token ({} characters: ours the emulator's credentials, cached by "
        "its provider; the peers fixed test credentials of the same lengths). Headers signed, the same for "
        "every client (checked): (a) `{}`, (b) `{}`, (c) `{}`. Median time per signed request; \"ours ÷ this\" "
        "below 1 means ours is faster than that client.".format(
            token_len, *[result["signed_headers"].get(r) or "?" for r, _ in ROWS]),
        "",
        "| request | client | per request (median) | rounds: fastest – slowest | ours (Rust) ÷ this | ours (C ABI) ÷ this |",
        "|---|---|---|---|---|---|",
    ]
    for request, title in ROWS:
        for i, (client, label, _) in enumerate(CLIENTS):
            title = title if i == 0 else ""
            cell = cells.get((request, client), {"error": "no measurement"})
            if "error" in cell:
                lines.append("| {} | {} | failed: {} | | | |".format(
                    title, label, cell["error"][:200].replace("|", "/").replace("\n", " ")))
                continue
            r_rust, r_c = ratio(cells, request, "rust", client), ratio(cells, request, "c", client)
            lines.append("| {} | {} | {} | {} – {} | {} | {} |".format(
                title, label, fmt_time(cell["median_ns"]), fmt_time(cell["min_ns"]), fmt_time(cell["max_ns"]),
                "{:.2f}".format(r_rust) if r_rust is not None else "–",
                "{:.2f}".format(r_c) if r_c is not None else "–"))
    lines += [
        "",
        "Versions: aws-sigv4 {} (Cargo.lock; in the bench-client binary, built with our release profile: "
        "opt-level z, LTO), botocore {} (Python {}), @smithy/signature-v4 {} (Node {}), cognito-native {}."
        .format(result["aws_sigv4"], versions.get("botocore", "?"), info.get("python", {}).get("botocore", "?"),
                versions.get("js", "?"), info.get("node", {}).get("js", "?"), versions.get("bench-client", "?")),
        "",
        "What is measured: the time of one signed request, in a warm loop of a fixed number of iterations "
        "(each program first runs each request for {ms} ms, which warms it up (the JIT of Mono and Node "
        "included) and sets the iterations of a round to what it did in that time), {rounds} rounds per "
        "program run with the requests taken in turn, {passes} runs of each program taken in turn; the "
        "figure is the median of the {n} rounds. Creating the output is included: ours returns owned "
        "headers or a URL string (the C ABI an array of C strings or a string, freed in the loop; C# "
        "marshals the request to UTF-8 and the result back to managed strings, P/Invoke and the native "
        "provider handle's reference count included). aws-sigv4 alone builds its `SigningParams` with the "
        "current time, signs, and copies the instructions into owned name/value pairs (for (c) appended to "
        "the URL as ours does); botocore signs a new `AWSRequest` and JS v3 a new `HttpRequest` "
        "(each with its host header), as their clients do once the request is serialized. On top of "
        "aws-sigv4, ours checks the request (method, URL, header names, service), reads and copies the "
        "cached credentials under the provider's lock (checking that they are still valid), and takes the "
        "server's time (the device clock corrected by Cognito's `Date`)."
        .format(ms=result["round_ms"], rounds=result["rounds"], passes=result["passes"],
                n=result["rounds"] * result["passes"]),
        "",
        "Machine-independent notes: the ratios carry over better than the times (all clients ran on this "
        "machine, in turn, the emulator idle after ours fetched its credentials; the times scale with the "
        "CPU and with what else runs on it: the 1-minute load average was {load0} at the start of P9 and "
        "{load1} at its end, on {cores} cores). A SigV4 signature is a handful of SHA-256 runs: the "
        "canonical request (which holds the session token in (a) and (b)), the string to sign, and four "
        "HMACs for the signing key; aws-sigv4 and botocore derive the key for every request, "
        "`SignatureV4` caches it per credentials, day, region and service (it still computes one HMAC per "
        "request for the cache's key), so in a warm loop it derives the key once. Hashing the body adds its length's worth of SHA-256 to (b). (c) signs only `host`, but the "
        "token and the other parameters go through the canonical query string.".format(
            load0=fmt_load(info.get("load_start")), load1=fmt_load(info.get("load_end")),
            cores=os.cpu_count()),
        "",
        "Goals (chosen before the first measurement; why, in `benches/signing.py` `goals()`). Each is the "
        "worst of the three requests, judged on the medians; the same ratio of the rounds' fastest is shown "
        "next to it. Ours (Rust) and aws-sigv4 run in one process, their rounds interleaved, so their "
        "ratio is steady; the others are separate processes, and on a busy machine (see the load average "
        "above) their ratios move from run to run.", "",
        "| goal | measured | |", "|---|---|---|",
    ]
    lines += ["| {} | {} | {} |".format(g, m, "**met**" if ok else "**not met**") for g, m, ok in goals(result)]
    lines.append("")
    return lines


def splice(path, lines):
    """Replaces the P9 section of the report at `path` with `lines` (benches/sections.py)."""
    sections.splice(path, HEADING, lines)


def failed(result):
    """The clients that failed, with their errors (the driver exits non-zero on any)."""
    return sorted({(c["client"], c["error"]) for c in result["cells"] if "error" in c})


def run(bench, pool, out):
    """Runs P9 with the driver's emulator, bench-client and environment (`bench.emulator`,
    `bench.clients[0]`, `bench.env`, `bench.args`, `bench.log`); `pool`: the guest pool; `out`:
    where scripts/bench.sh put the C program (`signing`) and the C# one (`cs/SigningBench.exe`)."""
    return Signing(bench, pool, out).run()
