import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart, LanguageModelV3StreamResult } from "@ai-sdk/provider";
import { TRPCError } from "@trpc/server";

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
  /** After this many chunks, stall until the request is aborted (a provider that stops answering). */
  hangAfter?: number;
  delayMs?: number;
}

/** A model that plays back a script and records every call. */
export class ScriptedModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  readonly provider = "test";
  readonly modelId = "scripted";
  readonly supportedUrls = {};
  calls: LanguageModelV3CallOptions[] = [];

  constructor(private readonly script: ScriptOptions) {}

  async doGenerate(): Promise<never> {
    throw new Error("not used");
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    this.calls.push(options);
    const s = this.script;
    if (s.failAtStart) throw new Error("provider unavailable");
    let i = 0;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(c) {
        c.enqueue({ type: "stream-start", warnings: [] });
        c.enqueue({ type: "text-start", id: "t" });
      },
      async pull(c) {
        if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
        if (options.abortSignal?.aborted) return c.error(options.abortSignal.reason);
        if (s.failAfter !== undefined && i >= s.failAfter) return c.error(new Error("model exploded"));
        if (s.hangAfter !== undefined && i >= s.hangAfter) {
          const signal = options.abortSignal;
          if (signal && !signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          return c.error(signal?.reason ?? new Error("aborted"));
        }
        if (i < s.chunks.length) {
          c.enqueue({ type: "text-delta", id: "t", delta: s.chunks[i++]! });
          return;
        }
        c.enqueue({ type: "text-end", id: "t" });
        const u = s.usage ?? null;
        c.enqueue({
          type: "finish",
          finishReason: { unified: "stop", raw: "stop" },
          usage: {
            inputTokens: { total: u?.inputTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: u?.outputTokens, text: undefined, reasoning: undefined },
          },
        });
        c.close();
      },
    });
    return { stream };
  }
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
  if (credits > 0) await grant(db, { userId: u.id, amount: credits, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
  return u;
}

export async function drain(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

export function doneOf(events: ChatStreamEvent[]) {
  const done = events.filter((e) => e.type === "done");
  if (done.length !== 1 || events.at(-1)?.type !== "done") throw new Error(`expected exactly one final done, got ${JSON.stringify(events)}`);
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
    if (result && typeof result === "object" && Symbol.asyncIterator in result) await drain(result as AsyncIterable<ChatStreamEvent>);
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}
