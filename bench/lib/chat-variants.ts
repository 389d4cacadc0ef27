// The four ways case 5 produces a reply, each timed the same way: time to the first text
// piece, and tokens over the whole reply.
import { streamText } from "ai";

import { catalogOf, chooseModel, sendMessage, type ChatDeps } from "~/server/chat";
import type { Db } from "~/server/db";
import { buildPrompt } from "~/server/chat/prompt";
import { countTokens } from "~/server/chat/tokens";

import { trpcClient } from "./trpc-client";

const QUESTION = "How do prepaid credits stay exact when many replies stream at once?";

export interface Reply {
  ttftMs: number;
  totalMs: number;
  tokens: number;
  /** Until the call resolved: sendMessage (every read, the hold and the messages committed), or the answer's start over HTTP. */
  admitMs?: number;
}

export type Variant = () => Promise<Reply>;

async function timed(start: () => Promise<AsyncIterable<{ delta?: string; doneTokens?: number }>>): Promise<Reply> {
  const t0 = performance.now();
  let ttft = NaN;
  let tokens = 0;
  const pieces = await start();
  const admitMs = performance.now() - t0;
  for await (const piece of pieces) {
    if (piece.delta && Number.isNaN(ttft)) ttft = performance.now() - t0;
    if (piece.doneTokens !== undefined) tokens = piece.doneTokens;
  }
  return { ttftMs: ttft, totalMs: performance.now() - t0, tokens, admitMs };
}

/**
 * A new conversation for each metered reply (so every prompt is the same, as the bare one's), made
 * by the harness in batches straight in the database: opening a conversation is not part of sending
 * a message, and one request per reply for it would load the server the bare variant does not.
 */
export function conversationSupply(db: Db, userId: string, batch = 100): () => Promise<string> {
  const ready: string[] = [];
  let filling: Promise<void> | null = null;
  const fill = async () => {
    const made = await db.conversation.createManyAndReturn({
      data: Array.from({ length: batch }, () => ({ userId, title: "" })),
      select: { id: true },
    });
    ready.push(...made.map((c) => c.id));
  };
  return async () => {
    while (ready.length === 0) await (filling ??= fill().finally(() => (filling = null)));
    return ready.pop()!;
  };
}

export function inProcessMetered(deps: ChatDeps, userId: string, conversation: () => Promise<string>): Variant {
  return async () => {
    const conversationId = await conversation();
    return timed(async () => {
      const run = await sendMessage(deps, { userId, conversationId, content: QUESTION });
      return (async function* () {
        for await (const e of run.events) {
          if (e.type === "delta") yield { delta: e.text };
          if (e.type === "done") {
            if (e.status !== "complete") throw new Error(`reply ended ${e.status}`);
            yield { doneTokens: e.usage.outputTokens };
          }
        }
      })();
    });
  };
}

export function inProcessBare(deps: ChatDeps): Variant {
  const prompt = buildPrompt([], QUESTION);
  const model = chooseModel(catalogOf(deps), undefined);
  return () =>
    timed(async () => {
      const result = streamText({
        model: model.model,
        system: prompt.system,
        messages: prompt.messages,
        maxOutputTokens: model.maxOutputTokens,
      });
      return (async function* () {
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") yield { delta: part.text };
          if (part.type === "finish") yield { doneTokens: part.totalUsage.outputTokens ?? 0 };
        }
      })();
    });
}

export function httpMetered(baseUrl: string, cookie: string, conversation: () => Promise<string>): Variant {
  const client = trpcClient(baseUrl, cookie);
  return async () => {
    const conversationId = await conversation();
    return timed(async () => {
      const events = await client.chat.send.mutate({ conversationId, content: QUESTION });
      return (async function* () {
        for await (const e of events) {
          if (e.type === "delta") yield { delta: e.text };
          if (e.type === "done") {
            if (e.status !== "complete") throw new Error(`reply ended ${e.status}`);
            yield { doneTokens: e.usage.outputTokens };
          }
        }
      })();
    });
  };
}

export function httpBare(baseUrl: string, cookie: string): Variant {
  return () =>
    timed(async () => {
      const res = await fetch(`${baseUrl}/api/bench/chat`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ content: QUESTION }),
      });
      if (!res.ok || !res.body) throw new Error(`bench chat route answered ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      return (async function* () {
        let text = "";
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          text += r.value;
          yield { delta: r.value };
        }
        yield { doneTokens: countTokens(text) };
      })();
    });
}
