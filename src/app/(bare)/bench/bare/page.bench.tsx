import { notFound } from "next/navigation";

import { benchRoutesEnabled } from "~/app/api/bench/enabled";

export const dynamic = "force-dynamic";

/** Benchmark floor for page weight: a one-line page outside the app's root layout. */
export default function BenchBarePage() {
  if (!benchRoutesEnabled()) notFound();
  return <p>bare</p>;
}
