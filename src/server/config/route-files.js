// Plain JS so next.config.mjs can import it without a TypeScript step.

/**
 * The file endings Next.js treats as pages and route handlers. The benchmark's reference routes
 * (`src/app/api/bench/*\/route.bench.ts`, `src/app/bench/reference/page.bench.tsx`) are compiled
 * only into a build made with TALLY_BENCH_ROUTES=1 (the benchmark's and `npm test`'s); any other
 * build, `npm run build` included, has no such routes at all.
 * @param {{ benchRoutes: boolean }} options
 * @returns {string[]}
 */
export function pageExtensions({ benchRoutes }) {
  return [...(benchRoutes ? ["bench.tsx", "bench.ts"] : []), "tsx", "ts", "jsx", "js"];
}
