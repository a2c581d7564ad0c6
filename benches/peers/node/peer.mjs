#!/usr/bin/env node
// Benchmark peer: the AWS SDK for JavaScript v3 credential path for Cognito identity pools,
// `fromCognitoIdentityPool` from @aws-sdk/credential-provider-cognito-identity.
//
//   node benches/peers/node/peer.mjs <cold|coalesce|fanout|storm> --endpoint https://127.0.0.1:PORT \
//       --region us-east-1 --pool <IDENTITY_POOL_ID> [options]
//   node benches/peers/node/peer.mjs launch --endpoint URL --region R --pool ID \
//       --case a|b|c|d --state-dir DIR [--ask-after-ms 500]        (LAUNCH_T0_UNIX_NS set)
//
// Prints exactly one JSON object on stdout; everything else goes to stderr.
//
// Environment:
//   AWS_CA_BUNDLE          PEM file of the CA to trust (the emulator's test CA). Node only reads
//                          extra CAs at start-up (NODE_EXTRA_CA_CERTS), so when AWS_CA_BUNDLE is
//                          set and NODE_EXTRA_CA_CERTS is not the same file, this script re-runs
//                          itself once with NODE_EXTRA_CA_CERTS=$AWS_CA_BUNDLE (before any timing).
//   PEER_NODE_MODULES      folder holding node_modules/ with the pinned SDK
//                          (default: <repo>/target/bench-peers/node, installed by setup.sh).
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
//                          storm --mode developer only: the game server's AWS credentials, read
//                          by the client's default credential chain to sign
//                          GetOpenIdTokenForDeveloperIdentity.
//
// The SDK is loaded from that folder with createRequire (its CommonJS build, what a plain
// `require` in a Node app gets), so no NODE_PATH is needed and the script runs from any folder.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { trustCaBundle } from "./trust_ca.mjs";

const PEER = "js-v3-fromCognitoIdentityPool";
const PROVIDER_PKG = "@aws-sdk/credential-provider-cognito-identity";
const CLIENT_PKG = "@aws-sdk/client-cognito-identity";
const REQUEST_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

function fail(message, code = 2) {
  process.stderr.write(`peer.mjs: ${message}\n`);
  process.exit(code);
}

// launch: when this script started running (wall clock, ns), see launch().
const tMain = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

// Belt and braces: nothing here needs the instance metadata service; never ask it.
process.env.AWS_EC2_METADATA_DISABLED ??= "true";

// --- the CA: Node reads NODE_EXTRA_CA_CERTS only when the process starts -------------------
trustCaBundle(fail);

// --- arguments --------------------------------------------------------------------------
function parseArgs(argv) {
  const [scenario, ...rest] = argv;
  if (scenario === "launch") return parseLaunchArgs(rest);
  if (!["cold", "coalesce", "fanout", "storm"].includes(scenario)) {
    fail(`usage: peer.mjs <cold|coalesce|fanout|storm> --endpoint URL --region R --pool ID [options] (got ${JSON.stringify(scenario)})`);
  }
  const opts = { scenario, runs: 20, warmup: scenario === "cold" ? 3 : 0, callers: 64, logins: 100, concurrency: 16, memoize: false, players: 1000, mode: "unauth", scale: 1 };
  const ints = new Set(["runs", "warmup", "callers", "logins", "concurrency", "players"]);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith("--")) fail(`unexpected argument ${arg}`);
    const key = arg.slice(2);
    if (key === "memoize") { opts.memoize = true; continue; }
    if (!["endpoint", "region", "pool", "mode", "scale", ...ints].includes(key)) fail(`unknown option ${arg}`);
    const value = rest[++i];
    if (value === undefined) fail(`${arg} needs a value`);
    if (key === "mode" && !["unauth", "developer"].includes(value)) fail(`--mode is unauth or developer, not ${value}`);
    if (key === "scale") {
      // The quotas' scale is the driver's business: the SDK has no such setting.
      opts.scale = Number(value);
      if (!(opts.scale > 0)) fail(`${arg} must be a positive number`);
    } else if (ints.has(key)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || (key !== "warmup" && n < 1)) fail(`${arg} must be a positive integer`);
      opts[key] = n;
    } else {
      opts[key] = value;
    }
  }
  for (const key of ["endpoint", "region", "pool"]) if (!opts[key]) fail(`--${key} is required`);
  return opts;
}

// launch: its own options (see launch() below).
function parseLaunchArgs(rest) {
  const opts = { scenario: "launch", askAfterMs: 500 };
  const names = { "--endpoint": "endpoint", "--region": "region", "--pool": "pool", "--case": "case", "--state-dir": "stateDir", "--ask-after-ms": "askAfterMs" };
  for (let i = 0; i < rest.length; i += 2) {
    const key = names[rest[i]];
    if (!key) fail(`unknown option ${rest[i]}`);
    if (rest[i + 1] === undefined) fail(`${rest[i]} needs a value`);
    opts[key] = key === "askAfterMs" ? Number(rest[i + 1]) : rest[i + 1];
  }
  for (const key of ["endpoint", "region", "pool", "case", "stateDir"]) if (!opts[key]) fail(`--${key} is required`);
  if (!["a", "b", "c", "d"].includes(opts.case)) fail(`--case must be a, b, c or d`);
  if (!Number.isInteger(opts.askAfterMs) || opts.askAfterMs < 0) fail("--ask-after-ms must be an integer >= 0");
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// --- the SDK, from target/bench-peers/node --------------------------------------------------
const here = dirname(fileURLToPath(import.meta.url));
const modulesDir = resolve(process.env.PEER_NODE_MODULES || join(here, "..", "..", "..", "target", "bench-peers", "node"));
const require = createRequire(join(modulesDir, "package.json"));
function installedVersion(pkg) {
  return JSON.parse(readFileSync(join(modulesDir, "node_modules", pkg, "package.json"), "utf8")).version;
}
let fromCognitoIdentityPool, fromCognitoIdentity, CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand, memoizeIdentityProvider, isIdentityExpired, doesIdentityRequireRefresh, version, clientVersion;
try {
  ({ fromCognitoIdentityPool, fromCognitoIdentity } = require(PROVIDER_PKG));
  ({ CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } = require(CLIENT_PKG));
  ({ memoizeIdentityProvider, isIdentityExpired, doesIdentityRequireRefresh } = require("@smithy/core"));
  version = installedVersion(PROVIDER_PKG);
  clientVersion = installedVersion(CLIENT_PKG);
} catch (e) {
  fail(`cannot load the AWS SDK from ${modulesDir} (run benches/peers/setup.sh): ${e.message}`);
}

// Per-client HTTP settings: bounded requests. Everything else is the SDK default (NodeHttpHandler,
// keep-alive https.Agent with maxSockets 50, standard retries with 3 attempts).
const requestHandler = () => ({
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionTimeout: CONNECT_TIMEOUT_MS,
  throwOnRequestTimeout: true,
});
const clientConfig = () => ({ region: opts.region, endpoint: opts.endpoint, requestHandler: requestHandler() });

// A fresh identity-id cache. The package's default cache in Node is one module-level
// InMemoryStorage shared by every provider in the process (it is not exported), so passing a new
// one per provider is what makes every cold run do GetId again.
function freshCache() {
  const store = new Map();
  return {
    getItem: (key) => (store.has(key) ? store.get(key) : null),
    setItem: (key, value) => { store.set(key, value); },
    removeItem: (key) => { store.delete(key); },
  };
}

function check(creds) {
  if (!creds?.accessKeyId || !creds?.secretAccessKey || !creds?.sessionToken) {
    throw new Error("credentials without access key, secret key or session token");
  }
  return creds;
}

const errorText = (e) => `${e?.name ?? "Error"}: ${e?.message ?? String(e)}`.slice(0, 500);
const now = () => process.hrtime.bigint();

async function cold() {
  const runs = [];
  let errors = 0, firstError, identityId;
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const t0 = now();
    try {
      // A new provider with no `client`: it builds a new CognitoIdentityClient (new NodeHttpHandler,
      // new https.Agent, so a new TCP + TLS connection) and, with a fresh cache, calls GetId.
      const provider = fromCognitoIdentityPool({ identityPoolId: opts.pool, clientConfig: clientConfig(), cache: freshCache() });
      const creds = check(await provider());
      const elapsed = now() - t0;
      if (i >= opts.warmup) {
        runs.push(Number(elapsed));
        identityId = creds.identityId;
      }
    } catch (e) {
      errors++;
      firstError ??= errorText(e);
      process.stderr.write(`cold run ${i}: ${errorText(e)}\n`);
    }
  }
  return { runs_ns: runs, identity_id: identityId ?? null, errors, ...(firstError ? { first_error: firstError } : {}) };
}

// --warmup W in coalesce/fanout: W complete cold get-credentials on throwaway providers first, so
// one-time costs (lazy module loading, JIT) stay out of elapsed_ns. The emulator counts them
// (2 requests each); the default is 0.
async function warmUp(count) {
  for (let i = 0; i < count; i++) {
    check(await fromCognitoIdentityPool({ identityPoolId: opts.pool, clientConfig: clientConfig(), cache: freshCache() })());
  }
}

async function coalesce() {
  await warmUp(opts.warmup);
  let provider = fromCognitoIdentityPool({ identityPoolId: opts.pool, clientConfig: clientConfig(), cache: freshCache() });
  // --memoize: what a service client does with a `credentials` provider (S3Client({ credentials })):
  // the SDK wraps it in memoizeIdentityProvider, which shares one pending call among callers.
  if (opts.memoize) provider = memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh);
  let ok = 0, errors = 0, firstError;
  const t0 = now();
  await Promise.all(Array.from({ length: opts.callers }, () =>
    provider().then(
      (c) => { check(c); ok++; },
      (e) => { errors++; firstError ??= errorText(e); },
    ).catch((e) => { errors++; firstError ??= errorText(e); })));
  const elapsed = now() - t0;
  return { callers: opts.callers, ok, errors, elapsed_ns: Number(elapsed), memoized: opts.memoize, ...(firstError ? { first_error: firstError } : {}) };
}

async function fanout() {
  await warmUp(opts.warmup);
  // One shared client (one connection pool) for every player, as a game server would have.
  const client = new CognitoIdentityClient(clientConfig());
  let next = 0, ok = 0, errors = 0, firstError;
  const t0 = now();
  const worker = async () => {
    while (next < opts.logins) {
      const i = next++;
      try {
        const provider = fromCognitoIdentityPool({
          identityPoolId: opts.pool,
          logins: { "graph.facebook.com": `player-${i}` },
          client,
          cache: freshCache(),
        });
        check(await provider());
        ok++;
      } catch (e) {
        errors++;
        firstError ??= errorText(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.logins) }, worker));
  const elapsed = now() - t0;
  client.destroy();
  return { logins: opts.logins, concurrency: opts.concurrency, ok, errors, elapsed_ns: Number(elapsed), ...(firstError ? { first_error: firstError } : {}) };
}

// The emulator's developer provider name.
const DEVELOPER_PROVIDER = "login.cognitonative.emulator";

// Failures by message (storm): at most STORM_ERROR_KINDS distinct ones, the rest counted together.
const STORM_ERROR_KINDS = 20;
function countError(errors, text) {
  const key = errors.has(text) || errors.size < STORM_ERROR_KINDS ? text : "(other messages)";
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

// The q quantile of sorted values (nearest rank), or null when there are none.
function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1];
}

// A login storm: every player at once, each with a provider of its own, all on one shared
// CognitoIdentityClient (one connection pool, one retry strategy), as a game server would have.
// unauth: fromCognitoIdentityPool per player (a fresh identity-id cache each, as in fanout).
// developer: the game server's GetOpenIdTokenForDeveloperIdentity (signed with the client's
// default credential chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), then fromCognitoIdentity
// per player with the identity id and the token under cognito-identity.amazonaws.com: the
// package's provider for an identity id the backend already has.
async function storm() {
  const client = new CognitoIdentityClient(clientConfig());
  const times = [];
  let failed = 0, firstError;
  const errors = new Map();
  const player = async (i) => {
    try {
      let provider;
      if (opts.mode === "developer") {
        const answer = await client.send(new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: opts.pool,
          Logins: { [DEVELOPER_PROVIDER]: `player-${i}` },
        }));
        provider = fromCognitoIdentity({
          identityId: answer.IdentityId,
          logins: { "cognito-identity.amazonaws.com": answer.Token },
          client,
        });
      } else {
        provider = fromCognitoIdentityPool({ identityPoolId: opts.pool, client, cache: freshCache() });
      }
      check(await provider());
      times.push(Number(now() - t0));
    } catch (e) {
      failed++;
      firstError ??= errorText(e);
      countError(errors, errorText(e));
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: opts.players }, (_, i) => player(i)));
  const elapsed = now() - t0;
  client.destroy();
  times.sort((a, b) => a - b);
  return {
    mode: opts.mode, players: opts.players, ok: times.length, failed, first_error: firstError ?? null,
    error_counts: Object.fromEntries(errors),
    p50_ns: percentile(times, 0.5), p99_ns: percentile(times, 0.99), elapsed_ns: Number(elapsed),
  };
}

// --- launch: process start to credentials -------------------------------------------------------
// A Node app that keeps the identity id between runs passes fromCognitoIdentityPool a `cache`
// (the package's Storage: getItem/setItem/removeItem, sync or async); in a browser the default is
// IndexedDB or localStorage, in Node an in-memory map. This one is a JSON file in --state-dir,
// written atomically. The package keeps only the identity id there (key
// `aws:cognito-identity-credentials:<pool>:ANONYMOUS`); credentials are never kept, so a launch
// with valid credentials from the last run (case c) does what case b does.
function fileStorage(dir) {
  const path = join(dir, "js-v3-identity.json");
  const read = () => { try { return JSON.parse(readFileSync(path, "utf8")); } catch { return {}; } };
  const write = (items) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path + ".tmp", JSON.stringify(items), { mode: 0o600 });
    renameSync(path + ".tmp", path);
  };
  return {
    getItem: (key) => read()[key] ?? null,
    setItem: (key, value) => write({ ...read(), [key]: value }),
    removeItem: (key) => { const items = read(); delete items[key]; write(items); },
  };
}

async function launch() {
  const t0 = BigInt(process.env.LAUNCH_T0_UNIX_NS ?? fail("LAUNCH_T0_UNIX_NS is not set"));
  // Wall clock in ns: the time origin of this process plus the monotonic time since.
  const unixNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  const since = (t) => Number(t - t0);
  const cache = fileStorage(opts.stateDir);
  const identityFromState = cache.getItem(`aws:cognito-identity-credentials:${opts.pool}:ANONYMOUS`) !== null;
  const provider = fromCognitoIdentityPool({ identityPoolId: opts.pool, clientConfig: clientConfig(), cache });
  const tCreated = unixNs();
  // d: the game asks after loading; the provider is lazy and does nothing until then.
  if (opts.case === "d") await new Promise((r) => setTimeout(r, opts.askAfterMs));
  const tAsk = unixNs();
  const creds = check(await provider());
  const tCredentials = unixNs();
  return {
    case: opts.case, identity_id: creds.identityId, identity_from_state: identityFromState,
    t_main_ns: since(tMain), t_created_ns: since(tCreated), t_ask_ns: since(tAsk), t_credentials_ns: since(tCredentials),
  };
}

const scenarios = { cold, coalesce, fanout, storm, launch };
let result;
try {
  result = await scenarios[opts.scenario]();
} catch (e) {
  fail(`${opts.scenario} failed: ${errorText(e)}`, 1);
}
const out = {
  peer: PEER,
  version,
  client_version: clientVersion,
  node: process.versions.node,
  scenario: opts.scenario,
  ...result,
};
const failed = opts.scenario === "cold" && out.errors > 0;
if (failed) process.stderr.write(`peer.mjs: ${out.errors} cold run(s) failed: ${out.first_error}\n`);
// Idle keep-alive sockets of the per-run clients would keep the event loop alive: exit explicitly
// once stdout is flushed.
process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(failed ? 1 : 0));
