/**
 * The offline Demo model: a real AI SDK LanguageModelV3 that needs no keys or network. It
 * answers with a deterministic Markdown reply derived from the prompt, in the user's language
 * (messages/*.json, namespace "demoModel"), streamed piece by piece,
 * and reports usage counted with the same tokenizer the metering falls back to.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";

import { createTranslator } from "next-intl";

import { loadMessages } from "~/i18n/messages";

import { replyLocale } from "./reply-locale";
import { countTokens, MESSAGE_OVERHEAD_TOKENS, splitTokens } from "./tokens";

function messageText(message: LanguageModelV3Prompt[number]): string {
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
}

/** Input tokens as the demo "provider" reports them: the prompt's text plus framing per message. */
export function promptTokens(prompt: LanguageModelV3Prompt): number {
  return prompt.reduce((sum, m) => sum + countTokens(messageText(m)) + MESSAGE_OVERHEAD_TOKENS, 0);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const OPENERS = ["opener0", "opener1", "opener2", "opener3"] as const;
const TIPS = ["tip0", "tip1", "tip2", "tip3"] as const;

/** The UI locale the reply run hands over (reply-run.ts), when there is one. */
function uiLocaleOf(options: Pick<LanguageModelV3CallOptions, "providerOptions">): string | undefined {
  const locale = options.providerOptions?.tally?.locale;
  return typeof locale === "string" ? locale : undefined;
}

/**
 * The reply for a prompt: same prompt and locale, same reply. Written in the language of the
 * last user message when that is clear, else in `uiLocale` (reply-locale.ts).
 */
export async function demoReply(prompt: LanguageModelV3Prompt, uiLocale?: string): Promise<string> {
  const lastUser = [...prompt].reverse().find((m) => m.role === "user");
  const question = lastUser ? messageText(lastUser).replace(/\s+/g, " ").trim() : "";
  const quoted = question.length > 80 ? `${question.slice(0, 77)}...` : question;
  const h = hash(question);
  const turns = prompt.filter((m) => m.role === "user").length;
  const locale = replyLocale(question, uiLocale);
  const t = createTranslator({ locale, messages: await loadMessages(locale), namespace: "demoModel" });
  return [
    `${t(OPENERS[h % OPENERS.length]!)} ${t("youAsked", { question: quoted })}`,
    "",
    t("intro"),
    "",
    `- ${t("turns", { count: turns })}`,
    `- ${t(TIPS[(h >>> 8) % TIPS.length]!)}`,
    "",
    t("configure"),
  ].join("\n");
}

function usage(inputTokens: number, outputTokens: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class DemoLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  readonly provider = "tally-demo";
  readonly modelId = "demo";
  readonly supportedUrls = {};

  constructor(private readonly opts: { delayMs: number }) {}

  private async plan(options: LanguageModelV3CallOptions) {
    const all = splitTokens(await demoReply(options.prompt, uiLocaleOf(options)));
    const cap = options.maxOutputTokens ?? all.length;
    const pieces = all.slice(0, cap);
    return { pieces, truncated: pieces.length < all.length, inputTokens: promptTokens(options.prompt) };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { pieces, truncated, inputTokens } = await this.plan(options);
    return {
      content: [{ type: "text", text: pieces.join("") }],
      finishReason: { unified: truncated ? "length" : "stop", raw: undefined },
      usage: usage(inputTokens, pieces.length),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { pieces, truncated, inputTokens } = await this.plan(options);
    const { delayMs } = this.opts;
    const signal = options.abortSignal;
    let next = 0;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        controller.enqueue({ type: "stream-start", warnings: [] });
        controller.enqueue({ type: "text-start", id: "0" });
      },
      async pull(controller) {
        try {
          if (delayMs > 0) await sleep(delayMs, signal);
          else if (signal?.aborted) throw signal.reason;
        } catch (reason) {
          controller.error(reason);
          return;
        }
        if (next < pieces.length) {
          controller.enqueue({ type: "text-delta", id: "0", delta: pieces[next]! });
          next += 1;
          return;
        }
        controller.enqueue({ type: "text-end", id: "0" });
        controller.enqueue({
          type: "finish",
          finishReason: { unified: truncated ? "length" : "stop", raw: undefined },
          usage: usage(inputTokens, pieces.length),
        });
        controller.close();
      },
    });
    return { stream };
  }
}
