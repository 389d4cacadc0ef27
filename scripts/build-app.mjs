// node scripts/build-app.mjs [--bench-routes] [--if-stale]
// `next build` as every test run makes it (scripts/launcher/build.mjs): production mode, fake secrets
// for the bundle scan, and with --bench-routes the benchmark's reference routes compiled in (npm test
// builds once that way, so the benchmark measures the same build the other suites ran against).
// --if-stale: keep a current build of that kind instead of building again.
import { buildApp, staleReason } from "./launcher/build.mjs";

const benchRoutes = process.argv.includes("--bench-routes");
const reason = process.argv.includes("--if-stale") ? staleReason({ benchRoutes }) : "asked to build";
if (reason === null) {
  console.log("[build] the build is current");
  process.exit(0);
}
process.exit(buildApp({ benchRoutes, tag: "build" }) ? 0 : 1);
