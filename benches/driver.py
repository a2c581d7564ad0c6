#!/usr/bin/env python3
"""Runs the peer benchmark (scripts/bench.sh builds and installs what it needs first).

Starts the bundled emulator over HTTPS on 127.0.0.1, runs every client through the same scenarios
(P1 cold, P3 coalescing, P4 fan-out, P7 login storm against the emulator's request quotas; clients
speak the protocol of benches/peers/README.md), our cached reads from Rust, C and C# (P2), the
footprint (P5/P6), the launch on a network with latency (P8, benches/launch.py), the signing cost
per request next to the SDKs' signers (P9, benches/signing.py), the user-pool sign-in with SRP next
to pycognito and amazon-cognito-identity-js (P10, benches/signin.py), and writes BENCHMARKS.md and
benches/chart.png. Everything runs in one go, on one machine, against one emulator build.
`--only storm` runs P7 alone and replaces just its section (and its goals) in the existing
BENCHMARKS.md, keeping every other figure as it was; `--only launch` runs only P8 and rewrites only
its section; `--only signing` the same for P9, `--only signin` for P10.
"""

import argparse
import datetime
import json
import os
import platform
import re
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import launch  # P8 (benches/launch.py)
import signing  # P9 (benches/signing.py)
import signin  # P10 (benches/signin.py)

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "target" / "bench"
PEERS = REPO / "target" / "bench-peers"
GUEST_POOL = "us-east-1:00000000-0000-4000-8000-000000000001"
REGION = "us-east-1"
OURS = "cognito-native"
# AWS's default request quotas per second ("Quotas in Amazon Cognito"; src/quotas.rs
# AWS_DEFAULT_QUOTAS) of the operations a login storm sends.
STORM_QUOTAS = {"GetId": 25, "GetCredentialsForIdentity": 200, "GetOpenIdTokenForDeveloperIdentity": 50}
# The storm issue 16 asks for (the default).
ISSUE_STORM_PLAYERS = 10_000
# The longest a request waits for a slot of its quota: RateLimits::default().max_wait (src/quotas.rs).
LIMITER_MAX_WAIT_MS = 120_000
# The operations of each storm mode; the binding quota is the lowest of their rates.
STORM_MODES = {
    "unauth": ("GetId", "GetCredentialsForIdentity"),
    "developer": ("GetOpenIdTokenForDeveloperIdentity", "GetCredentialsForIdentity"),
}


class Emulator:
    """`cognito-native emulate --tls` in a child process, stopped on exit."""

    def __init__(self, quotas=None):
        self.ca = OUT / "emulator-ca.pem"
        quota_args = []
        for op, rate in sorted((quotas or {}).items()):
            quota_args += ["--quota", "{}={}".format(op, rate)]
        self.proc = subprocess.Popen(
            [str(REPO / "target/release/cognito-native"), "emulate", "--tls", "--port", "0",
             "--ca-out", str(self.ca)] + quota_args,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the emulator did not start")
        info = json.loads(line)
        self.url = info["url"]
        self.context = ssl.create_default_context(cafile=str(self.ca))

    def admin(self, method, path):
        request = urllib.request.Request(self.url + "/__emulator" + path, method=method,
                                         data=b"{}" if method == "POST" else None)
        with urllib.request.urlopen(request, context=self.context, timeout=10) as response:
            return json.load(response)

    def requests(self):
        return self.admin("GET", "/stats")["total"]

    def quotas(self):
        """{"rates": {op: rate}, "throttled": {op: requests refused}}"""
        return self.admin("GET", "/quotas")

    def reset(self):
        self.admin("POST", "/reset")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Client:
    def __init__(self, name, label, command):
        self.name, self.label, self.command = name, label, command
        self.version = "?"


def clients():
    node_dir = REPO / "benches/peers/node"
    return [
        Client(OURS, "cognito-native (Rust API)",
               [str(REPO / "target/release/examples/bench-client")]),
        Client("aws-sdk-cognitoidentity", "Rust aws-sdk-cognitoidentity",
               [str(PEERS / "rust/release/cognito-peer-rust-sdk")]),
        Client("js-v3", "JS v3 fromCognitoIdentityPool",
               ["node", str(node_dir / "peer.mjs")]),
        Client("boto3", "Python boto3",
               [str(PEERS / "venv/bin/python"), str(REPO / "benches/peers/python/peer.py")]),
    ]


def run(command, env, timeout):
    """Runs a command; returns (last stdout line as JSON, its peak RSS in bytes).

    The peak comes from GNU time: a child forked from this Python process would report Python's
    own RSS as its peak (the memory it had before exec)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("w+") as peak:
        timed = ["/usr/bin/time", "-f", "%M", "-o", peak.name] + command
        try:
            proc = subprocess.run(timed, stdout=out, stderr=err, env=env, cwd=REPO, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError("{} did not finish in {} s".format(" ".join(command), timeout))
        out.seek(0)
        err.seek(0)
        lines = out.read().strip().splitlines()
        if proc.returncode != 0 or not lines:
            raise RuntimeError("{} failed ({}): {}".format(
                " ".join(command), proc.returncode, err.read().strip()[-2000:]))
        return json.loads(lines[-1]), int(peak.read().strip().splitlines()[-1]) * 1024


def stripped_size(binary):
    copy = OUT / (binary.name + ".stripped")
    subprocess.run(["strip", "-o", str(copy), str(binary)], check=True)
    return copy.stat().st_size


class Bench:
    def __init__(self, args):
        self.args = args
        self.clients = clients()
        self.results = {}
        self.emulator = Emulator()
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith("AWS_") or key.startswith("COGNITO_"):
                del self.env[key]
        self.env.update({
            "AWS_CA_BUNDLE": str(self.emulator.ca),
            "NODE_EXTRA_CA_CERTS": str(self.emulator.ca),
            "AWS_EC2_METADATA_DISABLED": "true",
        })

    def restart_emulator(self, quotas=None):
        """A fresh emulator (for fan-out and storm runs, so each starts with no identities and,
        with `quotas`, full quota buckets)."""
        self.emulator.stop()
        ca = self.emulator.ca
        self.emulator = Emulator(quotas)
        assert self.emulator.ca == ca

    def client_run(self, client, scenario, *options, timeout=600, env=None):
        command = client.command + [scenario, "--endpoint", self.emulator.url,
                                    "--region", REGION, "--pool", GUEST_POOL]
        command += [str(o) for o in options]
        result, rss = run(command, env or self.env, timeout)
        client.version = result.get("version", client.version)
        return result, rss

    def log(self, message):
        print(message, flush=True)

    # ---- P1 cold --------------------------------------------------------------------------------

    def cold(self):
        # Rounds interleave the clients, so a slow spell of the machine hits them all alike.
        rounds = 5
        per_round = max(1, -(-self.args.runs // rounds))
        floor = Client("floor", "floor: raw reqwest + rustls, 1 handshake + 2 requests",
                       self.clients[0].command)
        series = {}  # name -> [label, runs_ns, peak_rss]
        for _ in range(rounds):
            for client in self.clients + [floor]:
                scenario = "floor" if client is floor else "cold"
                result, rss = self.client_run(client, scenario, "--runs", per_round, "--warmup", 3)
                runs = [(client.name, client.label, result["runs_ns"])]
                if "shared_runs_ns" in result:
                    runs.append((OURS + " (shared pool)",
                                 "cognito-native: a further provider in the same process (shared pool)",
                                 result["shared_runs_ns"]))
                for name, label, runs_ns in runs:
                    entry = series.setdefault(name, [label, [], 0])
                    entry[1].extend(runs_ns)
                    entry[2] = max(entry[2], rss)
        rows = []
        for name, (label, runs_ns, rss) in series.items():
            ms = sorted(ns / 1e6 for ns in runs_ns)
            rows.append({
                "client": name, "label": label, "median_ms": statistics.median(ms),
                "p90_ms": ms[int(0.9 * (len(ms) - 1))], "runs": len(ms), "peak_rss": rss,
            })
            self.log("P1 cold {:<28} median {:8.3f} ms  p90 {:8.3f} ms  peak RSS {:6.1f} MiB".format(
                name, rows[-1]["median_ms"], rows[-1]["p90_ms"], rss / 2**20))
        self.results["cold"] = rows

    # ---- P2 cached reads -------------------------------------------------------------------------

    def cached(self):
        iters = self.args.iters
        rust, _ = self.client_run(self.clients[0], "cached", "--iters", iters)
        c, _ = run([str(OUT / "c_abi"), self.emulator.url, GUEST_POOL, str(iters)], self.env, 300)
        cs_line = subprocess.run(
            ["mono", str(OUT / "cs/CachedReadBench.exe"), self.emulator.url, str(iters)],
            env=self.env, capture_output=True, text=True, timeout=300, check=True).stdout
        cs_ns = float(cs_line.split("GetCredentials() on valid cached credentials:")[1].split("ns/call")[0])
        self.results["cached"] = {
            "rust_sync_ns": rust["cached_credentials_ns"],
            "rust_await_ns": rust["credentials_await_ns"],
            "c_ns": c["cached_credentials_ns"],
            "csharp_ns": cs_ns,
            "iters": iters,
        }
        self.results["c_abi"] = c
        self.log("P2 cached: Rust {:.0f} ns (await {:.0f} ns), C ABI {:.0f} ns, C# {:.0f} ns".format(
            rust["cached_credentials_ns"], rust["credentials_await_ns"],
            c["cached_credentials_ns"], cs_ns))

    # ---- P3 coalescing ---------------------------------------------------------------------------

    def coalesce(self):
        rows = []
        # JS users hand the provider to a service client, which memoizes it: measure that too.
        runs = [(c, c.name, c.label, ()) for c in self.clients]
        js = next(c for c in self.clients if c.name == "js-v3")
        runs.append((js, "js-v3 (memoized)", js.label + ", memoized as a service client does",
                     ("--memoize",)))
        for client, name, label, extra in runs:
            row = {"client": name, "label": label}
            for callers in (1, 64, 1000):
                self.emulator.reset()
                result, _ = self.client_run(client, "coalesce", "--callers", callers, *extra)
                row[callers] = {"requests": self.emulator.requests(), "ok": result["ok"],
                                "errors": result["errors"], "elapsed_ms": result["elapsed_ns"] / 1e6}
            rows.append(row)
            self.log("P3 coalesce {:<28} requests for 1/64/1000 callers: {}/{}/{}".format(
                name, row[1]["requests"], row[64]["requests"], row[1000]["requests"]))
        self.results["coalesce"] = rows

    # ---- P4 fan-out ------------------------------------------------------------------------------

    # The capacity and ours alternate for this many rounds (the goal is their ratio: a slow spell of
    # the machine then hits both alike); each keeps its median round. The peers run once.
    FANOUT_ROUNDS = 3

    def fanout(self):
        logins, concurrency = self.args.logins, self.args.concurrency
        capacity = Client("capacity", "emulator capacity: raw shared client", self.clients[0].command)
        ours, peers = self.clients[0], self.clients[1:]
        runs = {}  # name -> [row per run]
        for client in [capacity, ours] * self.FANOUT_ROUNDS + peers:
            self.restart_emulator()
            scenario = "capacity" if client is capacity else "fanout"
            result, rss = self.client_run(client, scenario, "--logins", logins,
                                          "--concurrency", concurrency, timeout=1800)
            seconds = result["elapsed_ns"] / 1e9
            row = {"client": client.name, "label": client.label, "ok": result["ok"],
                   "errors": result["errors"], "seconds": seconds,
                   "per_second": result["ok"] / seconds, "peak_rss": rss,
                   "first_error": result.get("first_error")}
            runs.setdefault(client.name, []).append(row)
            self.log("P4 fan-out {:<28} {:6d} ok {:4d} errors in {:7.2f} s: {:8.0f} identities/s".format(
                client.name, result["ok"], result["errors"], seconds, row["per_second"]))
        self.results["fanout"] = [sorted(rows, key=lambda r: r["per_second"])[len(rows) // 2]
                                  for rows in runs.values()]

    # ---- P5/P6 footprint -------------------------------------------------------------------------

    def footprint(self):
        lib = OUT / "libcognito_native.so"
        memory = subprocess.run(
            [str(OUT / "game_server"), str(self.args.providers), "--memory"],
            env=dict(self.env, COGNITO_EMULATOR_URL=self.emulator.url),
            capture_output=True, text=True, timeout=600, check=True).stdout

        def figure(prefix):
            line = next(l for l in memory.splitlines() if l.strip().startswith(prefix))
            return float(line.split(":")[1].split("bytes")[0])

        def du(path):
            return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())

        site = next((PEERS / "venv/lib").glob("python3*/site-packages"))
        # Where the library's bytes go: scripts/size.sh's tables (it exits 1 over the budget,
        # which the goals below report; its tables are printed either way).
        breakdown = subprocess.run([str(REPO / "scripts/size.sh"), "--top", "12"], cwd=REPO,
                                   capture_output=True, text=True, timeout=1200)
        if not breakdown.stdout.strip():
            raise RuntimeError("scripts/size.sh printed nothing: " + breakdown.stderr[-2000:])
        self.results["footprint"] = {
            "size_breakdown": breakdown.stdout,
            "so_bytes": lib.stat().st_size,
            "rss_after_init": self.results["c_abi"]["rss_after_init"],
            "rss_start": self.results["c_abi"]["rss_start"],
            "rss_after_credentials": self.results["c_abi"]["rss_after_credentials"],
            "per_provider_no_identity": figure("per provider, no identity yet"),
            "per_provider_identity": figure("per provider, with an identity"),
            "providers": self.args.providers,
            "install": [
                ("cognito-native: libcognito_native.so (stripped)", lib.stat().st_size),
                ("our bench-client binary (Rust, stripped; opt-level {}, LTO)".format(release_opt_level()),
                 (REPO / "target/release/examples/bench-client").stat().st_size),
                ("Rust SDK peer binary (stripped copy; its profile: opt-level 3, no LTO)",
                 stripped_size(PEERS / "rust/release/cognito-peer-rust-sdk")),
                ("JS v3: node_modules of the two packages and their dependencies",
                 sum(du(PEERS / "node" / d) for d in node_closure(
                     PEERS / "node", ("@aws-sdk/client-cognito-identity",
                                      "@aws-sdk/credential-provider-cognito-identity")))),
                ("boto3: boto3 + botocore + s3transfer + jmespath + dateutil + urllib3 + six",
                 sum(du(site / d) for d in ("boto3", "botocore", "s3transfer", "jmespath",
                                            "dateutil", "urllib3", "six.py") if (site / d).exists())),
            ],
        }
        f = self.results["footprint"]
        self.log("P5 .so {:.2f} MiB; P6 RSS after init {:.1f} MiB; per provider {:.0f} B / {:.0f} B".format(
            f["so_bytes"] / 2**20, f["rss_after_init"] / 2**20, f["per_provider_no_identity"],
            f["per_provider_identity"]))

    # ---- P7 login storm ----------------------------------------------------------------------

    def storm(self):
        players, scale = self.args.storm_players, self.args.storm_scale
        rates = {op: rate * scale for op, rate in STORM_QUOTAS.items()}
        # The game server's AWS credentials (developer mode): the emulator's test keys, handed to
        # every client as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, where each SDK's default
        # credential chain finds them. Never printed.
        developer_env = dict(self.env, **test_keys())
        started = time.monotonic()
        runs = []
        for mode, ops in STORM_MODES.items():
            binding = min(ops, key=lambda op: rates[op])
            bound = players / rates[binding]
            for client, name, label, extra in self.storm_clients(mode):
                self.restart_emulator(rates)
                result, rss = self.client_run(
                    client, "storm", "--players", players, "--mode", mode, "--scale", scale, *extra,
                    timeout=1800, env=developer_env if mode == "developer" else self.env)
                # Stats first: its own request is the one connection of the driver's it counts.
                stats = self.emulator.admin("GET", "/stats")
                quotas = self.emulator.quotas()
                throttled = sum(quotas["throttled"].values())
                seconds = result["elapsed_ns"] / 1e9
                row = {
                    "mode": mode, "client": name, "label": label,
                    "players": result["players"], "ok": result["ok"], "failed": result["failed"],
                    "first_error": result.get("first_error"), "error_counts": result.get("error_counts", {}),
                    "p50_s": (result["p50_ns"] or 0) / 1e9, "p99_s": (result["p99_ns"] or 0) / 1e9,
                    "seconds": seconds, "bound_s": bound, "binding": binding,
                    "sent": stats["total"], "by_operation": stats["counts"],
                    "throttled": throttled, "throttled_by_operation": quotas["throttled"],
                    "connections": stats["connections"] - 1,
                    "peak_rss": rss,
                }
                if "workers" in result:
                    row["workers"] = result["workers"]
                if "stats" in result:  # ours: the library's own view of the same run
                    row["library"] = {"sent": result["sent"], "throttled": result["throttled"],
                                      "operations": result["stats"]["operations"]}
                    row["logins_timeout_ms"] = result["logins_timeout_ms"]
                runs.append(row)
                self.log("P7 storm {:<9} {:<24} {:5d} ok {:5d} failed, {:6d} of {:6d} requests "
                         "throttled, p50 {:6.2f} s p99 {:6.2f} s, total {:6.2f} s = {:.2f}x the bound"
                         .format(mode, name, row["ok"], row["failed"], throttled,
                                 row["sent"], row["p50_s"], row["p99_s"], seconds,
                                 ratio(seconds, bound)))
        self.results["storm"] = {"players": players, "scale": scale, "rates": rates, "runs": runs,
                                 "wall_s": time.monotonic() - started}

    def storm_clients(self, mode):
        """(client, name, label, extra options) of each P7 run in `mode`.

        Every client with its defaults. (Developer mode: each player's provider asks its developer
        identity source, the game server's GetOpenIdTokenForDeveloperIdentity in the same process,
        within the provider's logins timeout, which by default is as long as the limiter lets that
        request wait for its slot of the quota.)"""
        return [(client, client.name, client.label, ()) for client in self.clients]

    def signin(self):
        self.results["signin"] = signin.run(self, run, REPO, PEERS, OURS, REGION, GUEST_POOL)

    def run_all(self):
        try:
            if self.args.only == "storm":
                self.storm()
                return
            if self.args.only == "launch":
                self.results["launch"] = launch.run(self, GUEST_POOL, OUT)
                return
            if self.args.only == "signing":
                self.results["signing"] = signing.run(self, GUEST_POOL, OUT)
                return
            if self.args.only == "signin":
                self.signin()
                return
            self.cold()
            self.cached()
            self.results["signing"] = signing.run(self, GUEST_POOL, OUT)
            self.coalesce()
            self.footprint()
            self.fanout()
            # P8 on the emulator the fan-out left (no quotas); P7 starts one with quotas per run.
            self.results["launch"] = launch.run(self, GUEST_POOL, OUT)
            self.signin()
            self.storm()
        finally:
            self.emulator.stop()


def release_opt_level():
    """[profile.release]'s opt-level in Cargo.toml (the bench-client's build)."""
    section = (REPO / "Cargo.toml").read_text().split("[profile.release]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^opt-level = "?(\w+)"?', section, re.M)
    return match.group(1) if match else "?"


def node_closure(project, roots):
    """The node_modules folders of `roots` and everything they depend on, from the project's
    package-lock.json (npm's own resolution): the install of those packages alone, without the
    other peers' packages in the same project."""
    packages = json.loads((project / "package-lock.json").read_text())["packages"]
    seen, todo = set(), ["node_modules/" + r for r in roots]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for dep in packages[path].get("dependencies", {}):
            # npm's lookup: the nearest node_modules up the tree that holds it.
            base = path
            while True:
                candidate = base + "/node_modules/" + dep
                if candidate in packages:
                    todo.append(candidate)
                    break
                if "/node_modules/" not in base:
                    todo.append("node_modules/" + dep)
                    break
                base = base.rsplit("/node_modules/", 1)[0]
    # A nested folder is inside its parent's: count each file once.
    return sorted(p for p in seen if not any(p.startswith(q + "/") for q in seen))


def test_keys():
    """The emulator's SigV4 test keys, read from its source (TEST_ACCESS_KEY_ID and
    TEST_SECRET_ACCESS_KEY in emulator/src/lib.rs), as the environment of a game server."""
    source = (REPO / "emulator/src/lib.rs").read_text()

    def const(name):
        match = re.search(r'pub const {}: &str = "([^"]+)";'.format(name), source)
        if not match:
            raise SystemExit("{} not found in emulator/src/lib.rs".format(name))
        return match.group(1)

    return {"AWS_ACCESS_KEY_ID": const("TEST_ACCESS_KEY_ID"),
            "AWS_SECRET_ACCESS_KEY": const("TEST_SECRET_ACCESS_KEY")}


# ---- report ---------------------------------------------------------------------------------------

def machine():
    def first(path, key):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    def version(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=30)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not found"

    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", "{} ({} cores)".format(first("/proc/cpuinfo", "model name"), os.cpu_count())),
        ("memory", first("/proc/meminfo", "MemTotal")),
        ("OS", "{} {}".format(platform.system(), platform.release())),
        ("rustc", version(["rustc", "--version"])),
        ("node", version(["node", "--version"])),
        ("python", platform.python_version()),
        ("mono", version(["mono", "--version"])),
    ]


def ratio(a, b):
    return a / b if b else float("inf")


def verdict(ok):
    return "**met**" if ok else "**not met**"


def report(bench, path_md, path_png):
    r, args = bench.results, bench.args
    names = {c.name: c for c in bench.clients}
    lines = ["# Benchmarks", "",
             "Generated by `scripts/bench.sh` (do not edit): every client against the bundled emulator "
             "over HTTPS on 127.0.0.1, in one run, on this machine. The emulator shares the machine's "
             "cores with the client under test; every client pays the same.", "",
             "| machine | |", "|---|---|"]
    lines += ["| {} | {} |".format(k, v) for k, v in machine()]
    lines += ["", "| client | version |", "|---|---|"]
    lines += ["| {} | {} |".format(c.label, c.version) for c in bench.clients]

    cold = {row["client"]: row for row in r["cold"]}
    ours = cold[OURS]["median_ms"]
    peers = [row for row in r["cold"] if row["client"] in names and row["client"] != OURS]
    fastest = min(peers, key=lambda row: row["median_ms"])
    floor = cold["floor"]["median_ms"]
    lines += ["", "## P1 cold: fresh provider → identity id + credentials",
              "",
              "In-process time of a fresh provider/client (its own connection pool: one TCP + TLS "
              "handshake) getting an identity id (GetId) and credentials (GetCredentialsForIdentity), "
              "client creation included: {} runs per client, in 5 rounds that take the clients in "
              "turn, each round a new process with 3 warm-up runs. The floor is what nothing built "
              "on this TLS stack can beat by much: ours is within noise of it. Peak RSS is the "
              "whole process's.".format(r["cold"][0]["runs"]), "",
              "| client | median | p90 | ours ÷ this | peak RSS |", "|---|---|---|---|---|"]
    for row in r["cold"]:
        lines.append("| {} | {:.3f} ms | {:.3f} ms | {:.2f} | {:.1f} MiB |".format(
            row["label"], row["median_ms"], row["p90_ms"], ratio(ours, row["median_ms"]),
            row["peak_rss"] / 2**20))

    c = r["cached"]
    lines += ["", "## P2 cached read: valid cached credentials",
              "", "{:,} reads after a warm-up; ns per read.".format(c["iters"]), "",
              "| API | ns per read |", "|---|---|",
              "| Rust `cached_credentials()` (sync) | {:.0f} |".format(c["rust_sync_ns"]),
              "| Rust `credentials().await` (async, cached) | {:.0f} |".format(c["rust_await_ns"]),
              "| C ABI `cognito_provider_cached_credentials` + `cognito_credentials_free` | {:.0f} |".format(c["c_ns"]),
              "| C# `CognitoAWSCredentials.GetCredentials()` (Mono) | {:.0f} |".format(c["csharp_ns"])]

    lines += ["", "## P3 coalescing: N concurrent callers, empty cache",
              "", "Requests the emulator saw (GetId + GetCredentialsForIdentity) when N callers ask one "
              "fresh provider for credentials at once. Peers without a provider object (boto3, the Rust "
              "SDK) share one client and each caller makes the two calls: what their users write. JS v3's "
              "provider is measured as called directly and as a service client wraps it (memoized).", "",
              "| client | N = 1 | N = 64 | N = 1000 |", "|---|---|---|---|"]
    for row in r["coalesce"]:
        lines.append("| {} | {} | {} | {} |".format(row["label"], *(
            "{} requests{}".format(row[n]["requests"],
                                   "" if not row[n]["errors"] else ", {} errors".format(row[n]["errors"]))
            for n in (1, 64, 1000))))

    fan = {row["client"]: row for row in r["fanout"]}
    cap = fan["capacity"]["per_second"]
    ours_rate = fan[OURS]["per_second"]
    lines += ["", "## P4 fan-out: {:,} players, {} at a time".format(args.logins, args.concurrency),
              "", "Each player: its own logins (`graph.facebook.com`), GetId then GetCredentialsForIdentity, "
              "one shared connection pool. Each client starts on a fresh emulator. Capacity: a minimal "
              "raw client doing the same two requests per player. The capacity and ours alternate "
              "for {} rounds, each shown by its median round; the peers run once.".format(
                  Bench.FANOUT_ROUNDS), "",
              "| client | identities/s | ÷ capacity | ours ÷ this | errors | peak RSS |",
              "|---|---|---|---|---|---|"]
    for row in r["fanout"]:
        lines.append("| {} | {:.0f} | {:.2f} | {:.2f} | {} | {:.1f} MiB |".format(
            row["label"], row["per_second"], ratio(row["per_second"], cap),
            ratio(ours_rate, row["per_second"]), row["errors"], row["peak_rss"] / 2**20))

    f = r["footprint"]
    lines += ["", "## P5/P6 footprint", "",
              "| what | size |", "|---|---|"]
    lines += ["| {} | {:.2f} MiB |".format(what, size / 2**20) for what, size in f["install"]]
    lines += ["| C program RSS at start (library linked, not started) | {:.1f} MiB |".format(f["rss_start"] / 2**20),
              "| C program RSS after `cognito_init` | {:.1f} MiB |".format(f["rss_after_init"] / 2**20),
              "| ... after the first credentials | {:.1f} MiB |".format(f["rss_after_credentials"] / 2**20),
              "| RSS per provider, {:,} providers, no identity yet | {:,.0f} bytes |".format(f["providers"], f["per_provider_no_identity"]),
              "| RSS per provider, {:,} providers, each with an identity | {:,.0f} bytes |".format(f["providers"], f["per_provider_identity"])]
    # scripts/size.sh's tables, one heading level down: a part of this section.
    lines += [""] + ["#" + l if l.startswith("#") else l
                     for l in f["size_breakdown"].strip().splitlines()]

    coalesced = {row["client"]: row[1000]["requests"] for row in r["coalesce"]}
    goals = [
        ("P1 ≤ 0.5× the fastest peer ({})".format(names[fastest["client"]].label),
         "{:.2f}×".format(ratio(ours, fastest["median_ms"])), ours <= 0.5 * fastest["median_ms"]),
        ("P1 ≤ 1.3× the floor", "{:.2f}×".format(ratio(ours, floor)), ours <= 1.3 * floor),
        ("P2 C ABI ≤ 200 ns", "{:.0f} ns".format(c["c_ns"]), c["c_ns"] <= 200),
        ("P2 C# ≤ 2 µs", "{:.0f} ns".format(c["csharp_ns"]), c["csharp_ns"] <= 2000),
        ("P3 = 1 request per request kind (1000 callers)", "{} requests".format(coalesced[OURS]),
         coalesced[OURS] <= 2),
        ("P4 ≥ 0.8× raw capacity", "{:.2f}×".format(ratio(ours_rate, cap)), ours_rate >= 0.8 * cap),
        ("stripped .so ≤ 3 MiB", "{:.2f} MiB".format(f["so_bytes"] / 2**20), f["so_bytes"] <= 3 * 2**20),
        ("RSS after init ≤ 8 MiB", "{:.1f} MiB".format(f["rss_after_init"] / 2**20),
         f["rss_after_init"] <= 8 * 2**20),
    ]
    lines += [""] + storm_section(bench)
    goals += storm_goals(bench)
    if "launch" in r:
        lines += [""] + launch.section(r["launch"])[:-1]
    if "signing" in r:
        lines += [""] + signing.section(r["signing"])[:-1]
    if "signin" in r:
        lines += [""] + signin.section(r["signin"])[:-1]

    lines += ["", "## Goals", "", "| goal | measured | |", "|---|---|---|"]
    lines += ["| {} | {} | {} |".format(g, m, verdict(ok)) for g, m, ok in goals]
    lines += ["", "P3 counts one GetId and one GetCredentialsForIdentity: two requests, each sent once.",
              "", "![ratios](benches/chart.png)", ""]
    path_md.write_text("\n".join(lines))
    chart(bench, path_png)
    return goals


STORM_TITLES = {
    "unauth": "unauthenticated: GetId + GetCredentialsForIdentity",
    "developer": "developer-authenticated: GetOpenIdTokenForDeveloperIdentity + GetCredentialsForIdentity",
}


def seconds(s):
    return "{:.2f} s".format(s)


def failure_cause(message):
    """What a failed login ran into, read from its error message."""
    m = message.lower()
    if any(w in m for w in ("toomanyrequests", "rate exceeded", "throttl")):
        return "throttled"
    if any(w in m for w in ("timeout", "timed out", "did not answer within")):
        return "timeout"
    if any(w in m for w in ("connect", "socket", "reset", "closed", "eof", "broken pipe", "dispatch failure")):
        return "connection"
    return "other"


def failures(r):
    """The failed logins of a run and their causes: "0", or "8,817: throttled 8,817"."""
    if not r["failed"]:
        return "0"
    causes = {}
    for message, n in r.get("error_counts", {}).items():
        cause = failure_cause(message)
        causes[cause] = causes.get(cause, 0) + n
    return "{:,}: {}".format(r["failed"], ", ".join(
        "{} {:,}".format(cause, n) for cause, n in sorted(causes.items(), key=lambda kv: -kv[1])))


def minutes(s):
    s = round(s)
    return "{} min {:02d} s".format(s // 60, s % 60) if s >= 60 else "{} s".format(s)


def storm_section(bench, alone=False):
    """The P7 section of BENCHMARKS.md (a list of lines)."""
    st = bench.results["storm"]
    rates, players, scale = st["rates"], st["players"], st["scale"]
    workers = next((r["workers"] for r in st["runs"] if "workers" in r), None)
    lines = ["## P7 login storm: {:,} players at once, Cognito's default quotas × {:g}".format(players, scale),
             "",
             "The emulator enforces AWS's default request quotas × {:g}: {} (a token bucket per operation "
             "holding one second of requests, full at the start; beyond it TooManyRequestsException, "
             "as Cognito answers). Each client run gets a fresh emulator (full buckets, no identities). "
             "All players start at once, each with its own credentials provider where the SDK has one: "
             "ours, one `CredentialsProvider` per player on one connection pool, with the client-side "
             "rate limiter set to the same quotas (`RateLimits` with AWS's defaults × {:g}, "
             "`Limiting::Always`: a user who configured the account's quotas; it sends at most half a "
             "second's requests at once, then paces them); JS v3, one provider per player "
             "(`fromCognitoIdentityPool`; developer: `fromCognitoIdentity` with the backend's identity "
             "id and token) on one shared `CognitoIdentityClient`; the Rust SDK, one task per player on "
             "one shared client; boto3, one shared client and every player submitted at once to a pool "
             "of {} threads (boto3 blocks a thread per call: a game server sizes a pool rather than "
             "start {:,} threads)."
             .format(scale, ", ".join("{} {:g}/s".format(op, rates[op]) for op in STORM_QUOTAS),
                     scale, workers or "?", players),
             "",
             "Peers keep their SDK's default retries, which in the pinned versions are all \"standard\": "
             "3 attempts, backoff on throttling rand × min(1 s × 2^i, 20 s), and a retry budget of "
             "500 tokens that a throttled retry costs 5 of (JS v3 and boto3: per client; Rust SDK: "
             "per process) — after 100 retries without successes to refill it, throttled requests "
             "fail at once. (`@smithy/core` 3.41 util-retry; `aws-smithy-runtime` 1.16 with "
             "`BehaviorVersion::latest()`; botocore 1.44.5, whose default `retry_mode` is now "
             "`standard`, not legacy.) Each attempt is bounded at 30 s, each connect at 10 s (ours: "
             "5 s, its default).",
             "",
             "unauthenticated: GetId (no logins) then GetCredentialsForIdentity; developer: the game "
             "server's SigV4-signed GetOpenIdTokenForDeveloperIdentity (the emulator's test keys, from "
             "the environment) with `login.cognitonative.emulator` = `player-<i>`, then "
             "GetCredentialsForIdentity with the token under `cognito-identity.amazonaws.com`. Ours "
             "asks the game server's `DeveloperIdentityClient` from each provider's developer identity "
             "source, which a provider waits for at most its logins timeout; there that request "
             "waits for its slot of the quota, and the logins timeout's default is the limiter's "
             "longest wait for a slot ({} s).".format(LIMITER_MAX_WAIT_MS // 1000),
             "",
             "Time to credentials is per player from the common start. Failed logins are players "
             "without credentials, by the cause their error names (throttled: TooManyRequestsException; "
             "timeout; connection). Throttled requests and requests sent are the emulator's counts "
             "(its admin API); connections are those it accepted during the run, each a TCP and a TLS "
             "handshake (the Rust SDK's pool has no limit and opens one per request in flight; JS v3's "
             "agent keeps at most 50 sockets and queues the rest; boto3's pool keeps 10 and opens more "
             "for its threads when they need them). Bound = players ÷ the binding quota's rate: the "
             "least time any client can take without being throttled; a total under the bound means "
             "players gave up, not a faster storm."]
    size = ("Issue 16's size (`--storm-players`, default {:,})".format(ISSUE_STORM_PLAYERS)
            if players == ISSUE_STORM_PLAYERS else
            "Issue 16 asks for {:,} players; this run had {:,} (`--storm-players`)".format(
                ISSUE_STORM_PLAYERS, players))
    lines += ["", "{}, at quotas × {:g} (`--storm-scale`): the whole P7 took {} on this 2-core "
              "machine.".format(size, scale, minutes(st["wall_s"]))]
    # Whether the machine, not the quotas, failed logins: failures naming a connection or a
    # timeout other than ours' logins timeout (which is the quota's queue).
    unlike = []
    for r in st["runs"]:
        n = sum(c for m, c in r.get("error_counts", {}).items() if failure_cause(m) != "throttled")
        if n:
            unlike.append("{} ({}) {:,}".format(r["label"], r["mode"], n))
    if unlike:
        lines[-1] += (" Failed logins that name no throttling (a connection, a timeout: this "
                      "machine's share, not the quota's): {}.".format("; ".join(unlike)))
    else:
        lines[-1] += (" Every failed login of the SDKs names throttling, none a connection or a "
                      "timeout: here the quotas, not this machine, failed them.")
    if alone:
        lines += ["", "This section was regenerated alone (`scripts/bench.sh --only storm`, {}), on "
                  "the machine above; the other sections are from the run dated there.".format(
                      datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))]
    for mode in STORM_MODES:
        runs = [r for r in st["runs"] if r["mode"] == mode]
        if not runs:
            continue
        first = runs[0]
        while lines[-1] == "":
            lines.pop()
        lines += ["", "### {}".format(STORM_TITLES[mode]), "",
                  "Bound: {:,} players ÷ {:g}/s ({}) = {}.".format(
                      players, rates[first["binding"]], first["binding"], seconds(first["bound_s"])), "",
                  "| client | ok | failed logins | throttled requests | connections | p50 | p99 | total | ÷ bound |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in runs:
            lines.append("| {} | {:,} | {} | {:,} of {:,} ({:.2f} %) | {:,} | {} | {} | {} | {:.2f} |".format(
                r["label"], r["ok"], failures(r), r["throttled"], r["sent"],
                100 * ratio(r["throttled"], r["sent"]), r["connections"], seconds(r["p50_s"]),
                seconds(r["p99_s"]), seconds(r["seconds"]), ratio(r["seconds"], r["bound_s"])))
        lines.append("")
        for r in runs:
            if "library" in r:
                ops = r["library"]["operations"]
                lines.append("{} — the library's own statistics (`cognito_native::stats`): {:,} "
                             "requests sent, {:,} throttled; {}.".format(
                                 r["label"], r["library"]["sent"], r["library"]["throttled"],
                                 "; ".join("{} waited for a slot {:,} times, at most {:,} ms".format(
                                     op, v["waited"], v["wait_max_ms"]) for op, v in sorted(ops.items()))))
                lines.append("")
        for r in runs:
            counts = sorted(r.get("error_counts", {}).items(), key=lambda kv: -kv[1])
            if r["failed"] and counts:
                lines.append("{} — errors: {}.".format(r["label"], "; ".join(
                    "{:,} × `{}`".format(n, message.replace("`", "'").replace("\n", " ")[:240])
                    for message, n in counts[:3])))
                lines.append("")
    while lines[-1] == "":
        lines.pop()
    return lines


def storm_goals(bench):
    """P7's rows of the goals table: ours, per mode."""
    goals = []
    for mode in STORM_MODES:
        r = next((r for r in bench.results["storm"]["runs"] if r["mode"] == mode and r["client"] == OURS), None)
        if r is None:
            continue
        share = ratio(r["throttled"], r["sent"])
        goals += [
            ("P7 {}: 0 failed logins".format(mode), "{:,}".format(r["failed"]), r["failed"] == 0),
            ("P7 {}: < 1 % of requests throttled".format(mode), "{:.2f} %".format(100 * share), share < 0.01),
            ("P7 {}: total ≤ 1.1× the bound".format(mode), "{:.3f}×".format(ratio(r["seconds"], r["bound_s"])),
             r["seconds"] <= 1.1 * r["bound_s"]),
        ]
    return goals


def splice_storm(bench, path_md):
    """Replaces (or adds, before the goals) the P7 section of an existing report, and P7's rows of
    its goals table; every other line stays as it was."""
    if not path_md.exists():
        raise SystemExit("{} does not exist: run the whole benchmark first".format(path_md))
    parts = re.split(r"(?m)^(?=## )", path_md.read_text())
    section = "\n".join(storm_section(bench, alone=True)) + "\n\n"
    goals_at = next((i for i, part in enumerate(parts) if part.startswith("## Goals")), None)
    if goals_at is None:
        raise SystemExit("{} has no goals section".format(path_md))
    storm_at = next((i for i, part in enumerate(parts) if part.startswith("## P7 ")), None)
    if storm_at is None:
        parts.insert(goals_at, section)
        goals_at += 1
    else:
        parts[storm_at] = section
    goals = storm_goals(bench)
    rows = [line for line in parts[goals_at].split("\n") if not line.startswith("| P7 ")]
    last = max(i for i, line in enumerate(rows) if line.startswith("|"))
    rows[last + 1:last + 1] = ["| {} | {} | {} |".format(g, m, verdict(ok)) for g, m, ok in goals]
    parts[goals_at] = "\n".join(rows)
    path_md.write_text("".join(parts))
    return goals


def chart(bench, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = bench.results
    cold = {row["client"]: row["median_ms"] for row in r["cold"]}
    fan = {row["client"]: row["per_second"] for row in r["fanout"]}
    coal = {row["client"]: row[1000]["requests"] for row in r["coalesce"]}
    peers = [c for c in bench.clients if c.name != OURS]
    groups = [
        ("P1 cold: peer time ÷ ours", [cold[p.name] / cold[OURS] for p in peers]),
        ("P3 1000 callers: peer requests ÷ ours", [coal[p.name] / max(coal[OURS], 1) for p in peers]),
        ("P4 fan-out: ours ÷ peer identities/s", [fan[OURS] / fan[p.name] for p in peers]),
    ]
    fig, axes = plt.subplots(1, len(groups), figsize=(13, 3.8))
    for ax, (title, values) in zip(axes, groups):
        bars = ax.bar([p.label.replace(" ", "\n", 1) for p in peers], values,
                      color=["#4e79a7", "#f28e2b", "#59a14f"][:len(peers)])
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="x", labelsize=7)
        for bar, v in zip(bars, values):
            ax.annotate("{:.1f}×".format(v), (bar.get_x() + bar.get_width() / 2, v),
                        ha="center", va="bottom", fontsize=8)
    fig.suptitle("cognito-native vs the AWS SDKs (higher is better for cognito-native; 1 = parity)",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="P1 runs per client")
    parser.add_argument("--iters", type=int, default=1_000_000, help="P2 reads")
    parser.add_argument("--logins", type=int, default=10_000, help="P4 players")
    parser.add_argument("--concurrency", type=int, default=256, help="P4 players in flight")
    parser.add_argument("--providers", type=int, default=10_000, help="P6 providers")
    parser.add_argument("--storm-players", type=int, default=ISSUE_STORM_PLAYERS, help="P7 players")
    parser.add_argument("--storm-scale", type=float, default=4.0,
                        help="P7: the emulator's quotas (and ours) are AWS's defaults times this")
    parser.add_argument("--out", default=str(REPO / "BENCHMARKS.md"))
    parser.add_argument("--chart", default=str(REPO / "benches/chart.png"))
    parser.add_argument("--only", choices=["storm", "launch", "signing", "signin"],
                        help="run only this part and replace just its section of --out (P7: and "
                             "its goals)")
    launch.add_arguments(parser)
    signing.add_arguments(parser)
    signin.add_arguments(parser)
    args = parser.parse_args()
    # SIGTERM (a stopped job) unwinds like Ctrl-C: the emulator is stopped, P8's proxy closed and
    # its state folders removed by the `finally` blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    OUT.mkdir(parents=True, exist_ok=True)
    if args.storm_players < 1 or not args.storm_scale > 0:
        parser.error("--storm-players and --storm-scale must be positive")
    bench = Bench(args)
    bench.run_all()
    if args.only == "storm":
        goals = splice_storm(bench, Path(args.out))
        print("\nreplaced the P7 section of {}".format(args.out))
    elif args.only == "launch":
        launch.splice(args.out, launch.section(bench.results["launch"]))
        goals = []  # P8's goals are in its section
        print("\nwrote the P8 section of {}".format(args.out))
    elif args.only == "signing":
        signing.splice(args.out, signing.section(bench.results["signing"]))
        goals = []  # P9's goals are in its section
        print("\nwrote the P9 section of {}".format(args.out))
    elif args.only == "signin":
        signin.splice(args.out, signin.section(bench.results["signin"]))
        goals = []  # P10's goals are in its section
        print("\nwrote the P10 section of {}".format(args.out))
    else:
        goals = report(bench, Path(args.out), Path(args.chart))
        print("\nwrote {} and {}".format(args.out, args.chart))
    print_goals(goals)
    if "launch" in bench.results:
        print_goals(launch.goals(bench.results["launch"]), "P8 ")
    if "signing" in bench.results:
        print_goals(signing.goals(bench.results["signing"]))
    if "signin" in bench.results:
        print_goals(signin.goals(bench.results["signin"]))
    results = OUT / ("results-{}.json".format(args.only) if args.only else "results.json")
    results.write_text(json.dumps(bench.results, indent=1, default=str))
    if "signing" in bench.results and signing.failed(bench.results["signing"]):
        for client, error in signing.failed(bench.results["signing"]):
            print("P9 {} FAILED: {}".format(client, error[:300]), file=sys.stderr)
        return 1


def print_goals(goals, prefix=""):
    for goal, measured, ok in goals:
        print("  {:<60} {:>14}  {}".format(prefix + goal, measured, "met" if ok else "NOT MET"))


if __name__ == "__main__":
    sys.exit(main())
