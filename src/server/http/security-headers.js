// Plain JS so next.config.mjs can import it without a TypeScript step.

const STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com";

/** The request header through which src/proxy.ts hands the page's nonce to the root layout. */
export const NONCE_HEADER = "x-nonce";

/** A fresh, unguessable nonce (128 random bits, base64) for one response. */
export function newNonce() {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * Content-Security-Policy for the app. Pages (src/proxy.ts) get a per-request nonce: only scripts
 * carrying it run, plus what they load ('strict-dynamic'); inline scripts without it never run.
 * Responses without a page (API, static files) get the same policy with no nonce, so no script at all
 * beyond same-origin files. Styles stay same-origin plus inline (React style attributes).
 * Checkout is a top-level redirect, so Stripe (or the local emulator) only appears in form-action.
 * @param {{ dev: boolean, nonce?: string, stripeOrigins?: string[] }} opts
 */
export function contentSecurityPolicy({ dev, nonce, stripeOrigins = [] }) {
  const formTargets = ["'self'", STRIPE_CHECKOUT_ORIGIN, ...stripeOrigins];
  const directives = {
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      ...(nonce ? [`'nonce-${nonce}'`, "'strict-dynamic'"] : []),
      ...(dev ? ["'unsafe-eval'"] : []),
    ],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", ...(dev ? ["ws:", "wss:"] : [])],
    "form-action": formTargets,
    "frame-ancestors": ["'none'"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    ...(dev ? {} : { "upgrade-insecure-requests": [] }),
  };
  return Object.entries(directives)
    .map(([k, v]) => (v.length ? `${k} ${v.join(" ")}` : k))
    .join("; ");
}

/**
 * The local emulator's checkout page is another origin; allowed as a form target only when configured.
 * @param {string | undefined} stripeApiUrl
 */
export function stripeFormOrigins(stripeApiUrl) {
  return stripeApiUrl ? [new URL(stripeApiUrl).origin] : [];
}

/**
 * Headers for every response except the Content-Security-Policy, which depends on the response
 * (per-request nonce for pages): see src/proxy.ts and next.config.mjs.
 * @param {{ dev: boolean, https: boolean }} opts
 * @returns {{ key: string, value: string }[]}
 */
export function securityHeaders({ dev, https }) {
  const headers = [
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
  if (!dev && https) {
    headers.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains; preload" });
  }
  return headers;
}
