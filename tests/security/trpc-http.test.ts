import { createTRPCClient } from "@trpc/client";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";

import { GET, POST } from "~/app/api/trpc/[trpc]/route";
import { TRPC_MAX_BATCH_SIZE } from "~/lib/trpc-limits";
import type { AppRouter } from "~/server/api/root";
import { grant } from "~/server/credits";
import type { Db } from "~/server/db";
import { appBatchLink } from "~/trpc/batch-link";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";
import { captureLogs } from "./log-capture";

// Through the real route handler, as the finding was made: the app on https://app.example.com, the
// attacker's form on a sibling origin of the same site (SameSite cookies do not stop that).
const current = vi.hoisted(() => {
  vi.stubEnv("APP_URL", "https://app.example.com");
  return { db: undefined as unknown as Db, userId: null as string | null };
});
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));
vi.mock("~/server/auth/session", () => ({ getSessionUserId: () => Promise.resolve(current.userId) }));

const APP = "https://app.example.com";
/** What a browser sends with a fetch from the app's own pages. */
const SAME_ORIGIN = { origin: APP, "sec-fetch-site": "same-origin" };
const JSON_TYPE = { "content-type": "application/json" };

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { error?: { json: { message: string; code: number; data: { code: string; httpStatus: number } } } } & Record<
    string,
    unknown
  >;
}

async function send(
  method: "GET" | "POST",
  pathAndQuery: string,
  init: { headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<Answer> {
  const req = new Request(`${APP}/api/trpc/${pathAndQuery}`, { method, headers: init.headers, body: init.body });
  const res = await (method === "GET" ? GET(req) : POST(req));
  const text = await res.text();
  let body: Answer["body"] = {};
  try {
    body = JSON.parse(text) as Answer["body"];
  } catch {
    // a JSON-lines stream: callers read `text`
  }
  return { status: res.status, headers: res.headers, text, body };
}

const createConversation = (headers: Record<string, string>) =>
  send("POST", "chat.createConversation", {
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify({ json: { title: "From a form" } }),
  });

/** `n` calls of `path` in one batch request. */
function batch(path: string, n: number, input: unknown): { pathAndQuery: string; body: string } {
  const inputs = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: input }]));
  return { pathAndQuery: `${Array.from({ length: n }, () => path).join(",")}?batch=1`, body: JSON.stringify(inputs) };
}

describeEachDb("tRPC over HTTP: origin, format, batch size, caching", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    current.db = t.db;
  });
  beforeEach(async () => {
    current.userId = (await createUser(t.db)).id;
  });
  afterAll(async () => {
    await t.close();
    vi.unstubAllEnvs();
  });

  const conversations = () => t.db.conversation.count({ where: { userId: current.userId! } });

  it("the app's own pages and non-browser clients (no Origin, no Sec-Fetch-Site: curl, scripts) are served", async () => {
    expect((await createConversation(SAME_ORIGIN)).status).toBe(200);
    expect((await createConversation({ origin: APP })).status).toBe(200);
    expect((await createConversation({})).status).toBe(200);
    expect(await conversations()).toBe(3);
    expect((await send("GET", "chat.listConversations", { headers: { "sec-fetch-site": "same-origin" } })).status).toBe(
      200,
    );
    // Typed into the address bar.
    expect((await send("GET", "credits.balance", { headers: { "sec-fetch-site": "none" } })).status).toBe(200);
  });

  it("cross-origin POSTs → 403 before anything runs: a same-site sibling, another site, another scheme or port, an opaque origin", async () => {
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example.com", "sec-fetch-site": "same-site" },
      { origin: "https://evil.example.com" },
      { origin: "https://attacker.test", "sec-fetch-site": "cross-site" },
      { origin: "http://app.example.com" },
      { origin: "https://app.example.com:8443" },
      { origin: "null", "sec-fetch-site": "cross-site" },
      // No Origin, but the browser says where the request came from.
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site" },
    ];
    const { logs } = await captureLogs(async () => {
      for (const headers of refused) {
        const res = await createConversation(headers);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.error?.json).toMatchObject({ code: -32003, data: { code: "FORBIDDEN", httpStatus: 403 } });
      }
    });
    expect(await conversations()).toBe(0);
    expect(logs.events.filter((e) => e.msg === "trpc_request_refused")).toHaveLength(refused.length);
    expect(logs.events[0]).toMatchObject({
      level: "warn",
      reason: "cross_origin",
      origin: "https://evil.example.com",
      secFetchSite: "same-site",
    });
  });

  it("cross-site GETs of personal data → 403 (reads are not left to CORS alone)", async () => {
    const refused: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example.com" },
    ];
    for (const headers of refused) {
      const res = await send("GET", "credits.balance", { headers });
      expect(res.status).toBe(403);
      expect(res.text).not.toContain("balance");
    }
  });

  it("POSTs that are not JSON → 415 before anything runs, even with no Origin at all (forms from older browsers)", async () => {
    const form = new FormData();
    form.set("title", "From a form");
    const bodies: { headers?: Record<string, string>; body: BodyInit }[] = [
      { body: form }, // multipart/form-data; boundary=…
      { body: new URLSearchParams({ title: "From a form" }) },
      { headers: { "content-type": "text/plain" }, body: JSON.stringify({ json: { title: "x" } }) },
      { headers: { "content-type": "application/octet-stream" }, body: new Uint8Array([123, 125]) },
      { body: new Uint8Array([123, 125]) }, // no content type
      { headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify({ json: {} }) },
    ];
    for (const init of bodies) {
      const res = await send("POST", "chat.createConversation", init);
      expect(res.status).toBe(415);
      expect(res.body.error?.json).toMatchObject({
        code: -32015,
        data: { code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 },
      });
    }
    expect(await conversations()).toBe(0);
    const withCharset = await send("POST", "chat.createConversation", {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: "{}",
    });
    expect(withCharset.status).toBe(200);
  });

  it(`a batch of more than ${TRPC_MAX_BATCH_SIZE} calls → 400 without running any; a full batch works`, async () => {
    const huge = batch("chat.createConversation", 360, {});
    const res = await send("POST", huge.pathAndQuery, { headers: { ...JSON_TYPE, ...SAME_ORIGIN }, body: huge.body });
    expect(res.status).toBe(400);
    expect(res.body.error?.json).toMatchObject({ data: { code: "BAD_REQUEST", httpStatus: 400 } });
    expect(await conversations()).toBe(0);

    const reads = batch("credits.balance", TRPC_MAX_BATCH_SIZE + 1, undefined);
    expect((await send("GET", reads.pathAndQuery, { headers: { "trpc-accept": "application/jsonl" } })).status).toBe(
      400,
    );

    const full = batch("chat.createConversation", TRPC_MAX_BATCH_SIZE, {});
    expect(
      (await send("POST", full.pathAndQuery, { headers: { ...JSON_TYPE, ...SAME_ORIGIN }, body: full.body })).status,
    ).toBe(200);
    expect(await conversations()).toBe(TRPC_MAX_BATCH_SIZE);
  });

  it("every answer is Cache-Control: private, no-store (streamed batches also no-transform: never gzipped frame by frame)", async () => {
    await grant(t.db, {
      userId: current.userId!,
      amount: 50_000,
      reason: "purchase",
      refType: "operator",
      refId: `seed-${current.userId}`,
    });
    const conversation = await createConversation(SAME_ORIGIN);
    const conversationId = (conversation.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
    const streamedReads = batch("credits.balance", 2, undefined);
    const streamedSend = batch("chat.send", 1, { conversationId, content: "Hello" });
    const userId = current.userId;
    const answers: Record<string, Answer> = {
      query: await send("GET", "credits.balance"),
      mutation: conversation,
      "streamed batch of queries": await send("GET", streamedReads.pathAndQuery, {
        headers: { "trpc-accept": "application/jsonl" },
      }),
      "streamed chat reply": await send("POST", streamedSend.pathAndQuery, {
        headers: { ...JSON_TYPE, ...SAME_ORIGIN, "trpc-accept": "application/jsonl" },
        body: streamedSend.body,
      }),
      "input error": await send("POST", "chat.createConversation", {
        headers: JSON_TYPE,
        body: JSON.stringify({ json: { title: 42 } }),
      }),
      refusal: await createConversation({ origin: "https://evil.example.com" }),
      "unsupported media type": await send("POST", "chat.createConversation", { body: new URLSearchParams() }),
      signedOut: await (async () => {
        current.userId = null;
        return send("GET", "credits.balance");
      })(),
    };
    current.userId = userId;
    expect(answers["streamed batch of queries"]!.text).toContain('"balance":50000');
    expect(answers["streamed chat reply"]!.text).toContain('"type":"done"');
    expect(answers.signedOut!.status).toBe(401);
    for (const [name, answer] of Object.entries(answers))
      expect(answer.headers.get("cache-control"), name).toBe(
        name.startsWith("streamed") ? "private, no-store, no-transform" : "private, no-store",
      );
  });

  it("the browser's link (maxItems = the server's limit) splits a burst of queries into batches the server accepts", async () => {
    const sizes: number[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [
        appBatchLink({
          url: `${APP}/api/trpc`,
          fetch: (url, init) => {
            const req = new Request(url, init as RequestInit);
            req.headers.set("sec-fetch-site", "same-origin");
            sizes.push(new URL(req.url).pathname.split(",").length);
            return req.method === "GET" ? GET(req) : POST(req);
          },
        }),
      ],
    });
    const n = TRPC_MAX_BATCH_SIZE * 3 + 1;
    const balances = await Promise.all(Array.from({ length: n }, () => client.credits.balance.query()));
    expect(balances).toHaveLength(n);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TRPC_MAX_BATCH_SIZE);
  });

  it("chat.quote goes as a JSON POST (its input is a whole message, too long for a URL) and is answered", async () => {
    const methods: string[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [
        appBatchLink({
          url: `${APP}/api/trpc`,
          fetch: (url, init) => {
            const req = new Request(url, init as RequestInit);
            req.headers.set("sec-fetch-site", "same-origin");
            methods.push(`${req.method} ${new URL(req.url).pathname}`);
            return req.method === "GET" ? GET(req) : POST(req);
          },
        }),
      ],
    });
    // 8,000 CJK characters: about 72 KB once in a URL, beyond what servers accept in a request line.
    const quote = await client.chat.quote.query({ content: "字".repeat(8000) });
    expect(quote.inputTokens).toBeGreaterThan(8000);
    await client.credits.balance.query();
    expect(methods).toEqual(["POST /api/trpc/chat.quote", "GET /api/trpc/credits.balance"]);
  });
});
