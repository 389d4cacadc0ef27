import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CHAT_REF_TYPE, grant, OPERATOR_REF_TYPE, spend } from "~/server/credits";
import {
  LEDGER_CSV_COLUMNS,
  ledgerCsvFilename,
  ledgerCsvHeaders,
  ledgerCsvStream,
  numberCell,
  textCell,
} from "~/server/credits/ledger-csv";
import type { Db } from "~/server/db";

import { CsvReader, parseCsv } from "../../e2e/support/csv";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser, ledgerSum } from "../helpers/users";

// A real collection between measurements, so heap numbers show what is still held, not garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const ROWS = 100_000;

/** Reads a whole stream into text (for the small cases). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true }); // keep the BOM: it is part of what is tested
  let text = "";
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** A db whose queries are counted (the writer reads the ledger with one raw query per page). */
function counting(db: Db): { db: Db; pages: () => number } {
  let pages = 0;
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      if (prop !== "$queryRaw") throw new Error(`the CSV writer used db.${String(prop)}`);
      return (...args: unknown[]) => {
        pages++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db: wrapped, pages: () => pages };
}

/**
 * 100,000 ledger rows in one statement: a 10,000,000 grant, then spends whose balance_after is the
 * running sum (so the account row and the ledger agree, as the app keeps them).
 */
async function seedLedger(db: Db, userId: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "CreditLedger" (id, "userId", amount, "balanceAfter", reason, "refType", "refId", note, "createdAt")
    SELECT 'seed-' || ${userId} || '-' || g,
           ${userId},
           CASE WHEN g = 1 THEN 10000000 ELSE -((g % 50) + 1) END,
           SUM(CASE WHEN g = 1 THEN 10000000 ELSE -((g % 50) + 1) END) OVER (ORDER BY g),
           (CASE WHEN g = 1 THEN 'purchase' ELSE 'chat_usage' END)::"LedgerReason",
           CASE WHEN g = 1 THEN ${OPERATOR_REF_TYPE} ELSE ${CHAT_REF_TYPE} END,
           ${userId} || '-' || g,
           NULL,
           TIMESTAMP '2026-01-01 00:00:00' + g * INTERVAL '1 second'
      FROM generate_series(1, ${ROWS}) AS g`;
  await db.$executeRaw`
    UPDATE "User" SET balance = (SELECT SUM(amount) FROM "CreditLedger" WHERE "userId" = ${userId}) WHERE id = ${userId}`;
}

describe("CSV cells", () => {
  it("quotes per RFC 4180 and defuses formula starts on text cells only", () => {
    expect(textCell("plain")).toBe("plain");
    expect(textCell(null)).toBe("");
    expect(textCell('say "hi"')).toBe('"say ""hi"""');
    expect(textCell("a,b")).toBe('"a,b"');
    expect(textCell("line1\r\nline2")).toBe('"line1\r\nline2"');
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      expect(textCell(`${start}1+1`).startsWith(`'${start}`) || textCell(`${start}1+1`).startsWith(`"'${start}`)).toBe(
        true,
      );
    expect(textCell('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(numberCell(-50)).toBe("-50");
    expect(() => numberCell(1.5)).toThrow(RangeError);
  });

  it("names the file by the UTC date and downloads it as an attachment", () => {
    const now = new Date("2026-12-31T23:30:00-05:00");
    expect(ledgerCsvFilename(now)).toBe("tally-ledger-2027-01-01.csv");
    const headers = ledgerCsvHeaders(now);
    expect(headers.get("content-disposition")).toBe('attachment; filename="tally-ledger-2027-01-01.csv"');
    expect(headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(headers.get("cache-control")).toBe("private, no-store");
  });
});

describeEachDb("ledger CSV", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("round-trips tricky notes and joins each chat row to its conversation and model", async () => {
    const u = await createUser(t.db);
    const notes = [
      'He said "hi", then left',
      "line one\nline two\r\nline three",
      "=SUM(A1:A9)",
      "@cmd",
      "+1",
      "-2",
      "日本語 ✓ ünïcode",
    ];
    for (const [i, note] of notes.entries())
      await grant(t.db, {
        userId: u.id,
        amount: 100 + i,
        reason: "adjustment",
        refType: OPERATOR_REF_TYPE,
        refId: `n-${u.id}-${i}`,
        note,
      });
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "T" } });
    const reply = await t.db.message.create({
      data: { conversationId: conversation.id, role: "assistant", content: "x", model: "demo-fast" },
    });
    await spend(t.db, { userId: u.id, amount: 42, refType: CHAT_REF_TYPE, refId: reply.id });

    const text = await readAll(ledgerCsvStream(t.db, u.id, { pageSize: 3 }));
    expect(
      text.startsWith("\uFEFFid,created_at,reason,amount,balance_after,ref_type,ref_id,conversation_id,model,note\r\n"),
    ).toBe(true);
    expect(text.replaceAll("\r\n", "").includes("\n")).toBe(true); // the note's own newline, inside quotes
    const [header, ...records] = parseCsv(text.slice(1));
    expect(header).toEqual([...LEDGER_CSV_COLUMNS]);
    expect(records).toHaveLength(notes.length + 1);
    const rows = records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
    const chat = rows[0]!; // newest first
    expect(chat).toMatchObject({
      reason: "chat_usage",
      amount: "-42",
      ref_type: CHAT_REF_TYPE,
      ref_id: reply.id,
      conversation_id: conversation.id,
      model: "demo-fast",
      note: "",
    });
    expect(chat.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Text that looks like a formula comes back with its apostrophe; everything else exactly as stored.
    const defused = (n: string) => (/^[=+\-@]/.test(n) ? `'${n}` : n);
    expect(
      rows
        .slice(1)
        .map((r) => r.note)
        .reverse(),
    ).toEqual(notes.map(defused));
    expect(
      rows
        .slice(1)
        .map((r) => Number(r.amount))
        .reverse(),
    ).toEqual(notes.map((_, i) => 100 + i));
    expect(rows.reduce((s, r) => s + Number(r.amount), 0)).toBe(await ledgerSum(t.db, u.id));
    expect(Number(rows[0]!.balance_after)).toBe((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance);
  });

  it("holds only the user's own rows", async () => {
    const a = await createUser(t.db);
    const b = await createUser(t.db);
    await grant(t.db, { userId: a.id, amount: 5, reason: "purchase", refType: OPERATOR_REF_TYPE, refId: `a-${a.id}` });
    for (let i = 0; i < 4; i++)
      await grant(t.db, {
        userId: b.id,
        amount: 7,
        reason: "purchase",
        refType: OPERATOR_REF_TYPE,
        refId: `b-${b.id}-${i}`,
        note: "b-secret",
      });
    const text = await readAll(ledgerCsvStream(t.db, a.id, { pageSize: 1 }));
    const records = parseCsv(text.slice(1)).slice(1);
    expect(records).toHaveLength(1);
    expect(records[0]![6]).toBe(`a-${a.id}`);
    expect(text).not.toContain("b-secret");
    expect(text).not.toContain(b.id);
  });

  it(`streams ${ROWS.toLocaleString("en")} rows page by page in bounded memory, and they add up to the balance`, async () => {
    const u = await createUser(t.db);
    await seedLedger(t.db, u.id);
    const balance = (await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance;
    expect(balance).toBe(await ledgerSum(t.db, u.id));

    const { db, pages } = counting(t.db);
    const reader = ledgerCsvStream(db, u.id).getReader();
    const decoder = new TextDecoder();
    let count = -1; // the header row
    let sum = 0;
    let lastId = "";
    let bytes = 0;
    let header: string[] = [];
    let malformed = 0;
    const csv = new CsvReader((record) => {
      count++;
      if (count === 0) header = record;
      else if (record.length !== LEDGER_CSV_COLUMNS.length) malformed++;
      else {
        sum += Number(record[3]);
        lastId = record[0]!;
      }
    });

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      bytes += value.byteLength;
      csv.feed(decoder.decode(value, { stream: true }));
      if (chunks % 10 === 0) {
        // A slow reader: give the stream every chance to run ahead (a database round trip and a turn of the loop).
        await t.db.$queryRaw`SELECT 1`;
        await new Promise((resolve) => setImmediate(resolve));
        // Header + pages read so far; at most one more page fetched ahead of the reader.
        expect(pages()).toBeLessThanOrEqual(chunks);
        expect(pages()).toBeGreaterThanOrEqual(chunks - 1);
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    csv.feed(decoder.decode());
    csv.end();

    expect(header).toEqual([...LEDGER_CSV_COLUMNS]);
    expect(malformed).toBe(0);
    expect(count).toBe(ROWS);
    expect(sum).toBe(balance);
    expect(lastId).toBe(`seed-${u.id}-1`); // newest first: the opening grant comes last
    expect(pages()).toBe(ROWS / 1000); // one query per page of 1,000, no more
    // What stays reachable while streaming is a page or two, not the file.
    expect(bytes).toBeGreaterThan(5_000_000);
    expect(peak).toBeLessThan(bytes / 10);
  }, 300_000); // 100k rows through a char-by-char reader, with full collections: slow on a shared machine

  it("stops reading the ledger when the download is cancelled", async () => {
    const u = await createUser(t.db);
    for (let i = 0; i < 5; i++)
      await grant(t.db, {
        userId: u.id,
        amount: 1,
        reason: "purchase",
        refType: OPERATOR_REF_TYPE,
        refId: `c-${u.id}-${i}`,
      });
    const { db, pages } = counting(t.db);
    const reader = ledgerCsvStream(db, u.id, { pageSize: 1 }).getReader();
    await reader.read(); // header
    await reader.read(); // first page
    await reader.cancel();
    const after = pages();
    expect(after).toBeLessThanOrEqual(2);
    await t.db.$queryRaw`SELECT 1`;
    expect(pages()).toBe(after);
  });
});
