import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance } from "~/server/credits";
import { chatConfigFromEnv, creditsFor, getChatModel, type ChatModel } from "~/server/chat";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { chatCallerFor, doneOf, drain, fundedUser, textOf } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const config = chatConfigFromEnv();
const CHUNKS = ["Bonjour", ", ", "le ", "monde", "!"];
const USAGE = { prompt_tokens: 31, completion_tokens: 6, total_tokens: 37 };

interface Seen {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

/** A minimal OpenAI-compatible /chat/completions endpoint streaming SSE chunks and a final usage chunk. */
function startServer(mode: { fail?: boolean }, seen: Seen[]): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    seen.push({
      path: req.url ?? "",
      auth: req.headers.authorization,
      body: JSON.parse(raw) as Record<string, unknown>,
    });
    if (mode.fail) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "model not found", type: "invalid_request_error" } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1_700_000_000, model: "test-model" };
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    send({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
    for (const content of CHUNKS) send({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    send({ ...base, choices: [], usage: USAGE });
    res.end("data: [DONE]\n\n");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function modelFor(server: Server): ChatModel {
  const { port } = server.address() as AddressInfo;
  return getChatModel({
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey: "sk-test-123",
    modelId: "test-model",
    demoDelayMs: 0,
  });
}

describeEachDb("OpenAI-compatible provider", (kind) => {
  let t: TestDb;
  let ok: Server;
  let failing: Server;
  const seen: Seen[] = [];
  const seenFailing: Seen[] = [];
  beforeAll(async () => {
    t = await createTestDb(kind);
    ok = await startServer({}, seen);
    failing = await startServer({ fail: true }, seenFailing);
  });
  afterAll(async () => {
    await new Promise((r) => ok.close(r));
    await new Promise((r) => failing.close(r));
    await t.close();
  });

  it("is used when OPENAI_BASE_URL is set", () => {
    const m = modelFor(ok);
    expect({ id: m.id, label: m.label, demo: m.demo }).toEqual({ id: "test-model", label: "test-model", demo: false });
  });

  it("streams the provider's deltas and charges the provider-reported usage", async () => {
    const u = await fundedUser(t.db, 10_000);
    const chat = chatCallerFor(t.db, u.id, modelFor(ok)).chat;
    const conv = await chat.createConversation({});
    const all = await drain(await chat.send({ conversationId: conv.id, content: "Say hello in French" }));

    expect(all.filter((e) => e.type === "delta").map((e) => (e as { text: string }).text)).toEqual(CHUNKS);
    const done = doneOf(all);
    const charged = creditsFor({ inputTokens: 31, outputTokens: 6 }, config);
    expect(done).toEqual({
      type: "done",
      status: "complete",
      usage: { inputTokens: 31, outputTokens: 6 },
      creditsCharged: charged,
    });
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 10_000 - charged, held: 0, spendable: 10_000 - charged });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);

    const request = seen.at(-1)!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.auth).toBe("Bearer sk-test-123");
    expect(request.body).toMatchObject({
      model: "test-model",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: config.maxOutputTokens,
    });
    const messages = request.body.messages as { role: string; content: string }[];
    expect(messages[0]!.role).toBe("system");
    expect(messages.at(-1)).toEqual({ role: "user", content: "Say hello in French" });

    const message = await t.db.message.findFirstOrThrow({ where: { conversationId: conv.id, role: "assistant" } });
    expect(message).toMatchObject({
      content: textOf(all),
      model: "test-model",
      status: "complete",
      inputTokens: 31,
      outputTokens: 6,
    });
  });

  it("sends earlier turns as history on the next message", async () => {
    const u = await fundedUser(t.db, 10_000);
    const chat = chatCallerFor(t.db, u.id, modelFor(ok)).chat;
    const conv = await chat.createConversation({});
    await drain(await chat.send({ conversationId: conv.id, content: "first" }));
    await drain(await chat.send({ conversationId: conv.id, content: "second" }));
    const messages = seen.at(-1)!.body.messages as { role: string; content: string }[];
    expect(messages.slice(1)).toEqual([
      { role: "user", content: "first" },
      { role: "assistant", content: CHUNKS.join("") },
      { role: "user", content: "second" },
    ]);
  });

  it("a provider error ends the stream with done/error and charges nothing", async () => {
    const u = await fundedUser(t.db, 10_000);
    const chat = chatCallerFor(t.db, u.id, modelFor(failing)).chat;
    const conv = await chat.createConversation({});
    const all = await drain(await chat.send({ conversationId: conv.id, content: "hello?" }));
    expect(seenFailing.length).toBeGreaterThanOrEqual(1);
    expect(doneOf(all)).toMatchObject({ status: "error", error: "model_error", creditsCharged: 0 });
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 10_000, held: 0, spendable: 10_000 });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
