import { TRPCError } from "@trpc/server";

import { appRouter, createCaller } from "~/server/api/root";
import type { Db } from "~/server/db";
import { PEER_ADDRESS_HEADER } from "~/server/net/client-address";

export type Caller = ReturnType<typeof createCaller>;

export function callerFor(db: Db, userId: string | null, headers: Headers = new Headers()): Caller {
  return createCaller({ db, userId, headers });
}

/** Headers of a request that reached the server directly from `ip` (as scripts/peer-address.mjs stamps it). */
export function fromAddress(ip: string): Headers {
  return new Headers({ [PEER_ADDRESS_HEADER]: ip });
}

/** Every procedure path in the app router, e.g. "credits.balance". */
export function procedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures).sort();
}

export function procedureType(path: string): "query" | "mutation" | "subscription" {
  const proc = (
    appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>
  )[path];
  if (!proc) throw new Error(`No procedure ${path}`);
  return proc._def.type;
}

/** Calls `path` with `input`; drains streamed (async-iterable) results so their errors surface too. */
export async function invoke(caller: Caller, path: string, input?: unknown): Promise<unknown> {
  let fn: unknown = caller;
  for (const part of path.split(".")) fn = (fn as Record<string, unknown>)[part];
  const result = await (fn as (i: unknown) => Promise<unknown>)(input);
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    const chunks: unknown[] = [];
    for await (const chunk of result as AsyncIterable<unknown>) chunks.push(chunk);
    return chunks;
  }
  return result;
}

/** The tRPC error code a call failed with, or "OK". */
export async function outcome(caller: Caller, path: string, input?: unknown): Promise<string> {
  try {
    await invoke(caller, path, input);
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}
