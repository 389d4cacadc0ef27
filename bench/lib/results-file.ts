import { writeFileSync } from "node:fs";

import type { machineDetails } from "./machine";
import type { BenchOptions } from "./options";
import type { CaseReport } from "./report";
import { markdownTable, noteLines } from "./table";

export function writeResults(
  file: string,
  reports: CaseReport[],
  opts: BenchOptions,
  machine: ReturnType<typeof machineDetails>,
  extra: string[],
): void {
  const md = [
    "# Benchmark results",
    "",
    `Produced by \`npm run bench\` (${opts.runs} interleaved runs of ${opts.durationSec} s per load, ${opts.connections} connections; medians reported).`,
    "Every figure that matters is a ratio against a reference measured in the same run on the same machine;",
    "absolute numbers are for this machine only. Targets are reported, never asserted; correctness checks fail the run.",
    "",
    "## Machine",
    "",
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`),
    "",
    "## Results",
    "",
    markdownTable(reports),
    "",
    "## Notes",
    "",
    ...[...noteLines(reports), ...extra].map((n) => `- ${n}`),
    "",
  ].join("\n");
  writeFileSync(file, md);
}
