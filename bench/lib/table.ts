import type { CaseReport } from "./report";

const HEADER = ["Case", "Measure", "Value", "Ratio", "Target", "Result"];

function cells(reports: CaseReport[]): string[][] {
  const rows: string[][] = [];
  for (const r of reports) {
    const name = `${r.id}. ${r.title}`;
    if (r.skipped) {
      rows.push([name, "—", `skipped: ${r.skipped}`, "", "", ""]);
      continue;
    }
    for (const row of r.rows)
      rows.push([name, row.measure, row.value, row.ratio ?? "", row.target ?? "", row.result ?? ""]);
    const failed = r.failed.length;
    rows.push([
      name,
      "correctness checks",
      failed ? `${failed} of ${r.checks.length} FAILED` : `${r.checks.length} passed`,
      "",
      "",
      failed ? "FAIL" : "ok",
    ]);
  }
  return rows;
}

export function textTable(reports: CaseReport[]): string {
  const rows = [HEADER, ...cells(reports)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(" │ ");
  return [line(rows[0]!), widths.map((w) => "─".repeat(w)).join("─┼─"), ...rows.slice(1).map(line)].join("\n");
}

export function markdownTable(reports: CaseReport[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map(() => "---").join(" | ")} |`,
    ...cells(reports).map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

export function failureLines(reports: CaseReport[]): string[] {
  return reports.flatMap((r) =>
    r.failed.map((c) => `case ${r.id} (${r.title}): ${c.label}${c.detail ? ` — ${c.detail}` : ""}`),
  );
}

export function noteLines(reports: CaseReport[]): string[] {
  return reports.flatMap((r) => r.notes.map((n) => `case ${r.id}: ${n}`));
}
