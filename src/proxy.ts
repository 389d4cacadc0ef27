import { NextResponse, type NextRequest } from "next/server";

import { REQUEST_PATH_HEADER } from "~/server/http/request-path";
import { contentSecurityPolicy, NONCE_HEADER, newNonce, stripeFormOrigins } from "~/server/http/security-headers.js";

const dev = process.env.NODE_ENV !== "production";

/**
 * Every page gets its own script nonce. Next.js reads it from the request's CSP header and puts it
 * on its own scripts; the root layout reads NONCE_HEADER for the inline theme script. A client
 * cannot choose the nonce: both request headers are overwritten here, as is the page's path
 * (REQUEST_PATH_HEADER), which layouts otherwise cannot see.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = contentSecurityPolicy({ dev, nonce, stripeOrigins: stripeFormOrigins(process.env.STRIPE_API_URL) });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(NONCE_HEADER, nonce);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set(REQUEST_PATH_HEADER, request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

// API routes and static files render no page: next.config.mjs gives them the nonce-less policy.
export const config = {
  matcher: ["/((?!api/|_next/static/|_next/image|favicon\\.svg).*)"],
};
