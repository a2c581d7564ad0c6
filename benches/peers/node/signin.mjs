#!/usr/bin/env node
// Benchmark peer (P10 sign-in): amazon-cognito-identity-js's SRP sign-in to a user pool.
//
//   node benches/peers/node/signin.mjs srp-math --endpoint URL --region R --pool ID \
//       --challenge FILE [--runs 100] [--warmup 10]
//   node benches/peers/node/signin.mjs sign-in --endpoint URL --region R --pool ID \
//       --user-pool ID --client-id ID --username U [--runs 20] [--warmup 3]
//
// Prints exactly one JSON object on stdout; everything else goes to stderr. The password comes
// from BENCH_SIGNIN_PASSWORD (never the command line) and is never printed.
//
// srp-math: the client's SRP math in this process, with the package's exported
// AuthenticationHelper (its own jsbn BigInteger): per run, A = `new AuthenticationHelper(poolName)`
// (what CognitoUser does for every sign-in: a random a, A = g^a mod N, and k), then the claim =
// `getPasswordAuthenticationKey(...)` (u, x, S, HKDF) and the HMAC CognitoUser computes next to it
// (`new Sha256(hkdf)` from @aws-crypto/sha256-js, the package's own dependency, over the pool name,
// user, secret block and `DateHelper().getNowString()`: the same lines as
// CognitoUser.authenticateUserDefaultAuth, which does not export them). Then single modpows
// B^e mod N and 2^e mod N with the exponent in FILE, through the package's BigInteger.modPow.
//
// sign-in: one `new CognitoUserPool({ UserPoolId, ClientId, endpoint })`, then --warmup + --runs
// times a new `CognitoUser({ Username, Pool })` and `authenticateUser(new AuthenticationDetails(...))`
// (USER_SRP_AUTH, then PASSWORD_VERIFIER) until onSuccess; each bounded at 30 s here (the package
// sets no timeout on its fetch).
//
// Environment: AWS_CA_BUNDLE (the emulator's CA). The package calls the global fetch (Node's
// undici; isomorphic-unfetch keeps it), which trusts Node's roots plus NODE_EXTRA_CA_CERTS, read at
// start-up only: when it is not AWS_CA_BUNDLE, this script re-runs itself once with it set (before
// any timing). PEER_NODE_MODULES: where node_modules/ is (default target/bench-peers/node).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { trustCaBundle } from "./trust_ca.mjs";

const PEER = "amazon-cognito-identity-js";
const TIMEOUT_MS = 30_000;

function fail(message, code = 2) {
  process.stderr.write(`signin.mjs: ${message}\n`);
  process.exit(code);
}

trustCaBundle(fail);

function parseArgs(argv) {
  const [scenario, ...rest] = argv;
  if (!["srp-math", "sign-in"].includes(scenario)) fail("usage: signin.mjs <srp-math|sign-in> --endpoint URL --region R --pool ID [options]");
  const math = scenario === "srp-math";
  const opts = { scenario, runs: math ? 100 : 20, warmup: math ? 10 : 3 };
  const names = ["endpoint", "region", "pool", "challenge", "user-pool", "client-id", "username", "runs", "warmup"];
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i].replace(/^--/, "");
    if (!rest[i].startsWith("--") || !names.includes(key)) fail(`unknown option ${rest[i]}`);
    const value = rest[i + 1];
    if (value === undefined) fail(`${rest[i]} needs a value`);
    if (key === "runs" || key === "warmup") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (key === "runs" ? 1 : 0)) fail(`${rest[i]}: bad number ${value}`);
      opts[key] = n;
    } else {
      opts[key] = value;
    }
  }
  const need = ["endpoint", "region", "pool", ...(math ? ["challenge"] : ["user-pool", "client-id", "username"])];
  for (const key of need) if (!opts[key]) fail(`--${key} is required`);
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const password = process.env.BENCH_SIGNIN_PASSWORD;
if (!password) fail("BENCH_SIGNIN_PASSWORD is not set");

const here = dirname(fileURLToPath(import.meta.url));
const modulesDir = resolve(process.env.PEER_NODE_MODULES || join(here, "..", "..", "..", "target", "bench-peers", "node"));
const require = createRequire(join(modulesDir, "package.json"));
let sdk, BigInteger, Sha256, version;
try {
  sdk = require("amazon-cognito-identity-js");
  BigInteger = require("amazon-cognito-identity-js/lib/BigInteger").default;
  ({ Sha256 } = require("@aws-crypto/sha256-js"));
  version = require("amazon-cognito-identity-js/package.json").version;
} catch (e) {
  fail(`amazon-cognito-identity-js is not installed in ${modulesDir} (benches/peers/setup.sh node): ${e.message}`);
}

const now = () => process.hrtime.bigint();
const ns = (start) => Number(now() - start);

// The package's node-style callbacks, as promises (its jsbn calls them synchronously).
const call = (fn) => new Promise((ok, no) => fn((err, value) => (err ? no(err) : ok(value))));

async function srpMath() {
  const ch = JSON.parse(readFileSync(opts.challenge, "utf8"));
  const serverB = new BigInteger(ch.srp_b, 16);
  const salt = new BigInteger(ch.salt, 16);
  const dateHelper = new sdk.DateHelper();
  const aNs = [], claimNs = [], aBits = [];
  let helper;
  for (let run = 0; run < opts.warmup + opts.runs; run++) {
    let start = now();
    helper = new sdk.AuthenticationHelper(ch.pool_name);
    const largeA = await call((cb) => helper.getLargeAValue(cb));
    const tA = ns(start);
    start = now();
    const hkdf = await call((cb) => helper.getPasswordAuthenticationKey(ch.user_id_for_srp, password, serverB, salt, cb));
    const dateNow = dateHelper.getNowString();
    const concat = Buffer.concat([Buffer.from(ch.pool_name, "utf8"), Buffer.from(ch.user_id_for_srp, "utf8"),
      Buffer.from(ch.secret_block, "base64"), Buffer.from(dateNow, "utf8")]);
    const mac = new Sha256(hkdf);
    mac.update(concat);
    const signature = Buffer.from(mac.digestSync()).toString("base64");
    const tClaim = ns(start);
    if (!largeA || !signature) throw new Error("no A or claim");
    if (run >= opts.warmup) {
      aNs.push(tA);
      claimNs.push(tClaim);
      aBits.push(helper.getSmallAValue().bitLength());
    }
  }
  const e = new BigInteger(ch.exponent, 16);
  const timed = async (base) => {
    const out = [];
    for (let run = 0; run < opts.warmup + opts.runs; run++) {
      const start = now();
      const r = await call((cb) => base.modPow(e, helper.N, cb));
      const t = ns(start);
      if (r.compareTo(BigInteger.ZERO) === 0) throw new Error("modpow gave 0");
      if (run >= opts.warmup) out.push(t);
    }
    return out;
  };
  return { runs: opts.runs, a_ns: aNs, claim_ns: claimNs, a_bits: aBits,
    modpow_ns: await timed(serverB), modpow_g_ns: await timed(helper.g), bigint: "jsbn (the package's BigInteger.modPow)" };
}

function signInOnce(pool) {
  const user = new sdk.CognitoUser({ Username: opts.username, Pool: pool });
  const details = new sdk.AuthenticationDetails({ Username: opts.username, Password: password });
  return new Promise((ok, no) => {
    const timer = setTimeout(() => no(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    user.authenticateUser(details, {
      onSuccess: (session) => { clearTimeout(timer); ok(session); },
      onFailure: (err) => { clearTimeout(timer); no(err instanceof Error ? err : new Error(JSON.stringify(err))); },
      newPasswordRequired: () => { clearTimeout(timer); no(new Error("unexpected NEW_PASSWORD_REQUIRED")); },
      mfaRequired: () => { clearTimeout(timer); no(new Error("unexpected MFA")); },
      totpRequired: () => { clearTimeout(timer); no(new Error("unexpected TOTP")); },
      customChallenge: () => { clearTimeout(timer); no(new Error("unexpected custom challenge")); },
    });
  });
}

async function signIn() {
  const pool = new sdk.CognitoUserPool({ UserPoolId: opts["user-pool"], ClientId: opts["client-id"], endpoint: opts.endpoint });
  const runsNs = [];
  for (let run = 0; run < opts.warmup + opts.runs; run++) {
    const start = now();
    const session = await signInOnce(pool);
    const t = ns(start);
    if (!session.getIdToken().getJwtToken() || !session.getAccessToken().getJwtToken()) throw new Error("no tokens");
    if (run >= opts.warmup) runsNs.push(t);
  }
  return { runs_ns: runsNs };
}

let out;
try {
  out = opts.scenario === "srp-math" ? await srpMath() : await signIn();
} catch (e) {
  process.stderr.write(`signin.mjs ${opts.scenario}: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
}
Object.assign(out, { peer: PEER, version, scenario: opts.scenario, node: process.versions.node });
process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(0));
