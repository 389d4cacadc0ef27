/** A tRPC query URL for the non-batched HTTP GET form (superjson-encoded input). */
export function trpcQueryUrl(baseUrl: string, procedure: string, input?: unknown): string {
  const url = `${baseUrl}/api/trpc/${procedure}`;
  return input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
}

/** GETs a tRPC query and returns its superjson `json` payload; throws on a non-2xx answer. */
export async function trpcQuery<T>(baseUrl: string, procedure: string, cookie: string, input?: unknown): Promise<T> {
  const res = await fetch(trpcQueryUrl(baseUrl, procedure, input), { headers: { cookie } });
  if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}
