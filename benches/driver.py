#!/usr/bin/env python3
"""Runs the peer benchmark (scripts/bench.sh builds and installs what it needs first).

Starts the bundled emulator over HTTPS on 127.0.0.1, runs every client through the same scenarios
(P1 cold, P3 coalescing, P4 fan-out; clients speak the protocol of benches/peers/README.md), our
cached reads from Rust, C and C# (P2), the footprint (P5/P6), the launch on a network with latency
(P8, benches/launch.py), and writes BENCHMARKS.md and benches/chart.png. Everything runs in one go,
on one machine, against one emulator build. `--only launch` runs only P8 and rewrites only its
section of BENCHMARKS.md.
"""

import argparse
import datetime
import json
import os
import platform
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import launch  # P8 (benches/launch.py)

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "target" / "bench"
PEERS = REPO / "target" / "bench-peers"
GUEST_POOL = "us-east-1:00000000-0000-4000-8000-000000000001"
REGION = "us-east-1"
OURS = "cognito-native"


class Emulator:
    """`cognito-native emulate --tls` in a child process, stopped on exit."""

    def __init__(self):
        self.ca = OUT / "emulator-ca.pem"
        self.proc = subprocess.Popen(
            [str(REPO / "target/release/cognito-native"), "emulate", "--tls", "--port", "0",
             "--ca-out", str(self.ca)],
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

    def restart_emulator(self):
        """A fresh emulator (for fan-out runs, so each starts with no identities)."""
        self.emulator.stop()
        ca = self.emulator.ca
        self.emulator = Emulator()
        assert self.emulator.ca == ca

    def client_run(self, client, scenario, *options, timeout=600):
        command = client.command + [scenario, "--endpoint", self.emulator.url,
                                    "--region", REGION, "--pool", GUEST_POOL]
        command += [str(o) for o in options]
        result, rss = run(command, self.env, timeout)
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

    def fanout(self):
        logins, concurrency = self.args.logins, self.args.concurrency
        rows = []
        capacity = Client("capacity", "emulator capacity: raw shared client", self.clients[0].command)
        for client in [capacity] + self.clients:
            self.restart_emulator()
            scenario = "capacity" if client is capacity else "fanout"
            result, rss = self.client_run(client, scenario, "--logins", logins,
                                          "--concurrency", concurrency, timeout=1800)
            seconds = result["elapsed_ns"] / 1e9
            rows.append({"client": client.name, "label": client.label, "ok": result["ok"],
                         "errors": result["errors"], "seconds": seconds,
                         "per_second": result["ok"] / seconds, "peak_rss": rss,
                         "first_error": result.get("first_error")})
            self.log("P4 fan-out {:<28} {:6d} ok {:4d} errors in {:7.2f} s: {:8.0f} identities/s".format(
                client.name, result["ok"], result["errors"], seconds, rows[-1]["per_second"]))
        self.results["fanout"] = rows

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
        self.results["footprint"] = {
            "so_bytes": lib.stat().st_size,
            "rss_after_init": self.results["c_abi"]["rss_after_init"],
            "rss_start": self.results["c_abi"]["rss_start"],
            "rss_after_credentials": self.results["c_abi"]["rss_after_credentials"],
            "per_provider_no_identity": figure("per provider, no identity yet"),
            "per_provider_identity": figure("per provider, with an identity"),
            "providers": self.args.providers,
            "install": [
                ("cognito-native: libcognito_native.so (stripped)", lib.stat().st_size),
                ("our bench-client binary (Rust, stripped; opt-level s, LTO)",
                 (REPO / "target/release/examples/bench-client").stat().st_size),
                ("Rust SDK peer binary (stripped copy; its profile: opt-level 3, no LTO)",
                 stripped_size(PEERS / "rust/release/cognito-peer-rust-sdk")),
                ("JS v3: node_modules of the two packages and their dependencies",
                 du(PEERS / "node/node_modules")),
                ("boto3: boto3 + botocore + s3transfer + jmespath + dateutil + urllib3 + six",
                 sum(du(site / d) for d in ("boto3", "botocore", "s3transfer", "jmespath",
                                            "dateutil", "urllib3", "six.py") if (site / d).exists())),
            ],
        }
        f = self.results["footprint"]
        self.log("P5 .so {:.2f} MiB; P6 RSS after init {:.1f} MiB; per provider {:.0f} B / {:.0f} B".format(
            f["so_bytes"] / 2**20, f["rss_after_init"] / 2**20, f["per_provider_no_identity"],
            f["per_provider_identity"]))

    def run_all(self):
        try:
            self.cold()
            self.cached()
            self.coalesce()
            self.footprint()
            self.fanout()
            self.results["launch"] = launch.run(self, GUEST_POOL, OUT)
        finally:
            self.emulator.stop()


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
              "raw client doing the same two requests per player.", "",
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
    if "launch" in r:
        lines += [""] + launch.section(r["launch"])[:-1]

    lines += ["", "## Goals", "", "| goal | measured | |", "|---|---|---|"]
    lines += ["| {} | {} | {} |".format(g, m, verdict(ok)) for g, m, ok in goals]
    lines += ["", "P3 counts one GetId and one GetCredentialsForIdentity: two requests, each sent once.",
              "", "![ratios](benches/chart.png)", ""]
    path_md.write_text("\n".join(lines))
    chart(bench, path_png)
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
    parser.add_argument("--out", default=str(REPO / "BENCHMARKS.md"))
    parser.add_argument("--chart", default=str(REPO / "benches/chart.png"))
    parser.add_argument("--only", choices=["launch"],
                        help="run only this part and rewrite only its section of --out")
    launch.add_arguments(parser)
    args = parser.parse_args()
    # SIGTERM (a stopped job) unwinds like Ctrl-C: the emulator is stopped, P8's proxy closed and
    # its state folders removed by the `finally` blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    OUT.mkdir(parents=True, exist_ok=True)
    if args.only == "launch":
        return only_launch(args)
    bench = Bench(args)
    bench.run_all()
    goals = report(bench, Path(args.out), Path(args.chart))
    print("\nwrote {} and {}".format(args.out, args.chart))
    for goal, measured, ok in goals:
        print("  {:<60} {:>14}  {}".format(goal, measured, "met" if ok else "NOT MET"))
    for goal, measured, ok in launch.goals(bench.results["launch"]):
        print("  P8 {:<57} {:>14}  {}".format(goal, measured, "met" if ok else "NOT MET"))
    (OUT / "results.json").write_text(json.dumps(bench.results, indent=1, default=str))


def only_launch(args):
    bench = Bench(args)
    try:
        result = launch.run(bench, GUEST_POOL, OUT)
    finally:
        bench.emulator.stop()
    launch.splice(args.out, launch.section(result))
    (OUT / "launch-results.json").write_text(json.dumps(result, indent=1, default=str))
    print("\nwrote the P8 section of {}".format(args.out))
    for goal, measured, ok in launch.goals(result):
        print("  P8 {:<57} {:>14}  {}".format(goal, measured, "met" if ok else "NOT MET"))


if __name__ == "__main__":
    sys.exit(main())
