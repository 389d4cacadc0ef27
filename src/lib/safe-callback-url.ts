/**
 * Where to go after signing in. Only same-site relative paths are honoured: "//evil.com" and
 * "/\evil.com" are protocol-relative to browsers, and absolute URLs leave the site (open redirect).
 */
export function safeCallbackUrl(value: string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/")) return fallback;
  if (value.startsWith("//") || value.startsWith("/\\")) return fallback;
  // Control characters (tabs, newlines) are stripped by URL parsers and can turn "/\t/evil.com" into "//evil.com".
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  try {
    const base = "http://tally.invalid";
    if (new URL(value, base).origin !== base) return fallback;
  } catch {
    return fallback;
  }
  return value;
}
