// Plain JS so next.config.mjs can import it without a TypeScript step.

const STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com";

/**
 * Content-Security-Policy for the app. Scripts and styles are same-origin plus inline (Next's
 * bootstrap and the pre-paint theme script need inline); no third-party origins are loaded.
 * Checkout is a top-level redirect, so Stripe (or the local emulator) only appears in form-action.
 * @param {{ dev: boolean, stripeOrigins?: string[] }} opts
 */
export function contentSecurityPolicy({ dev, stripeOrigins = [] }) {
  const formTargets = ["'self'", STRIPE_CHECKOUT_ORIGIN, ...stripeOrigins];
  const directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", ...(dev ? ["'unsafe-eval'"] : [])],
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
 * @param {{ dev: boolean, https: boolean, stripeOrigins?: string[] }} opts
 * @returns {{ key: string, value: string }[]}
 */
export function securityHeaders({ dev, https, stripeOrigins }) {
  const headers = [
    { key: "Content-Security-Policy", value: contentSecurityPolicy({ dev, stripeOrigins }) },
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
