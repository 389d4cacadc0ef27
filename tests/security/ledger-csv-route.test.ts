import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { GET } from "~/app/api/credits/ledger.csv/route";
import { grant, OPERATOR_REF_TYPE } from "~/server/credits";
import type { Db } from "~/server/db";

import { parseCsv } from "../../e2e/support/csv";
import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser } from "../helpers/users";

// Through the real route handler, with the app on https://app.example.com.
const current = vi.hoisted(() => {
  vi.stubEnv("APP_URL", "https://app.example.com");
  return { db: undefined as unknown as Db, userId: null as string | null };
});
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));
vi.mock("~/server/auth/session", () => ({ getSessionUserId: () => Promise.resolve(current.userId) }));

const APP = "https://app.example.com";
const URL_PATH = `${APP}/api/credits/ledger.csv`;

const download = (headers: Record<string, string> = { "sec-fetch-site": "same-origin" }) =>
  GET(new Request(URL_PATH, { headers }));

describeEachDb("GET /api/credits/ledger.csv", (kind) => {
  let t: TestDb;
  let a: { id: string };
  let b: { id: string };
  beforeAll(async () => {
    t = await createTestDb(kind);
    current.db = t.db;
    a = await createUser(t.db);
    b = await createUser(t.db);
    await grant(t.db, {
      userId: a.id,
      amount: 300,
      reason: "purchase",
      refType: OPERATOR_REF_TYPE,
      refId: `a-${a.id}`,
    });
    await grant(t.db, {
      userId: b.id,
      amount: 900,
      reason: "purchase",
      refType: OPERATOR_REF_TYPE,
      refId: `b-${b.id}`,
      note: "only-b-sees-this",
    });
  });
  afterAll(() => t.close());

  it("answers 401 without a session and reads nothing", async () => {
    current.userId = null;
    const before = await snapshot(t.db);
    const res = await download();
    expect(res.status).toBe(401);
    expect(res.headers.get("content-disposition")).toBeNull();
    expect(await res.json()).toEqual({ error: "Sign in to continue." });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("refuses other origins (403), even with a session", async () => {
    current.userId = a.id;
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://sub.app.example.com" },
    ];
    for (const headers of foreign) {
      const res = await download(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("content-disposition")).toBeNull();
    }
  });

  it("streams the signed-in user's own ledger as a CSV attachment", async () => {
    current.userId = a.id;
    const res = await download();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="tally-ledger-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark
    const text = new TextDecoder().decode(bytes); // strips the BOM
    const [header, ...rows] = parseCsv(text);
    expect(header?.slice(0, 4)).toEqual(["id", "created_at", "reason", "amount"]);
    expect(rows.map((r) => [r[2], r[3], r[6]])).toEqual([["purchase", "300", `a-${a.id}`]]);
    expect(text).not.toContain("only-b-sees-this");
    expect(text).not.toContain(b.id);
  });
});
