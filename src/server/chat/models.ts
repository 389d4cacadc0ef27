import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";

import { env } from "~/env";

import { DemoLanguageModel } from "./demo-model";

export interface ChatModel {
  model: LanguageModelV3;
  /** Model id as stored on each assistant message. */
  id: string;
  label: string;
  demo: boolean;
}

export interface ChatModelSettings {
  baseUrl?: string;
  apiKey?: string;
  modelId: string;
  demoDelayMs: number;
}

export function chatModelSettingsFromEnv(): ChatModelSettings {
  return {
    baseUrl: env.OPENAI_BASE_URL,
    apiKey: env.OPENAI_API_KEY,
    modelId: env.CHAT_MODEL,
    demoDelayMs: env.CHAT_DEMO_DELAY_MS,
  };
}

/** Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM…) when a base URL is set, else the offline Demo model. */
export function getChatModel(settings: ChatModelSettings = chatModelSettingsFromEnv()): ChatModel {
  if (!settings.baseUrl) {
    return {
      model: new DemoLanguageModel({ delayMs: settings.demoDelayMs }),
      id: "demo",
      label: "Demo model",
      demo: true,
    };
  }
  const provider = createOpenAICompatible({
    name: "openai-compatible",
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey,
    // Ask for the final usage chunk so replies are charged what the provider counted.
    includeUsage: true,
  });
  return { model: provider.chatModel(settings.modelId), id: settings.modelId, label: settings.modelId, demo: false };
}
