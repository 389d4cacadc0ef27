/**
 * The offline Demo model: a real AI SDK LanguageModelV3 that needs no keys or network. It
 * answers with a deterministic Markdown reply derived from the prompt, streamed piece by piece,
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

const OPENERS = [
  "Good question.",
  "Here is a short answer.",
  "Happy to help with that.",
  "Let me think about that for a moment.",
];
const TIPS = [
  "Break the problem into small steps and check each one.",
  "Write down what you already know before looking for what you don't.",
  "A concrete example usually beats an abstract explanation.",
  "If something is unclear, ask a narrower follow-up question.",
];

/** The reply for a prompt: same prompt, same reply. */
export function demoReply(prompt: LanguageModelV3Prompt): string {
  const lastUser = [...prompt].reverse().find((m) => m.role === "user");
  const question = lastUser ? messageText(lastUser).replace(/\s+/g, " ").trim() : "";
  const words = question ? question.split(" ").length : 0;
  const quoted = question.length > 80 ? `${question.slice(0, 77)}...` : question;
  const h = hash(question);
  const turns = prompt.filter((m) => m.role === "user").length;
  return [
    `${OPENERS[h % OPENERS.length]} You asked: *"${quoted}"* (${words} ${words === 1 ? "word" : "words"}).`,
    "",
    `This is the **Demo model**, so the answer is simulated, but it is metered like a real one:`,
    "",
    `- this conversation has ${turns} ${turns === 1 ? "message" : "messages"} from you so far;`,
    `- ${TIPS[(h >>> 8) % TIPS.length]}`,
    "",
    "Set `OPENAI_BASE_URL` and `OPENAI_API_KEY` to talk to a real model.",
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

  private plan(options: LanguageModelV3CallOptions) {
    const all = splitTokens(demoReply(options.prompt));
    const cap = options.maxOutputTokens ?? all.length;
    const pieces = all.slice(0, cap);
    return { pieces, truncated: pieces.length < all.length, inputTokens: promptTokens(options.prompt) };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { pieces, truncated, inputTokens } = this.plan(options);
    return {
      content: [{ type: "text", text: pieces.join("") }],
      finishReason: { unified: truncated ? "length" : "stop", raw: undefined },
      usage: usage(inputTokens, pieces.length),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { pieces, truncated, inputTokens } = this.plan(options);
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
