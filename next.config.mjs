import createNextIntlPlugin from "next-intl/plugin";

import { pageExtensions } from "./src/server/config/route-files.js";
import { contentSecurityPolicy, securityHeaders, stripeFormOrigins } from "./src/server/http/security-headers.js";

await import("./src/env.js");

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");
const dev = process.env.NODE_ENV !== "production";
const appUrl = process.env.APP_URL ?? "http://localhost:3000";
// Responses that are not pages (src/proxy.ts gives pages a per-request nonce) get a policy without one.
const noPageCsp = [
  {
    key: "Content-Security-Policy",
    value: contentSecurityPolicy({ dev, stripeOrigins: stripeFormOrigins(process.env.STRIPE_API_URL) }),
  },
];

/** @type {import("next").NextConfig} */
const config = {
  // Lets parallel builds (tests, benchmarks) use separate output folders; `next start` must see the same value.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // <distDir>/standalone: a server that runs from its folder alone (the container image ships
  // only that; docs/deploying.md). `next start` still serves the same build, with a warning.
  output: "standalone",
  // Read at runtime from the working directory (src/server/database/migrate.ts), so not traced on their own.
  outputFileTracingIncludes: { "/**": ["./prisma/migrations/**/*.sql"] },
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2", "pg"],
  poweredByHeader: false,
  // The benchmark's reference routes exist only in a build made for them (scripts/launcher/build.mjs).
  pageExtensions: pageExtensions({ benchRoutes: process.env.TALLY_BENCH_ROUTES === "1" }),
  // Next 16 mirrors the browser console (warnings and errors by default) into the dev server's
  // terminal; a failed send logs the user's chat text there. Logs never hold message text.
  logging: { browserToTerminal: false },
  // The app's pages have their root layout in the (app) route group (the benchmark's bare page has its own),
  // so a URL that matches nothing renders src/app/global-not-found.tsx: the same document and 404 page.
  experimental: { globalNotFound: true },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders({ dev, https: appUrl.startsWith("https://") }) },
      { source: "/api/:path*", headers: noPageCsp },
      { source: "/_next/:path*", headers: noPageCsp },
      { source: "/favicon.svg", headers: noPageCsp },
    ];
  },
};

export default withNextIntl(config);
