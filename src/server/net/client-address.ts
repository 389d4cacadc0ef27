/**
 * The client's address as the deployment knows it — never as the client claims it. How the app
 * is reached decides which source is trusted (env TRUSTED_PROXY_HOPS / CLIENT_IP_HEADER):
 *   direct    (hops 0, no header): the TCP peer, stamped on each request by scripts/peer-address.mjs;
 *                                  any X-Forwarded-For is ignored, since the client wrote all of it.
 *   proxies   (hops N > 0): the N-th X-Forwarded-For entry from the right — each trusted proxy
 *                           appends the address it was reached from, so entries left of it are the client's own words.
 *   header    (CLIENT_IP_HEADER): a single-value header the platform sets and overwrites
 *                                 (cf-connecting-ip, x-real-ip, x-vercel-forwarded-for, fly-client-ip).
 * The result is a rate-limit key: a valid IP (IPv6 grouped by /64, since one host gets a whole /64),
 * or "unknown" when the trusted source is missing or malformed.
 */
import { isIP } from "node:net";

import { env } from "~/env";

export const PEER_ADDRESS_HEADER = "x-tally-peer-address";
export const PLATFORM_HEADERS = ["cf-connecting-ip", "x-real-ip", "x-vercel-forwarded-for", "fly-client-ip"] as const;
export type PlatformHeader = (typeof PLATFORM_HEADERS)[number];

export type AddressSource =
  { kind: "direct" } | { kind: "proxies"; hops: number } | { kind: "header"; header: PlatformHeader };

export const UNKNOWN_ADDRESS = "unknown";
const MAX_HEADER_LENGTH = 2048;

export function configuredSource(): AddressSource {
  if (env.CLIENT_IP_HEADER) return { kind: "header", header: env.CLIENT_IP_HEADER };
  if (env.TRUSTED_PROXY_HOPS > 0) return { kind: "proxies", hops: env.TRUSTED_PROXY_HOPS };
  return { kind: "direct" };
}

/** True in a server process started with the peer-address preload, so the stamp header can be trusted. */
export function peerAddressStamped(): boolean {
  return (globalThis as { __tallyPeerAddress?: boolean }).__tallyPeerAddress === true;
}

/** Normalises one address into a bounded rate-limit key, or null when it is not an IP. */
export function addressKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  if (value.length > 64) return null;
  if (value.startsWith("[") && value.includes("]"))
    value = value.slice(1, value.indexOf("]")); // "[v6]:port"
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.indexOf(":")); // "v4:port"
  const zone = value.indexOf("%");
  if (zone >= 0) value = value.slice(0, zone);
  const version = isIP(value);
  if (version === 4) return value;
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  return `${ipv6Prefix64(value)}::/64`;
}

/** The first four 16-bit groups of an IPv6 address, lower-case without leading zeros. */
function ipv6Prefix64(address: string): string {
  let text = address.toLowerCase();
  // An embedded dotted IPv4 tail only ever affects the last 32 bits, outside the /64.
  if (text.includes(".")) text = text.slice(0, text.lastIndexOf(":") + 1) + "0:0";
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups
    .slice(0, 4)
    .map((g) => parseInt(g || "0", 16).toString(16))
    .join(":");
}

function forwardedEntries(headers: Headers): string[] {
  const raw = headers.get("x-forwarded-for");
  if (!raw || raw.length > MAX_HEADER_LENGTH) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The rate-limit key for the client that sent `headers`. */
export function clientAddress(
  headers: Headers,
  source: AddressSource = configuredSource(),
  stamped: boolean = peerAddressStamped(),
): string {
  let candidate: string | null | undefined;
  if (source.kind === "header") {
    candidate = headers.get(source.header)?.split(",")[0];
  } else if (source.kind === "proxies") {
    const entries = forwardedEntries(headers);
    // Fewer entries than proxies means a hop was skipped; the leftmost is then the nearest thing to the client we have.
    candidate = entries.length >= source.hops ? entries[entries.length - source.hops] : entries[0];
  } else {
    candidate = stamped ? headers.get(PEER_ADDRESS_HEADER) : null;
  }
  return addressKey(candidate) ?? UNKNOWN_ADDRESS;
}
