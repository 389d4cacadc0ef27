/**
 * Structured server logs: one JSON line per event. Callers pass ids and amounts only —
 * never card data, secrets or message content.
 */
export function logEvent(
  msg: string,
  fields: Record<string, unknown> = {},
  level: "info" | "warn" | "error" = "info",
): void {
  if (process.env.TALLY_LOG === "silent") return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
