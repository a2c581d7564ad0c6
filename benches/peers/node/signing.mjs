#!/usr/bin/env node
// P9 peer: the AWS SDK for JavaScript v3's signer, @smithy/signature-v4's SignatureV4, ns per signed
// request (benches/signing.py).
//
//   node benches/peers/node/signing.mjs --s3-url URL --ddb-url URL --ddb-target T --ddb-body JSON \
//       --presign-url URL --access-key-id AK --secret-access-key SK --session-token TOKEN \
//       [--region us-east-1] [--expires 900] [--round-ms 100] [--rounds 5]
//
// What a service client's signing step does for each request (already serialized): a new
// HttpRequest (with its host header, as the SDK's middleware adds it), then `await signer.sign()`
// (S3 GET: x-amz-content-sha256 UNSIGNED-PAYLOAD set on the request, `uriEscapePath: false` as the
// S3 client; DynamoDB PutItem: the body signed, `applyChecksum: false` so the same headers are
// signed as by the others) or `await signer.presign(…, { expiresIn })` (as
// @aws-sdk/s3-request-presigner: x-amz-content-sha256 UNSIGNED-PAYLOAD, neither signed nor hoisted),
// turned into a URL string. The hash is the SDK's own: `Sha256` from @smithy/core/checksum (Node's
// crypto). Static credentials. Note that SignatureV4 caches its signing keys (per credentials,
// date, region and service; one HMAC per request for the cache key), so a warm loop derives the key
// once. One JSON line on stdout.

import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modulesDir = resolve(process.env.PEER_NODE_MODULES || join(here, "..", "..", "..", "target", "bench-peers", "node"));
const require = createRequire(join(modulesDir, "package.json"));

function fail(message, code = 1) {
  process.stderr.write(`signing.mjs: ${message}\n`);
  process.exit(code);
}

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith("--") || argv[i + 1] === undefined) fail(`bad argument ${argv[i]}`, 2);
  args[argv[i].slice(2)] = argv[i + 1];
}
for (const name of ["s3-url", "ddb-url", "ddb-target", "ddb-body", "presign-url", "access-key-id",
  "secret-access-key", "session-token"]) {
  if (args[name] === undefined) fail(`--${name} is required`, 2);
}
const region = args.region || "us-east-1";
const expiresIn = Number(args.expires || 900);
const roundNs = Number(args["round-ms"] || 100) * 1e6;
const rounds = Math.max(1, Number(args.rounds || 5));

let SignatureV4, Sha256, HttpRequest, escapeUri;
try {
  ({ SignatureV4 } = require("@smithy/signature-v4"));
  ({ Sha256 } = require("@smithy/core/checksum"));
  ({ HttpRequest, escapeUri } = require("@smithy/core/protocols"));
} catch (e) {
  fail(`the SDK is not installed in ${modulesDir} (benches/peers/setup.sh node): ${e.message}`, 2);
}
const version = require("@smithy/signature-v4/package.json").version;

const credentials = {
  accessKeyId: args["access-key-id"],
  secretAccessKey: args["secret-access-key"],
  sessionToken: args["session-token"],
};
const s3Signer = new SignatureV4({ credentials, region, service: "s3", sha256: Sha256, uriEscapePath: false });
const ddbSigner = new SignatureV4({ credentials, region, service: "dynamodb", sha256: Sha256, applyChecksum: false });

function request(url, method, headers, body) {
  const u = new URL(url);
  const query = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  return new HttpRequest({
    method, protocol: u.protocol, hostname: u.hostname, path: u.pathname, query,
    headers: { host: u.host, ...headers }, body,
  });
}

const s3Url = args["s3-url"], ddbUrl = args["ddb-url"], presignUrl = args["presign-url"];
const ddbHeaders = { "content-type": "application/x-amz-json-1.0", "x-amz-target": args["ddb-target"] };
const ddbBody = args["ddb-body"];
const unsignedHeader = new Set(["x-amz-content-sha256"]);

const series = [
  ["s3_get", async () => {
    const signed = await s3Signer.sign(request(s3Url, "GET", { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }));
    return signed.headers.authorization;
  }],
  ["dynamodb_put", async () => {
    const signed = await ddbSigner.sign(request(ddbUrl, "POST", ddbHeaders, ddbBody));
    return signed.headers.authorization;
  }],
  ["s3_presign", async () => {
    const signed = await s3Signer.presign(
      request(presignUrl, "GET", { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }),
      { expiresIn, unsignableHeaders: unsignedHeader, unhoistableHeaders: unsignedHeader });
    const query = Object.entries(signed.query).map(([k, v]) => `${escapeUri(k)}=${escapeUri(v)}`).join("&");
    return `${signed.protocol}//${signed.hostname}${signed.path}?${query}`;
  }],
];

const checks = {};
for (const [name, call] of series) {
  const out = await call();
  let signed = "";
  if (name === "s3_presign") {
    if (out.includes("X-Amz-Signature=")) signed = decodeURIComponent(out.split("X-Amz-SignedHeaders=")[1].split("&")[0]);
  } else if (out && out.startsWith("AWS4-HMAC-SHA256 ")) {
    signed = out.split("SignedHeaders=")[1].split(",")[0];
  }
  if (!signed) fail(`${name}: no signature in ${String(out).slice(0, 200)}`);
  checks[name] = { signed_headers: signed };
}

// Warm-up (JIT) and calibration: one round's time each; then the rounds, the requests in turn.
const now = () => Number(process.hrtime.bigint());
const iters = [];
for (const [, call] of series) {
  const start = now();
  let n = 0;
  while (now() - start < roundNs) {
    await call();
    n++;
  }
  iters.push(Math.max(1, n));
}
const roundsNs = series.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < series.length; i++) {
    const call = series[i][1];
    const start = now();
    for (let j = 0; j < iters[i]; j++) await call();
    roundsNs[i].push((now() - start) / iters[i]);
  }
}

process.stdout.write(JSON.stringify({
  peer: "@smithy/signature-v4", version, scenario: "signing", node: process.versions.node, checks,
  series: series.map(([name], i) => ({ request: name, client: "js", iters_per_round: iters[i], rounds_ns: roundsNs[i] })),
}) + "\n");
