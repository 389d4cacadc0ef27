import { stripeErrors } from "./errors";
import { listObject } from "./objects";
import { inRange, type Range } from "./params";

/** Stripe's cursor pagination over a newest-first array. */
export function paginate<T extends { id: string; created: number }>(
  url: string,
  newestFirst: T[],
  options: { limit?: number; starting_after?: string; ending_before?: string; created?: Range },
) {
  const limit = options.limit ?? 10;
  let items = newestFirst.filter((item) => inRange(item.created, options.created));
  if (options.starting_after) {
    const index = items.findIndex((item) => item.id === options.starting_after);
    if (index < 0) throw stripeErrors.noSuch("object", options.starting_after, "starting_after");
    items = items.slice(index + 1);
    return listObject(url, items.slice(0, limit), items.length > limit);
  }
  if (options.ending_before) {
    const index = items.findIndex((item) => item.id === options.ending_before);
    if (index < 0) throw stripeErrors.noSuch("object", options.ending_before, "ending_before");
    items = items.slice(0, index);
    return listObject(url, items.slice(Math.max(0, items.length - limit)), items.length > limit);
  }
  return listObject(url, items.slice(0, limit), items.length > limit);
}
