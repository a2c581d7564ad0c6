// The emulator's CA for a Node peer: Node reads NODE_EXTRA_CA_CERTS only when the process starts,
// so a script whose NODE_EXTRA_CA_CERTS is not AWS_CA_BUNDLE runs itself again, once, with it set
// (before any timing), and exits with the child's status. Shared by peer.mjs and signin.mjs.

import { spawnSync } from "node:child_process";

/** Returns when this process trusts AWS_CA_BUNDLE (or none is set); `fail(message)` exits. */
export function trustCaBundle(fail) {
  const caBundle = process.env.AWS_CA_BUNDLE;
  if (!caBundle || process.env.NODE_EXTRA_CA_CERTS === caBundle) return;
  if (process.env.PEER_NODE_REEXEC === "1") fail("NODE_EXTRA_CA_CERTS was not applied");
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caBundle, PEER_NODE_REEXEC: "1" },
  });
  if (child.error) fail(`re-exec with NODE_EXTRA_CA_CERTS failed: ${child.error.message}`);
  process.exit(child.status ?? 1);
}
