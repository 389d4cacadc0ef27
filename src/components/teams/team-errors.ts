/** Which translated sentence explains a failed teams call (the server's own message is English only). */
export type TeamErrorKey = "forbidden" | "notFound" | "conflict" | "tooMany" | "invalid" | "generic";

export function teamErrorKey(error: unknown): TeamErrorKey {
  const code = (error as { data?: { code?: unknown } } | null)?.data?.code;
  switch (code) {
    case "FORBIDDEN":
      return "forbidden";
    case "NOT_FOUND":
      return "notFound";
    case "CONFLICT":
      return "conflict";
    case "TOO_MANY_REQUESTS":
      return "tooMany";
    case "BAD_REQUEST":
      return "invalid";
    default:
      return "generic";
  }
}

export function domainCodeOf(error: unknown): string | null {
  const code = (error as { data?: { domainCode?: unknown } } | null)?.data?.domainCode;
  return typeof code === "string" ? code : null;
}
