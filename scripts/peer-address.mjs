// Preloaded into the Next.js server (`node --import ./scripts/peer-address.mjs`, set by the launcher's
// startApp in scripts/launcher/app.mjs for dev, serve, e2e, load and bench): stamps every request with the address of the TCP peer it arrived
// from, replacing any value a client sent under that name. src/server/net/client-address.ts trusts the
// stamp only in a process where this preload ran (the flag below), so without it a client cannot forge one.
import http from "node:http";

const HEADER = "x-tally-peer-address";
/** @type {(this: unknown, event: string | symbol, ...args: unknown[]) => boolean} */
const emit = /** @type {any} */ (http.Server.prototype.emit);
/** @type {any} */ (http.Server.prototype).emit = function emitWithPeerAddress(
  /** @type {string | symbol} */ event,
  /** @type {unknown[]} */ ...args
) {
  const req = /** @type {http.IncomingMessage | undefined} */ (args[0]);
  if (event === "request" && req && req.headers) req.headers[HEADER] = req.socket?.remoteAddress ?? "";
  return emit.call(this, event, ...args);
};
/** @type {{ __tallyPeerAddress?: boolean }} */ (globalThis).__tallyPeerAddress = true;
