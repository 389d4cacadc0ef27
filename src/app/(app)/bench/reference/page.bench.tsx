import { notFound } from "next/navigation";

import { benchRoutesEnabled } from "~/app/api/bench/enabled";

export const dynamic = "force-dynamic";

/** Benchmark reference for page weight: the smallest page the root layout can hold. */
export default function BenchReferencePage() {
  if (!benchRoutesEnabled()) notFound();
  return <p>reference</p>;
}
