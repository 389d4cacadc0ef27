// Server tests import modules guarded by "server-only"; vitest aliases it to an empty module.
// Requests built by tests carry the TCP peer the way scripts/peer-address.mjs stamps it in a real server (see fromAddress).
(globalThis as { __tallyPeerAddress?: boolean }).__tallyPeerAddress = true;
export {};
