/**
 * The models a user may pick, each with its prices and limits: the one place chat reads them.
 * Offline (no OPENAI_BASE_URL): two Demo models, a fast cheap one and a slower, pricier one with a
 * larger context. Online: the models of CHAT_MODELS (one validated JSON setting, src/env.js), or,
 * when that is unset, CHAT_MODEL alone at CREDITS_PER_1K_* (the one-model default).
 */
import { env } from "~/env";

import type { ChatConfig } from "./config";
import { UnknownModelError } from "./errors";
import { DemoLanguageModel } from "./demo-model";
import { getChatModel, type ChatModel } from "./models";

export interface ModelPrices {
  creditsPer1kInputTokens: number;
  creditsPer1kOutputTokens: number;
}

export interface ModelLimits {
  /** The whole prompt (system, kept history, the new message) is kept within this many tokens. */
  contextTokens: number;
  /** Reply cap; also the output part of the worst case held before each reply. */
  maxOutputTokens: number;
  /** The reply length a "likely" quote assumes (at most maxOutputTokens). */
  typicalOutputTokens: number;
}

export type CatalogModel = ChatModel & ModelPrices & ModelLimits;

export interface ChatCatalog {
  models: readonly CatalogModel[];
  defaultId: string;
}

/** A context budget for a model configured without one (and for the one-model default). */
export const DEFAULT_CONTEXT_TOKENS = 8000;
/** The reply length a "likely" quote assumes when a model does not say. */
export const DEFAULT_TYPICAL_OUTPUT_TOKENS = 300;
/** A typical message's own size, for "≈ N messages left" (the system prompt is added to it). */
export const TYPICAL_MESSAGE_TOKENS = 60;

/** The offline Demo models' ids: the default (fast, cheap) and the slower, pricier one. */
export const DEMO_MODEL_IDS = ["demo", "demo-pro"] as const;

function typical(maxOutputTokens: number, wanted = DEFAULT_TYPICAL_OUTPUT_TOKENS): number {
  return Math.min(wanted, maxOutputTokens);
}

export interface CatalogSettings {
  baseUrl?: string;
  apiKey?: string;
  /** The one-model default's id (CHAT_MODEL). */
  modelId: string;
  models?: readonly {
    id: string;
    label?: string;
    inputCreditsPer1k: number;
    outputCreditsPer1k: number;
    contextTokens: number;
    maxOutputTokens?: number;
    typicalOutputTokens?: number;
    default?: boolean;
  }[];
  demoDelayMs: number;
  maxOutputTokens: number;
  creditsPer1kInputTokens: number;
  creditsPer1kOutputTokens: number;
}

export function catalogSettingsFromEnv(): CatalogSettings {
  return {
    baseUrl: env.OPENAI_BASE_URL,
    apiKey: env.OPENAI_API_KEY,
    modelId: env.CHAT_MODEL,
    models: env.CHAT_MODELS,
    demoDelayMs: env.CHAT_DEMO_DELAY_MS,
    maxOutputTokens: env.CHAT_MAX_OUTPUT_TOKENS,
    creditsPer1kInputTokens: env.CREDITS_PER_1K_INPUT_TOKENS,
    creditsPer1kOutputTokens: env.CREDITS_PER_1K_OUTPUT_TOKENS,
  };
}

export function buildCatalog(s: CatalogSettings): ChatCatalog {
  if (!s.baseUrl) {
    if (s.models) throw new Error("CHAT_MODELS needs OPENAI_BASE_URL (the endpoint serving those models).");
    const fast: CatalogModel = {
      model: new DemoLanguageModel({ delayMs: s.demoDelayMs }),
      id: "demo",
      label: "Demo model",
      demo: true,
      creditsPer1kInputTokens: s.creditsPer1kInputTokens,
      creditsPer1kOutputTokens: s.creditsPer1kOutputTokens,
      contextTokens: DEFAULT_CONTEXT_TOKENS,
      maxOutputTokens: s.maxOutputTokens,
      typicalOutputTokens: typical(s.maxOutputTokens, 150),
    };
    // Three times the price and the delay between tokens, twice the context.
    const pro: CatalogModel = {
      model: new DemoLanguageModel({ delayMs: s.demoDelayMs * 3 }),
      id: "demo-pro",
      label: "Demo model (thorough)",
      demo: true,
      creditsPer1kInputTokens: s.creditsPer1kInputTokens * 3,
      creditsPer1kOutputTokens: s.creditsPer1kOutputTokens * 3,
      contextTokens: DEFAULT_CONTEXT_TOKENS * 2,
      maxOutputTokens: s.maxOutputTokens,
      typicalOutputTokens: typical(s.maxOutputTokens, 150),
    };
    return { models: [fast, pro], defaultId: fast.id };
  }
  const entries = s.models ?? [
    {
      id: s.modelId,
      inputCreditsPer1k: s.creditsPer1kInputTokens,
      outputCreditsPer1k: s.creditsPer1kOutputTokens,
      contextTokens: DEFAULT_CONTEXT_TOKENS,
    },
  ];
  const models = entries.map((entry): CatalogModel => {
    const maxOutputTokens = entry.maxOutputTokens ?? s.maxOutputTokens;
    const { model } = getChatModel({ baseUrl: s.baseUrl, apiKey: s.apiKey, modelId: entry.id, demoDelayMs: 0 });
    return {
      model,
      id: entry.id,
      label: entry.label ?? entry.id,
      demo: false,
      creditsPer1kInputTokens: entry.inputCreditsPer1k,
      creditsPer1kOutputTokens: entry.outputCreditsPer1k,
      contextTokens: entry.contextTokens,
      maxOutputTokens,
      typicalOutputTokens: typical(maxOutputTokens, entry.typicalOutputTokens),
    };
  });
  return { models, defaultId: (entries.find((e) => e.default) ?? entries[0]!).id };
}

let envCatalog: ChatCatalog | undefined;
/** The catalog of this process's settings (built once). */
export function catalogFromEnv(): ChatCatalog {
  return (envCatalog ??= buildCatalog(catalogSettingsFromEnv()));
}

/** One model priced by `config` (tests and callers that pass a single model). */
export function singleModelCatalog(
  model: ChatModel,
  config: Pick<ChatConfig, "creditsPer1kInputTokens" | "creditsPer1kOutputTokens" | "maxOutputTokens">,
  contextTokens = DEFAULT_CONTEXT_TOKENS,
): ChatCatalog {
  return {
    models: [
      {
        ...model,
        creditsPer1kInputTokens: config.creditsPer1kInputTokens,
        creditsPer1kOutputTokens: config.creditsPer1kOutputTokens,
        maxOutputTokens: config.maxOutputTokens,
        contextTokens,
        typicalOutputTokens: typical(config.maxOutputTokens),
      },
    ],
    defaultId: model.id,
  };
}

export function findModel(catalog: ChatCatalog, id: string | null | undefined): CatalogModel | undefined {
  return id ? catalog.models.find((m) => m.id === id) : undefined;
}

/**
 * The model an exchange uses: the one asked for (unknown → UnknownModelError, BAD_REQUEST), else
 * the conversation's last choice while it is still offered, else the default.
 */
export function chooseModel(
  catalog: ChatCatalog,
  requested: string | undefined,
  remembered?: string | null,
): CatalogModel {
  if (requested !== undefined) {
    const found = findModel(catalog, requested);
    if (!found) throw new UnknownModelError();
    return found;
  }
  return findModel(catalog, remembered) ?? findModel(catalog, catalog.defaultId) ?? catalog.models[0]!;
}
