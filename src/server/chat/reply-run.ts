/**
 * One assistant reply, from the model call to its settlement. The run starts at once and does
 * not depend on anyone reading its events: whether the stream ends, the user stops it (request
 * aborted), the reader goes away or the model fails, the `finally` settles the hold with the
 * usage so far and writes the final message, on the app's database handle (never the request).
 * While it streams, what was delivered is written to the message (reply-progress.ts); a settle
 * that meets a database outage keeps the reply in memory and retries with backoff for
 * CHAT_SETTLE_RETRY_SECONDS; after that the sweep settles it from the delivered text.
 */
import { streamText, wrapLanguageModel } from "ai";

import { CHAT_REF_TYPE, HoldNotActiveError, release, settle, settleWith, type SettleInput } from "~/server/credits";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import type { ChatConfig } from "./config";
import type { ChatStreamEvent, ReplyStatus } from "./events";
import { creditsFor, type TokenUsage } from "./metering";
import type { CatalogModel } from "./catalog";
import type { Prompt } from "./prompt";
import { deltaFramer } from "./delta-frames";
import { finalReplyWithSettle } from "./exchange-messages";
import { createProgressWriter, type ProgressWriter } from "./reply-progress";
import { countTokens } from "./tokens";

export interface ReplyRunInput {
  db: Db;
  /** The chosen model: its prices and output cap meter this reply. */
  model: CatalogModel;
  config: ChatConfig;
  userId: string;
  holdId: string;
  assistantMessageId: string;
  prompt: Prompt;
  estimatedInputTokens: number;
  /** The reader's UI locale, handed to the model as a provider option (the Demo model answers in it when the message's language is unclear). */
  locale?: string;
  start: Extract<ChatStreamEvent, { type: "start" }>;
  /** The request's signal: aborting it is the user's stop button. */
  signal?: AbortSignal;
}

export interface ReplyOutcome {
  status: ReplyStatus;
  content: string;
  usage: TokenUsage;
  creditsCharged: number;
  error?: string;
}

export interface ReplyRun {
  /** Never waits for its reader; cancelling it (client gone, stop) stops generation, and the run still settles. */
  events: ReadableStream<ChatStreamEvent>;
  /** Resolves once the reply is settled and its message written. */
  settled: Promise<ReplyOutcome>;
  /** Stops generation as the stop button does (a shutting-down server uses it); the run still settles. */
  stop(): void;
}

interface Generated {
  status: ReplyStatus;
  text: string;
  reported: { inputTokens?: number; outputTokens?: number } | null;
  /** The request went to the provider (which then bills its input, even if stopped at once). */
  providerCalled: boolean;
  error?: string;
}

async function generate(
  input: ReplyRunInput,
  signal: AbortSignal,
  progress: ProgressWriter,
  onDelta: (text: string) => void,
): Promise<Generated> {
  const out: Generated = { status: "complete", text: "", reported: null, providerCalled: false };
  const delivered = () => ({
    content: out.text,
    inputTokens: input.estimatedInputTokens,
    outputTokens: countTokens(out.text),
  });
  const model = wrapLanguageModel({
    model: input.model.model,
    middleware: {
      specificationVersion: "v3",
      wrapStream: ({ doStream }) => {
        out.providerCalled = true;
        progress.update(delivered);
        return doStream();
      },
    },
  });
  try {
    const result = streamText({
      model,
      system: input.prompt.system,
      messages: input.prompt.messages,
      maxOutputTokens: input.model.maxOutputTokens,
      abortSignal: signal,
      ...(input.locale ? { providerOptions: { tally: { locale: input.locale } } } : {}),
      onError: () => {}, // surfaced as an "error" part below
    });
    for await (const part of result.fullStream) {
      if (part.type === "text-delta" && part.text) {
        out.text += part.text;
        onDelta(part.text);
        progress.update(delivered);
      } else if (part.type === "finish") {
        const { inputTokens, outputTokens } = part.totalUsage;
        if (inputTokens !== undefined || outputTokens !== undefined) out.reported = { inputTokens, outputTokens };
      } else if (part.type === "abort") {
        out.status = "stopped";
      } else if (part.type === "error") {
        if (signal.aborted) out.status = "stopped";
        else {
          out.status = "error";
          out.error = "model_error";
          logEvent(
            "chat_model_error",
            { messageId: input.assistantMessageId, error: String((part.error as Error)?.message ?? part.error) },
            "warn",
          );
        }
      }
    }
  } catch (error) {
    out.status = signal.aborted ? "stopped" : "error";
    if (out.status === "error") {
      out.error = "model_error";
      logEvent(
        "chat_model_error",
        { messageId: input.assistantMessageId, error: String((error as Error)?.message ?? error) },
        "warn",
      );
    }
  }
  // Stopped replies never get the provider's final usage chunk.
  if (out.status !== "complete" && out.reported?.outputTokens === undefined) out.reported = null;
  return out;
}

/**
 * Provider-reported usage when there is some, else our own count. A reply stopped before its
 * first token still pays its input once the provider had the request; only a reply that never
 * reached the provider, or that the provider failed before any output, is free.
 */
function usageOf(g: Generated, estimatedInputTokens: number): TokenUsage {
  if (g.reported || g.text !== "") {
    return {
      inputTokens: g.reported?.inputTokens ?? estimatedInputTokens,
      outputTokens: g.reported?.outputTokens ?? countTokens(g.text),
    };
  }
  if (g.status === "stopped" && g.providerCalled) return { inputTokens: estimatedInputTokens, outputTokens: 0 };
  return { inputTokens: 0, outputTokens: 0 };
}

/**
 * Charges the reply and writes its final message, both or neither: one statement when the hold
 * is an active hold on the user's own account (settleWith), else a transaction (a pool's hold, a
 * charge that makes a hook act, a hold the sweep closed first, nothing to charge).
 */
async function settleReply(input: ReplyRunInput, g: Generated, usage: TokenUsage): Promise<number> {
  const cost = creditsFor(usage, input.model);
  const final = { content: g.text, status: g.status, ...usage };
  const settleInput: SettleInput = {
    holdId: input.holdId,
    cost,
    refType: CHAT_REF_TYPE,
    refId: input.assistantMessageId,
    note: `${usage.inputTokens} input + ${usage.outputTokens} output tokens`,
  };
  if (cost > 0) {
    const settled = await settleWith(input.db, settleInput, finalReplyWithSettle(input.assistantMessageId, final));
    if (settled) return settled.charged;
  }
  return inTransaction(input.db, async (tx) => {
    let charged = 0;
    try {
      if (cost > 0) {
        charged = (await settle(tx, settleInput)).charged;
      } else if (!(await release(tx, input.holdId))) {
        // The sweep got here first: report what it charged.
        const hold = await tx.creditHold.findUnique({ where: { id: input.holdId } });
        charged = hold?.status === "settled" ? (hold.settledAmount ?? 0) : 0;
      }
    } catch (error) {
      // The sweep released the hold of a reply that outlived HOLD_TTL_SECONDS and never reached
      // the provider: nothing to charge. (A hold the sweep settled is reported by settle itself.)
      if (!(error instanceof HoldNotActiveError)) throw error;
      logEvent("chat_hold_gone", { messageId: input.assistantMessageId, holdId: input.holdId }, "warn");
    }
    await tx.message.updateMany({
      where: { id: input.assistantMessageId },
      data: { ...final, creditsCharged: charged },
    });
    return charged;
  });
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 10_000;

/** Settle is idempotent (the hold closes once, the ledger ref is unique), so retrying is always safe. */
async function settleWithRetry(
  input: ReplyRunInput,
  g: Generated,
  usage: TokenUsage,
  progress: ProgressWriter,
): Promise<number> {
  const giveUpAt = Date.now() + input.config.settleRetrySeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const charged = await settleReply(input, g, usage);
      progress.close();
      return charged;
    } catch (error) {
      // Best effort: if this process dies before a retry succeeds, the sweep settles from this.
      if (attempt === 1) await progress.flush();
      const delay = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
      const giveUp = Date.now() + delay > giveUpAt;
      logEvent(
        "chat_settle_failed",
        { messageId: input.assistantMessageId, attempt, giveUp, error: String(error) },
        giveUp ? "error" : "warn",
      );
      // Giving up leaves the hold active and the delivered text on the message: the sweep settles it.
      if (giveUp) throw error;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export function startReplyRun(input: ReplyRunInput): ReplyRun {
  const stop = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, stop.signal]) : stop.signal;
  // enqueue never waits for the reader (events queue up), so the run never depends on one.
  // Unset once the stream is closed or its reader cancelled it: later events go nowhere.
  let open: ReadableStreamDefaultController<ChatStreamEvent> | undefined;
  const events = new ReadableStream<ChatStreamEvent>({
    start(controller) {
      open = controller;
      controller.enqueue(input.start);
    },
    cancel() {
      open = undefined;
      stop.abort();
    },
  });
  const push = (event: ChatStreamEvent) => open?.enqueue(event);
  const close = () => {
    open?.close();
    open = undefined;
  };

  const settled = (async (): Promise<ReplyOutcome> => {
    let g: Generated = { status: "error", text: "", reported: null, providerCalled: false, error: "model_error" };
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    let charged = 0;
    const progress = createProgressWriter(input.db, input.assistantMessageId, input.config.progressIntervalMs);
    const frames = deltaFramer((text) => push({ type: "delta", text }), input.config.streamFrameMs ?? 0);
    try {
      g = await generate(input, signal, progress, frames.push);
      // The last text goes out now, not after the settle (which may retry for minutes); `finally` covers a throw.
      frames.flush();
      usage = usageOf(g, input.estimatedInputTokens);
      const final = { content: g.text, ...usage };
      progress.update(() => final);
      charged = await settleWithRetry(input, g, usage, progress);
      logEvent("chat_reply_settled", {
        userId: input.userId,
        messageId: input.assistantMessageId,
        status: g.status,
        ...usage,
        charged,
      });
    } catch {
      g = { ...g, status: "error", error: "settle_failed" };
    } finally {
      frames.flush();
      push({ type: "done", status: g.status, usage, creditsCharged: charged, ...(g.error ? { error: g.error } : {}) });
      close();
    }
    return {
      status: g.status,
      content: g.text,
      usage,
      creditsCharged: charged,
      ...(g.error ? { error: g.error } : {}),
    };
  })();

  return { events, settled, stop: () => stop.abort() };
}
