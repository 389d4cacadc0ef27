import { streamText } from "ai";
import { z } from "zod";

import { getSessionUserId } from "~/server/auth/session";
import { chatConfigFromEnv, getChatModel } from "~/server/chat";
import { buildPrompt } from "~/server/chat/prompt";

import { benchRoutesEnabled, notFoundResponse } from "../enabled";

export const dynamic = "force-dynamic";

const input = z.object({ content: z.string().trim().min(1).max(8000) });

/**
 * Benchmark reference for chat.send: the same session check and the same demo model streamed
 * as plain text, with no credits, no messages and no tRPC. Refuses any real (paid) model.
 */
export async function POST(req: Request) {
  if (!benchRoutesEnabled()) return notFoundResponse();
  if (!(await getSessionUserId())) return Response.json({ error: "unauthorized" }, { status: 401 });
  const model = getChatModel();
  if (!model.demo) return Response.json({ error: "demo_model_only" }, { status: 409 });
  const parsed = input.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: "invalid_input" }, { status: 400 });
  const prompt = buildPrompt([], parsed.data.content);
  const result = streamText({
    model: model.model,
    system: prompt.system,
    messages: prompt.messages,
    maxOutputTokens: chatConfigFromEnv().maxOutputTokens,
    abortSignal: req.signal,
  });
  // Streamed uncompressed, as the app streams chat.send (src/server/api/http-handler.ts).
  return result.toTextStreamResponse({ headers: { "Cache-Control": "no-store, no-transform" } });
}
