import { describe, expect, it } from "vitest";

import { chatModelsSetting } from "~/env";
import { creditsToMoney } from "~/lib/money";
import { smallestPackCovering } from "~/lib/packs";
import { buildCatalog, chooseModel, UnknownModelError, type CatalogSettings } from "~/server/chat";

const BASE: CatalogSettings = {
  modelId: "demo",
  demoDelayMs: 10,
  maxOutputTokens: 1024,
  creditsPer1kInputTokens: 100,
  creditsPer1kOutputTokens: 300,
};

describe("the model catalog", () => {
  it("offline: two Demo models, the default fast and cheap, the other slower and pricier with a larger context", () => {
    const catalog = buildCatalog(BASE);
    expect(catalog.defaultId).toBe("demo");
    const [fast, pro] = catalog.models;
    expect([fast!.id, pro!.id]).toEqual(["demo", "demo-pro"]);
    expect(fast).toMatchObject({ demo: true, creditsPer1kInputTokens: 100, creditsPer1kOutputTokens: 300 });
    expect(pro!.creditsPer1kInputTokens).toBeGreaterThan(fast!.creditsPer1kInputTokens);
    expect(pro!.creditsPer1kOutputTokens).toBeGreaterThan(fast!.creditsPer1kOutputTokens);
    expect(pro!.contextTokens).toBeGreaterThan(fast!.contextTokens);
    const delay = (m: typeof fast) => (m!.model as unknown as { opts: { delayMs: number } }).opts.delayMs;
    expect(delay(pro)).toBeGreaterThan(delay(fast));
  });

  it("online without CHAT_MODELS: CHAT_MODEL alone at CREDITS_PER_1K_* (the one-model default)", () => {
    const catalog = buildCatalog({ ...BASE, baseUrl: "http://127.0.0.1:9/v1", modelId: "llama3" });
    expect(catalog.models.map((m) => [m.id, m.demo, m.creditsPer1kInputTokens, m.creditsPer1kOutputTokens])).toEqual([
      ["llama3", false, 100, 300],
    ]);
    expect(catalog.defaultId).toBe("llama3");
  });

  it("online with CHAT_MODELS: every configured model with its prices; the marked one is the default", () => {
    const models = chatModelsSetting.parse(
      JSON.stringify([
        { id: "small", inputCreditsPer1k: 10, outputCreditsPer1k: 40 },
        {
          id: "big",
          label: "Big one",
          inputCreditsPer1k: 200,
          outputCreditsPer1k: 800,
          contextTokens: 32000,
          default: true,
        },
      ]),
    );
    const catalog = buildCatalog({ ...BASE, baseUrl: "http://127.0.0.1:9/v1", models });
    expect(catalog.defaultId).toBe("big");
    expect(catalog.models.map((m) => [m.id, m.label, m.contextTokens, m.maxOutputTokens])).toEqual([
      ["small", "small", 8000, 1024],
      ["big", "Big one", 32000, 1024],
    ]);
    expect(() => buildCatalog({ ...BASE, models })).toThrow(/CHAT_MODELS needs OPENAI_BASE_URL/);
  });

  it("CHAT_MODELS is validated with a clear message", () => {
    const problems = (value: string) => {
      const result = chatModelsSetting.safeParse(value);
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(problems("not json")).toEqual(["CHAT_MODELS must be a JSON array of models"]);
    expect(problems("[]")).toEqual(["CHAT_MODELS must list at least one model"]);
    const same = { id: "a", inputCreditsPer1k: 1, outputCreditsPer1k: 1 };
    expect(problems(JSON.stringify([same, same]))).toEqual(["CHAT_MODELS: model ids must be unique"]);
    expect(problems(JSON.stringify([{ ...same, inputCreditsPer1k: 1.5 }])).length).toBeGreaterThan(0);
    expect(problems(JSON.stringify([{ ...same, price: 3 }])).length).toBeGreaterThan(0);
    expect(
      problems(
        JSON.stringify([
          { ...same, default: true },
          { ...same, id: "b", default: true },
        ]),
      ),
    ).toEqual(["CHAT_MODELS: at most one model is the default"]);
  });

  it("chooses the asked model, else the remembered one while offered, else the default; an unknown one is refused", () => {
    const catalog = buildCatalog(BASE);
    expect(chooseModel(catalog, "demo-pro").id).toBe("demo-pro");
    expect(chooseModel(catalog, undefined, "demo-pro").id).toBe("demo-pro");
    expect(chooseModel(catalog, undefined, "retired-model").id).toBe("demo");
    expect(chooseModel(catalog, undefined).id).toBe("demo");
    expect(() => chooseModel(catalog, "nope")).toThrow(UnknownModelError);
  });
});

describe("packs and money", () => {
  const packs = [
    { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
    { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
    { id: "enterprise", credits: 1_000_000, unitAmount: 5000, currency: "usd" },
  ] as const;

  it("smallestPackCovering: the fewest credits that still cover, undefined when none does", () => {
    expect(smallestPackCovering(packs, 1)?.id).toBe("starter");
    expect(smallestPackCovering(packs, 50_000)?.id).toBe("starter");
    expect(smallestPackCovering(packs, 50_001)?.id).toBe("pro");
    expect(smallestPackCovering(packs, 1_000_000)?.id).toBe("enterprise");
    expect(smallestPackCovering(packs, 1_000_001)).toBeUndefined();
    expect(smallestPackCovering([], 1)).toBeUndefined();
  });

  it("creditsToMoney: at the smallest pack's price per credit, in major units", () => {
    // 500 cents / 50,000 credits = 0.01 cent per credit.
    expect(creditsToMoney(1200, packs)).toEqual({ amount: 0.12, currency: "usd" });
    expect(creditsToMoney(1, [{ credits: 100, unitAmount: 500, currency: "jpy" }])).toEqual({
      amount: 5,
      currency: "jpy",
    });
    expect(creditsToMoney(10, [])).toBeUndefined();
  });
});
