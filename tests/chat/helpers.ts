import type { LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { simulateReadableStream } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { TRPCError } from "@trpc/server";

import { env } from "~/env";
import { createChatRouter } from "~/server/api/routers/chat";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import { grant } from "~/server/credits";
import type { ChatModel, ChatStreamEvent } from "~/server/chat";
import type { Db } from "~/server/db";

import { createUser } from "../helpers/users";

export interface ScriptOptions {
  chunks: string[];
  /** Provider-reported usage; null → the provider reports none. */
  usage?: { inputTokens: number; outputTokens: number } | null;
  /** Fail the stream after this many chunks. */
  failAfter?: number;
  /** Fail before streaming anything (doStream rejects). */
  failAtStart?: boolean;
  /** After the chunks, stall until the request is aborted (a provider that stops answering) instead of finishing. */
  hang?: boolean;
  delayMs?: number;
  /** doStream waits for this before answering: the test decides when the reply starts. */
  gate?: Promise<void>;
}

function partsOf(script: ScriptOptions): LanguageModelV3StreamPart[] {
  const deltas = script.chunks
    .slice(0, script.failAfter)
    .map((delta): LanguageModelV3StreamPart => ({ type: "text-delta", id: "t", delta }));
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t" },
    ...deltas,
  ];
  if (script.failAfter !== undefined) return [...parts, { type: "error", error: new Error("model exploded") }];
  if (script.hang) return parts;
  const u = script.usage ?? null;
  return [
    ...parts,
    { type: "text-end", id: "t" },
    {
      type: "finish",
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: u?.inputTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: u?.outputTokens, text: undefined, reasoning: undefined },
      },
    },
  ];
}

/** Ends the stream only when the request is aborted, as a provider that went silent does. */
function stallUntilAborted(
  signal: AbortSignal | undefined,
): TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart> {
  return new TransformStream({
    async flush(controller) {
      if (signal && !signal.aborted)
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      controller.error(signal?.reason ?? new Error("aborted"));
    },
  });
}

/** The AI SDK's mock model playing back a script; `doStreamCalls` records every call. */
export function scriptedModel(script: ScriptOptions): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    modelId: "scripted",
    doStream: async (options) => {
      await script.gate;
      if (script.failAtStart) throw new Error("provider unavailable");
      const stream = simulateReadableStream({ chunks: partsOf(script), chunkDelayInMs: script.delayMs ?? null });
      return { stream: script.hang ? stream.pipeThrough(stallUntilAborted(options.abortSignal)) : stream };
    },
  });
}

export function asChatModel(model: LanguageModelV3, demo = false): ChatModel {
  return { model, id: model.modelId, label: model.modelId, demo };
}

/** A caller whose chat router answers with `model`. */
export function chatCallerFor(db: Db, userId: string | null, model: ChatModel, signal?: AbortSignal) {
  const router = createTRPCRouter({ chat: createChatRouter({ model: () => model }) });
  return createCallerFactory(router)({ db, userId, headers: new Headers() }, { signal });
}

export async function fundedUser(db: Db, credits: number) {
  const u = await createUser(db);
  if (credits > 0)
    await grant(db, { userId: u.id, amount: credits, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
  return u;
}

export async function drain(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

export function doneOf(events: ChatStreamEvent[]) {
  const done = events.filter((e) => e.type === "done");
  if (done.length !== 1 || events.at(-1)?.type !== "done")
    throw new Error(`expected exactly one final done, got ${JSON.stringify(events)}`);
  return done[0] as Extract<ChatStreamEvent, { type: "done" }>;
}

export function textOf(events: ChatStreamEvent[]): string {
  return events.map((e) => (e.type === "delta" ? e.text : "")).join("");
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The tRPC error code a call (drained if it streams) failed with, or "OK". */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    const result = await call;
    if (result && typeof result === "object" && Symbol.asyncIterator in result)
      await drain(result as AsyncIterable<ChatStreamEvent>);
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

/**
 * Chat limits count in fixed windows: start a burst early in one, so a slow machine cannot carry
 * it into the next window (where the count starts again).
 */
export async function startEarlyInChatLimitWindow(): Promise<void> {
  const windowMs = env.RATE_LIMIT_CHAT_PER_USER.windowSeconds * 1000;
  const leftInWindow = windowMs - (Date.now() % windowMs);
  if (leftInWindow < 20_000) await new Promise((r) => setTimeout(r, leftInWindow + 50));
}
