export interface BenchOptions {
  /** Correctness checks with a short load: what `npm test` runs. */
  quick: boolean;
  /** Skip the freshness check of the existing production build. */
  reuseBuild: boolean;
  /** Measured runs per load; the median is reported. */
  runs: number;
  /** Seconds per load run. */
  durationSec: number;
  connections: number;
  /** Case ids to run (e.g. --only=1,3); null = all. */
  only: Set<string> | null;
}

export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const onlyArg = argv.find((a) => a.startsWith("--only="));
  const runsArg = argv.find((a) => a.startsWith("--runs="));
  const durationArg = argv.find((a) => a.startsWith("--duration="));
  return {
    quick,
    reuseBuild: argv.includes("--reuse-build"),
    runs: runsArg ? Number(runsArg.slice(7)) : quick ? 1 : 3,
    durationSec: durationArg ? Number(durationArg.slice(11)) : quick ? 1.5 : 10,
    connections: 50,
    only: onlyArg ? new Set(onlyArg.slice(7).split(",")) : null,
  };
}
