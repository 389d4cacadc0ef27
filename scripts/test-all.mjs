// npm test — every check the project has, in order, with one summary at the end:
//   typecheck → lint → format check → production build → vitest (server + UI, PGlite and PostgreSQL)
//   → 30 s load run with invariants (against the build, PostgreSQL) → rolling restart of two
//   standalone instances under traffic (scripts/rolling-restart.ts) → Playwright end-to-end
//   (against the build) → benchmark harness (--quick).
// `npm test -- --only=unit,e2e` runs a subset (names: typecheck lint format build unit load deploy e2e bench).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice("--only=".length).split(",")) : null;
/** @param {string} name */
const want = (name) => !only || only.has(name);

mkdirSync(".data/test-reports", { recursive: true });
/** @type {{ name: string, ok: boolean, seconds: number }[]} */
const results = [];

/**
 * @param {string} name @param {string} cmd @param {string[]} args
 * @param {Record<string, string>} [extraEnv]
 */
function step(name, cmd, args, extraEnv = {}) {
  if (!want(name)) return true;
  console.log(`\n━━━ ${name}: ${cmd} ${args.join(" ")}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
  const ok = r.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  return ok;
}

/** @typedef {{ passed: number, failed: number, skipped: number }} Counts */

/** @param {string} file @returns {Counts | null} */
function countsFromVitest(file) {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, "utf8"));
  return {
    passed: j.numPassedTests ?? 0,
    failed: j.numFailedTests ?? 0,
    skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0),
  };
}

/** @param {string} file @returns {Counts | null} */
function countsFromPlaywright(file) {
  if (!existsSync(file)) return null;
  const s = JSON.parse(readFileSync(file, "utf8")).stats ?? {};
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

const node = process.execPath;
step("typecheck", node, ["node_modules/typescript/bin/tsc", "--noEmit"]);
step("lint", node, ["node_modules/eslint/bin/eslint.js", ".", "--max-warnings=0"]);
step("format", node, ["node_modules/prettier/bin/prettier.cjs", "--check", "."]);

// One build for every later step: with the fake secrets the bundle scan looks for, and with the
// benchmark's reference routes compiled in, so the bench measures the very build load, deploy and e2e ran.
const built = step("build", node, ["scripts/build-app.mjs", "--bench-routes"]);

for (const f of ["vitest.json", "playwright.json"]) rmSync(`.data/test-reports/${f}`, { force: true });
step(
  "unit",
  node,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--reporter=default",
    "--reporter=json",
    "--outputFile.json=.data/test-reports/vitest.json",
  ],
  {
    TALLY_STATIC_SCAN: built && want("build") ? "1" : "",
  },
);
step("load", node, ["--import", "tsx", "scripts/load-invariants.ts"]);
// Two instances of the standalone build behind a proxy, each restarted twice under traffic.
step("deploy", node, ["--import", "tsx", "scripts/rolling-restart.ts"]);
step("e2e", node, ["node_modules/@playwright/test/cli.js", "test"], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: ".data/test-reports/playwright.json",
  TALLY_E2E_PREBUILT: built && want("build") ? "1" : "",
});
step("bench", node, ["--import", "tsx", "bench/run.ts", "--quick"]);

const counts = /** @type {Counts[]} */ (
  [
    countsFromVitest(".data/test-reports/vitest.json"),
    countsFromPlaywright(".data/test-reports/playwright.json"),
  ].filter(Boolean)
);
const passed = counts.reduce((n, c) => n + c.passed, 0);
let failed = counts.reduce((n, c) => n + c.failed, 0);
const skipped = counts.reduce((n, c) => n + c.skipped, 0);

console.log("\n━━━ summary");
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"}  ${r.name.padEnd(10)} ${r.seconds}s`);
const failedSteps = results.filter((r) => !r.ok);
// A step that failed without failing a counted test (typecheck, lint, build, a crashed runner) still fails the run.
if (failedSteps.length > 0 && failed === 0) failed = failedSteps.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps.length > 0 ? 1 : 0);
