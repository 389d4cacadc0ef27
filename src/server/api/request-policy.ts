/**
 * Who may call /api/trpc and in what format, decided before tRPC parses anything: a refused
 * request creates no context, reads no body and runs no procedure.
 *
 * Browsers send `Origin` on every POST and every cross-origin request, and `Sec-Fetch-Site` on
 * every request. Either one naming anything but the app's own origin (APP_URL) is refused,
 * including same-site siblings, which SameSite cookies do not stop. A request with neither comes
 * from a non-browser client (curl, scripts, server-side rendering): it carries no victim's
 * cookies, so there is nothing to forge, and it is served. Older browsers that omit both cannot
 * send JSON cross-origin without a CORS preflight (which this API never grants), so JSON-only
 * POSTs close that gap.
 */
export interface Refusal {
  code: "FORBIDDEN" | "UNSUPPORTED_MEDIA_TYPE";
  reason: "cross_origin" | "not_json";
  message: string;
}

const OWN_FETCH_SITES = new Set(["same-origin", "none"]);

function mediaType(contentType: string | null): string | null {
  return contentType === null ? null : contentType.split(";")[0]!.trim().toLowerCase();
}

/** Why `req` must be refused, or null when it may proceed. `appOrigin` is APP_URL's origin. */
export function requestRefusal(req: Request, appOrigin: string): Refusal | null {
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if ((origin !== null && origin !== appOrigin) || (site !== null && !OWN_FETCH_SITES.has(site))) {
    return { code: "FORBIDDEN", reason: "cross_origin", message: "Requests from other origins are not allowed." };
  }
  if (req.method === "POST" && mediaType(req.headers.get("content-type")) !== "application/json") {
    return { code: "UNSUPPORTED_MEDIA_TYPE", reason: "not_json", message: "Send the request as application/json." };
  }
  return null;
}
