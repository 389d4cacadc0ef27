/**
 * The credit packs on sale, named once. The server's pack config (src/server/billing/packs.ts),
 * billing.checkout's input schema and the billing page all derive from this list; a pack's
 * display name is messages' billing.packs.<id> (typed, so a new id without a name fails to build).
 */
export const PACK_IDS = ["starter", "pro", "enterprise"] as const;
export type PackId = (typeof PACK_IDS)[number];

/** The pack the billing page highlights. */
export const FEATURED_PACK: PackId = "pro";

export function isPackId(value: unknown): value is PackId {
  return (PACK_IDS as readonly unknown[]).includes(value);
}

/**
 * The pack with the fewest credits that still holds at least `needed`; undefined when none does.
 * Order-independent: the packs may come in any order (ties keep the first one listed).
 */
export function smallestPackCovering<P extends { credits: number }>(
  packs: readonly P[],
  needed: number,
): P | undefined {
  let best: P | undefined;
  for (const pack of packs) {
    if (pack.credits >= needed && (best === undefined || pack.credits < best.credits)) best = pack;
  }
  return best;
}
