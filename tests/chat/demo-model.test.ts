import { streamText } from "ai";
import { describe, expect, it } from "vitest";

import { creditsFor, getChatModel, worstCaseCredits } from "~/server/chat";
import { DemoLanguageModel, demoReply } from "~/server/chat/demo-model";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";
import { countTokens, splitTokens } from "~/server/chat/tokens";

async function run(model: DemoLanguageModel, question: string, maxOutputTokens = 1024) {
  const prompt = buildPrompt([], question);
  const result = streamText({ model, ...prompt, maxOutputTokens });
  const deltas: string[] = [];
  for await (const d of result.textStream) deltas.push(d);
  return { deltas, usage: await result.totalUsage, finishReason: await result.finishReason, prompt };
}

describe("demo model", () => {
  it("is the default without OPENAI_BASE_URL and is labelled Demo model", () => {
    const m = getChatModel({ modelId: "demo", demoDelayMs: 0 });
    expect({ id: m.id, label: m.label, demo: m.demo }).toEqual({ id: "demo", label: "Demo model", demo: true });
    expect(m.model.specificationVersion).toBe("v3");
  });

  it("streams a deterministic Markdown reply token by token and reports usage", async () => {
    const model = new DemoLanguageModel({ delayMs: 0 });
    const a = await run(model, "How do I bake bread?");
    const b = await run(model, "How do I bake bread?");
    const c = await run(model, "Something else entirely");
    expect(a.deltas).toEqual(b.deltas);
    expect(a.deltas.join("")).not.toEqual(c.deltas.join(""));
    expect(a.deltas.length).toBeGreaterThan(20);
    const reply = a.deltas.join("");
    expect(reply).toContain("How do I bake bread?");
    expect(reply).toMatch(/\*\*Demo model\*\*/);
    expect(reply).toMatch(/^- /m);
    expect(a.usage.outputTokens).toBe(a.deltas.length);
    expect(a.usage.outputTokens).toBe(countTokens(reply));
    // The demo counts input the way the metering estimates it, so estimate == reported.
    expect(a.usage.inputTokens).toBe(estimatePromptTokens(a.prompt));
    expect(a.finishReason).toBe("stop");
  });

  it("honours the output cap", async () => {
    const { deltas, usage, finishReason } = await run(new DemoLanguageModel({ delayMs: 0 }), "Tell me a story", 5);
    expect(deltas).toHaveLength(5);
    expect(usage.outputTokens).toBe(5);
    expect(finishReason).toBe("length");
  });

  it("waits between tokens and stops when aborted", async () => {
    const model = new DemoLanguageModel({ delayMs: 20 });
    const ac = new AbortController();
    const result = streamText({ model, ...buildPrompt([], "hello there"), abortSignal: ac.signal, onError: () => {} });
    const started = Date.now();
    const deltas: string[] = [];
    const parts: string[] = [];
    for await (const part of result.fullStream) {
      parts.push(part.type);
      if (part.type === "text-delta") {
        deltas.push(part.text);
        if (deltas.length === 3) ac.abort();
      }
    }
    expect(deltas).toHaveLength(3);
    expect(parts).toContain("abort");
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it("replies to the last user turn", async () => {
    const reply = await demoReply([
      { role: "user", content: [{ type: "text", text: "first" }] },
      { role: "assistant", content: [{ type: "text", text: "ok" }] },
      { role: "user", content: [{ type: "text", text: "second question" }] },
    ]);
    expect(reply).toContain("second question");
    expect(reply).toContain("2 messages from you");
  });

  const user = (text: string) => [{ role: "user" as const, content: [{ type: "text" as const, text }] }];

  it("answers in the language of the user's message, in all 8 locales", async () => {
    const asked: [string, string, RegExp][] = [
      ["en", "What is the capital of France?", /\*\*Demo model\*\*/],
      ["es", "¿Cuál es la capital de Francia?", /\*\*modelo de demostración\*\*/],
      ["fr", "Quelle est la capitale de la France ?", /\*\*modèle de démonstration\*\*/],
      ["de", "Was ist die Hauptstadt von Frankreich?", /\*\*Demo-Modell\*\*/],
      ["pt-BR", "Qual é a capital da França?", /\*\*modelo de demonstração\*\*/],
      ["ja", "フランスの首都はどこですか？", /\*\*デモモデル\*\*/],
      ["ko", "프랑스의 수도는 어디인가요?", /\*\*데모 모델\*\*/],
      ["zh-CN", "法国的首都是哪里？", /\*\*演示模型\*\*/],
    ];
    for (const [locale, question, marker] of asked) {
      // The UI locale is English: the message's own language wins when it is clear.
      const reply = await demoReply(user(question), "en");
      expect(reply, locale).toMatch(marker);
      expect(reply, locale).toContain(question);
    }
  });

  it("falls back to the UI locale when the message's language is unclear", async () => {
    expect(await demoReply(user("ok"), "de")).toMatch(/\*\*Demo-Modell\*\*/);
    expect(await demoReply(user("Obrigado pela ajuda!"), "pt-BR")).toMatch(/\*\*modelo de demonstração\*\*/);
    // Kanji only: Japanese for a Japanese UI, Chinese otherwise.
    expect(await demoReply(user("日本語"), "ja")).toMatch(/\*\*デモモデル\*\*/);
    expect(await demoReply(user("日本語"), "fr")).toMatch(/\*\*演示模型\*\*/);
    expect(await demoReply(user("12345"), "ko")).toMatch(/\*\*데모 모델\*\*/);
    expect(await demoReply(user("12345"))).toMatch(/\*\*Demo model\*\*/);
  });

  it("streams in the locale the reply run hands over as a provider option", async () => {
    const model = new DemoLanguageModel({ delayMs: 0 });
    const result = streamText({ model, ...buildPrompt([], "12345"), providerOptions: { tally: { locale: "fr" } } });
    expect(await result.text).toMatch(/\*\*modèle de démonstration\*\*/);
  });
});

describe("tokens and prices", () => {
  it("splits text into pieces that join back to it", () => {
    for (const s of ["Hello, world!", "  leading", "日本語のテキスト", "emoji 🎉 ok", "trailing  "]) {
      expect(splitTokens(s).join("")).toBe(s);
    }
    expect(countTokens("abcdefgh")).toBe(2);
    expect(countTokens("日本語")).toBe(3);
    expect(countTokens("")).toBe(0);
  });

  it("prices per 1,000 tokens, rounded up", () => {
    const prices = { creditsPer1kInputTokens: 100, creditsPer1kOutputTokens: 300 };
    expect(creditsFor({ inputTokens: 1000, outputTokens: 1000 }, prices)).toBe(400);
    expect(creditsFor({ inputTokens: 1, outputTokens: 0 }, prices)).toBe(1);
    expect(creditsFor({ inputTokens: 0, outputTokens: 0 }, prices)).toBe(0);
    expect(creditsFor({ inputTokens: 15, outputTokens: 7 }, prices)).toBe(Math.ceil((15 * 100 + 7 * 300) / 1000));
    expect(worstCaseCredits(50, { ...prices, maxOutputTokens: 1024 })).toBe(Math.ceil((50 * 100 + 1024 * 300) / 1000));
  });
});
