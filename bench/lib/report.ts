/** One line of the results table. */
export interface Row {
  measure: string;
  value: string;
  ratio?: string;
  target?: string;
  result?: string;
}

export interface Check {
  label: string;
  ok: boolean;
  detail?: string;
}

/** What a case measured and checked; checks fail the run, targets never do. */
export class CaseReport {
  rows: Row[] = [];
  checks: Check[] = [];
  notes: string[] = [];
  skipped: string | null = null;

  constructor(
    readonly id: string,
    readonly title: string,
  ) {}

  row(measure: string, value: string, extra: Omit<Row, "measure" | "value"> = {}): void {
    this.rows.push({ measure, value, ...extra });
  }

  check(label: string, ok: boolean, detail?: string): void {
    this.checks.push({ label, ok, detail });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  skip(reason: string): void {
    this.skipped = reason;
  }

  get failed(): Check[] {
    return this.checks.filter((c) => !c.ok);
  }
}

export interface TargetOutcome {
  met: boolean;
  text: string;
}

/** `actual` should be ≥ `goal`; when missed, says by how much (and why, if known). */
export function atLeast(actual: number, goal: number, why = ""): TargetOutcome {
  if (actual >= goal) return { met: true, text: "met" };
  return { met: false, text: `MISSED by ${((1 - actual / goal) * 100).toFixed(0)}%${why ? ` (${why})` : ""}` };
}

/** `actual` should be ≤ `goal`; when missed, says by how much (and why, if known). */
export function atMost(actual: number, goal: number, why = ""): TargetOutcome {
  if (actual <= goal) return { met: true, text: "met" };
  return { met: false, text: `MISSED by ${((actual / goal - 1) * 100).toFixed(0)}%${why ? ` (${why})` : ""}` };
}

export const fmt = {
  rate: (n: number, unit: string) => `${n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1)} ${unit}`,
  ms: (n: number) => `${n >= 10 ? n.toFixed(0) : n.toFixed(2)} ms`,
  ratio: (n: number) => `${n.toFixed(2)}×`,
  kb: (n: number) => `${n.toFixed(1)} KB`,
  mb: (n: number) => `${n.toFixed(0)} MB`,
};
