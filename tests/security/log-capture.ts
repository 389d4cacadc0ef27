import { vi } from "vitest";

export interface CapturedLogs {
  /** Every line written to the console, raw. */
  raw: string[];
  /** The structured (JSON) lines, parsed. */
  events: Record<string, unknown>[];
}

/** Runs `fn` with structured logging switched on and returns everything it wrote to the console. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; logs: CapturedLogs }> {
  const raw: string[] = [];
  const record = (...args: unknown[]) => {
    raw.push(
      args
        .map((a) =>
          typeof a === "string" ? a : a instanceof Error ? `${a.name}: ${a.message}\n${a.stack}` : JSON.stringify(a),
        )
        .join(" "),
    );
  };
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(record),
  );
  const previous = process.env.TALLY_LOG;
  process.env.TALLY_LOG = "";
  try {
    const result = await fn();
    const events = raw.flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as unknown;
        return parsed && typeof parsed === "object" ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
    return { result, logs: { raw, events } };
  } finally {
    process.env.TALLY_LOG = previous;
    for (const spy of spies) spy.mockRestore();
  }
}
