/**
 * Benchmark floor for page weight (bench case 6): a root layout with no client code at all, so
 * /bench/bare loads only what Next.js itself ships with any page of this build. Compiled only into a
 * build made with TALLY_BENCH_ROUTES=1 (src/server/config/route-files.js).
 */
export default function BareLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
