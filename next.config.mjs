import createNextIntlPlugin from "next-intl/plugin";

import { securityHeaders } from "./src/server/http/security-headers.js";

await import("./src/env.js");

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");
const dev = process.env.NODE_ENV !== "production";
const appUrl = process.env.APP_URL ?? "http://localhost:3000";
// The local emulator's checkout page is another origin; allow it only when it is configured.
const stripeOrigins = process.env.STRIPE_API_URL ? [new URL(process.env.STRIPE_API_URL).origin] : [];

/** @type {import("next").NextConfig} */
const config = {
  // Lets parallel builds (tests, benchmarks) use separate output folders; `next start` must see the same value.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2", "pg"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: securityHeaders({ dev, https: appUrl.startsWith("https://"), stripeOrigins }),
      },
    ];
  },
};

export default withNextIntl(config);
