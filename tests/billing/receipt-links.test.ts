import { spawnSync } from "node:child_process";
import path from "node:path";

import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import {
  backfillReceiptLinks,
  CHECKOUT_REF_TYPE,
  createCheckout,
  listPurchases,
  safeReceiptUrl,
  STRIPE_RECEIPT_ORIGINS,
} from "~/server/billing";
import { receiptOrigins } from "~/server/billing/receipt-links";
import { chatConfigFromEnv } from "~/server/chat";
import { runJob } from "~/server/jobs";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { captureLogs } from "../security/log-capture";
import { useEmulatorSuite } from "./emulator-harness";
import { deliver, soldSession, stripeEvent } from "./stripe-fixtures";

const LINK_FIELDS = {
  receiptUrl: null,
  invoiceId: null,
  hostedInvoiceUrl: null,
  invoicePdfUrl: null,
  receiptLinksAt: null,
} as const;

describeEachDb("receipt and invoice links of paid purchases (against the emulator)", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: true, poolSize: 10 });

  const purchase = (id: string) => suite.t.db.purchase.findUniqueOrThrow({ where: { id } });
  async function paidPurchase(packId: "starter" | "pro" = "pro", invoiceCreation?: boolean) {
    const u = await createUser(suite.t.db);
    const { sessionId } = await createCheckout(
      {
        db: suite.t.db,
        stripe: suite.rig.stripe,
        appUrl: "http://localhost:3000",
        ...(invoiceCreation === undefined ? {} : { invoiceCreation }),
      },
      u.id,
      packId,
    );
    const paid = await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    expect(paid.status).toBe(200);
    await vi.waitFor(async () => expect((await purchase(sessionId)).status).toBe("paid"), {
      timeout: 10_000,
      interval: 25,
    });
    return { userId: u.id, sessionId };
  }

  it("fulfilment stores the charge's receipt_url and the invoice's id, hosted page and PDF from Stripe's objects", async () => {
    const { userId, sessionId } = await paidPurchase("pro");
    const session = await suite.rig.stripe.checkout.sessions.retrieve(sessionId, {
      expand: ["payment_intent.latest_charge", "invoice"],
    });
    // Checkout was asked for an invoice (STRIPE_INVOICE_CREATION defaults to on).
    expect(session.invoice_creation?.enabled).toBe(true);
    const charge = (session.payment_intent as { latest_charge: { id: string; receipt_url: string } }).latest_charge;
    const invoice = session.invoice as { id: string; hosted_invoice_url: string; invoice_pdf: string };
    const row = await purchase(sessionId);
    expect(row).toMatchObject({
      receiptUrl: `${suite.rig.url}/receipts/payment/${charge.id}`,
      invoiceId: invoice.id,
      hostedInvoiceUrl: `${suite.rig.url}/invoices/${invoice.id}`,
      invoicePdfUrl: `${suite.rig.url}/invoices/${invoice.id}/pdf`,
    });
    expect(row.receiptUrl).toBe(charge.receipt_url);
    expect(row.invoicePdfUrl).toBe(invoice.invoice_pdf);
    expect(row.receiptLinksAt).toBeInstanceOf(Date);

    // The stored links work: the receipt shows the amount, the PDF is a PDF with the invoice's number.
    expect(await (await fetch(row.receiptUrl!)).text()).toContain("$15.00");
    const pdf = await fetch(row.invoicePdfUrl!);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer()).toString("latin1");
    expect(bytes.startsWith("%PDF-")).toBe(true);
    const { number } = await suite.rig.stripe.invoices.retrieve(invoice.id);
    expect(bytes).toContain(`(Invoice ${number}) Tj`);

    // billing.purchases hands them to the page.
    const page = await callerFor(suite.t.db, userId).billing.purchases();
    expect(page.items).toEqual([
      expect.objectContaining({ id: sessionId, receiptUrl: row.receiptUrl, invoicePdfUrl: row.invoicePdfUrl }),
    ]);
  });

  it("duplicate and racing deliveries of the completed event and confirm leave the links exactly as first written", async () => {
    const { userId, sessionId } = await paidPurchase("starter");
    const first = await purchase(sessionId);
    expect(first.receiptUrl).not.toBeNull();
    const events = await suite.rig.stripe.events.list({ type: "checkout.session.completed", limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === sessionId)!;
    await Promise.all([
      suite.rig.control(`/_emulator/events/${event.id}/deliver`, { times: 5, concurrent: true }),
      ...Array.from({ length: 3 }, () => callerFor(suite.t.db, userId).billing.confirm({ sessionId })),
    ]);
    const after = await purchase(sessionId);
    expect(after).toMatchObject({
      receiptUrl: first.receiptUrl,
      invoiceId: first.invoiceId,
      hostedInvoiceUrl: first.hostedInvoiceUrl,
      invoicePdfUrl: first.invoicePdfUrl,
      receiptLinksAt: first.receiptLinksAt,
    });
    expect(await suite.t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: sessionId } })).toBe(1);
  });

  it("with invoice creation off: a receipt, no invoice, and the purchase counts as complete", async () => {
    const { sessionId } = await paidPurchase("starter", false);
    const session = await suite.rig.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.invoice_creation?.enabled ?? false).toBe(false);
    expect(session.invoice).toBeNull();
    const row = await purchase(sessionId);
    expect(row.receiptUrl).toMatch(new RegExp(`^${suite.rig.url}/receipts/payment/ch_`));
    expect(row).toMatchObject({ invoiceId: null, hostedInvoiceUrl: null, invoicePdfUrl: null });
    expect(row.receiptLinksAt).toBeInstanceOf(Date);
  });

  it("a refunded purchase keeps its receipt link (Stripe's receipt shows the refund)", async () => {
    const { userId, sessionId } = await paidPurchase("starter");
    const { receiptUrl } = await purchase(sessionId);
    const { payment_intent } = await suite.rig.stripe.checkout.sessions.retrieve(sessionId);
    await suite.rig.stripe.refunds.create({ payment_intent: String(payment_intent) });
    await vi.waitFor(async () => expect((await purchase(sessionId)).status).toBe("refunded"), {
      timeout: 10_000,
      interval: 25,
    });
    const [item] = (await callerFor(suite.t.db, userId).billing.purchases()).items;
    expect(item).toMatchObject({ status: "refunded", receiptUrl });
    expect(await (await fetch(receiptUrl!)).text()).toContain("Refunded");
  });

  it("older purchases (paid before links were stored) are backfilled from Stripe once; a second run reads nothing", async () => {
    const older = await Promise.all([paidPurchase("starter"), paidPurchase("pro")]);
    const expected = await Promise.all(older.map(({ sessionId }) => purchase(sessionId)));
    // As rows written before this change look: credited, no links.
    await suite.t.db.purchase.updateMany({
      where: { id: { in: older.map((o) => o.sessionId) } },
      data: LINK_FIELDS,
    });
    // Every other purchase of the suite is complete, so only these two are candidates.
    const retrieve = vi.spyOn(suite.rig.stripe.checkout.sessions, "retrieve");
    try {
      const runs = await Promise.all([
        backfillReceiptLinks({ db: suite.t.db, stripe: suite.rig.stripe }),
        backfillReceiptLinks({ db: suite.t.db, stripe: suite.rig.stripe }),
      ]);
      // Two runs at once: each purchase written by exactly one of them.
      expect(runs.reduce((sum, r) => sum + r.backfilled, 0)).toBe(2);
      for (const [i, { sessionId }] of older.entries()) {
        const row = await purchase(sessionId);
        expect(row).toMatchObject({
          receiptUrl: expected[i]!.receiptUrl,
          invoiceId: expected[i]!.invoiceId,
          hostedInvoiceUrl: expected[i]!.hostedInvoiceUrl,
          invoicePdfUrl: expected[i]!.invoicePdfUrl,
          status: "paid",
        });
        expect(row.receiptLinksAt).toBeInstanceOf(Date);
      }
      const stamps = await Promise.all(older.map(async ({ sessionId }) => (await purchase(sessionId)).receiptLinksAt));
      retrieve.mockClear();
      expect(await backfillReceiptLinks({ db: suite.t.db, stripe: suite.rig.stripe })).toEqual({
        backfilled: 0,
        withReceipt: 0,
      });
      expect(retrieve).not.toHaveBeenCalled();
      expect(await Promise.all(older.map(async ({ sessionId }) => (await purchase(sessionId)).receiptLinksAt))).toEqual(
        stamps,
      );
    } finally {
      retrieve.mockRestore();
    }
    expect(await ledgerInvariantViolations(suite.t.db)).toEqual([]);
  });

  it("the backfill takes a bounded batch per run and never touches pending or unpaid purchases", async () => {
    const paid = await Promise.all([paidPurchase("starter"), paidPurchase("starter"), paidPurchase("starter")]);
    await suite.t.db.purchase.updateMany({ where: { id: { in: paid.map((p) => p.sessionId) } }, data: LINK_FIELDS });
    const u = await createUser(suite.t.db);
    const { sessionId: pendingId } = await createCheckout(
      { db: suite.t.db, stripe: suite.rig.stripe, appUrl: "http://localhost:3000" },
      u.id,
      "starter",
    );
    expect(await backfillReceiptLinks({ db: suite.t.db, stripe: suite.rig.stripe }, { limit: 2 })).toEqual({
      backfilled: 2,
      withReceipt: 2,
    });
    expect(await backfillReceiptLinks({ db: suite.t.db, stripe: suite.rig.stripe }, { limit: 2 })).toEqual({
      backfilled: 1,
      withReceipt: 1,
    });
    expect(await purchase(pendingId)).toMatchObject({ status: "pending", ...LINK_FIELDS });
  });

  it("the scheduled reconcile job: sessions in its window get their links from the listing, older ones from the backfill", async () => {
    const { sessionId } = await paidPurchase("pro");
    const { receiptUrl, invoicePdfUrl } = await purchase(sessionId);
    const chat = chatConfigFromEnv();
    // In the window: the reconcile's list (charge and invoice expanded) fills the links through fulfilment.
    await suite.t.db.purchase.update({ where: { id: sessionId }, data: LINK_FIELDS });
    const inWindow = { db: suite.t.db, stripe: () => suite.rig.stripe, chat, reconcileDays: 3 };
    expect(await runJob(inWindow, "reconcile")).toMatchObject({
      status: "ran",
      result: { alreadyCredited: expect.any(Number), receiptLinksBackfilled: 0 },
    });
    expect(await purchase(sessionId)).toMatchObject({ receiptUrl, invoicePdfUrl });

    // Older than the window (the listing does not name it): the backfill reads it, once.
    await suite.t.db.purchase.update({ where: { id: sessionId }, data: LINK_FIELDS });
    const sessions = suite.rig.stripe.checkout.sessions;
    const olderThanWindow = {
      checkout: {
        sessions: {
          list: () => ({ async *[Symbol.asyncIterator]() {} }),
          retrieve: sessions.retrieve.bind(sessions),
        },
      },
    } as unknown as Stripe;
    const outside = { ...inWindow, stripe: () => olderThanWindow };
    expect(await runJob(outside, "reconcile")).toMatchObject({ status: "ran", result: { receiptLinksBackfilled: 1 } });
    expect(await purchase(sessionId)).toMatchObject({ receiptUrl, invoicePdfUrl });
    expect(await runJob(outside, "reconcile")).toMatchObject({ status: "ran", result: { receiptLinksBackfilled: 0 } });
  });
});

describeEachDb("receipt links from forged events or bad data are never stored or rendered", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const STRIPE_RECEIPT = "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x";

  function expandedSession(receiptUrl: unknown, invoice: Record<string, unknown> | null) {
    return {
      payment_intent: {
        id: `pi_${Math.random().toString(36).slice(2)}`,
        object: "payment_intent",
        latest_charge: { id: "ch_1", object: "charge", receipt_url: receiptUrl },
      },
      invoice,
      invoice_creation: { enabled: invoice !== null, invoice_data: {} },
    } as never;
  }

  it("a session whose charge and invoice name other origins is credited, but no link is stored (and the refusal is logged without the URL)", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(
      t.db,
      u.id,
      "starter",
      expandedSession("https://evil.example/receipts/payment/x", {
        id: "in_forged",
        object: "invoice",
        hosted_invoice_url: "http://pay.stripe.com/i/forged", // Stripe's host, but not https
        invoice_pdf: "javascript:alert(1)",
      }),
    );
    const { result, logs } = await captureLogs(() => deliver(t.db, stripeEvent("checkout.session.completed", session)));
    expect(result.body.outcome).toBe("credited");
    const row = await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } });
    expect(row).toMatchObject({
      status: "paid",
      receiptUrl: null,
      invoiceId: "in_forged",
      hostedInvoiceUrl: null,
      invoicePdfUrl: null,
      receiptLinksAt: null, // not complete: the backfill will ask Stripe once more
    });
    const refused = logs.events.filter((e) => e.msg === "receipt_link_refused");
    expect(refused.map((e) => e.field).sort()).toEqual(["hosted_invoice_url", "invoice_pdf", "receipt_url"]);
    expect(logs.raw.join("\n")).not.toContain("evil.example");
    expect(logs.raw.join("\n")).not.toContain("javascript:");
  });

  it("a Stripe receipt on Stripe's origin is stored; a session without expansions stores nothing and stays a backfill candidate", async () => {
    const u = await createUser(t.db);
    const good = await soldSession(t.db, u.id, "starter", expandedSession(STRIPE_RECEIPT, null));
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", good))).body.outcome).toBe("credited");
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: good.id } })).toMatchObject({
      receiptUrl: STRIPE_RECEIPT,
      invoiceId: null,
    });
    const plain = await soldSession(t.db, u.id, "starter");
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", plain))).body.outcome).toBe("credited");
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: plain.id } })).toMatchObject({
      status: "paid",
      ...LINK_FIELDS,
    });
  });

  it("a stored link that is not on an allowed origin (edited by hand, older data) is not handed to the page", async () => {
    const u = await createUser(t.db);
    const session = await soldSession(t.db, u.id, "starter", expandedSession(STRIPE_RECEIPT, null));
    await deliver(t.db, stripeEvent("checkout.session.completed", session));
    await t.db.purchase.update({
      where: { id: session.id },
      data: { receiptUrl: "https://evil.example/r", invoicePdfUrl: "data:application/pdf;base64,AAAA" },
    });
    const { items } = await listPurchases(t.db, u.id, { limit: 10 });
    expect(items).toEqual([expect.objectContaining({ id: session.id, receiptUrl: null, invoicePdfUrl: null })]);
  });
});

describe("safeReceiptUrl", () => {
  const origins = [...STRIPE_RECEIPT_ORIGINS, "http://127.0.0.1:12111"];

  it("accepts http(s) URLs on Stripe's origins or the emulator's", () => {
    expect(safeReceiptUrl("https://pay.stripe.com/receipts/payment/abc", origins)).toBe(
      "https://pay.stripe.com/receipts/payment/abc",
    );
    expect(safeReceiptUrl("https://invoice.stripe.com/i/acct_1/test_2", origins)).not.toBeNull();
    expect(safeReceiptUrl("https://pay.stripe.com/invoice/acct_1/test_2/pdf?s=ap", origins)).not.toBeNull();
    expect(safeReceiptUrl("http://127.0.0.1:12111/invoices/in_1/pdf", origins)).not.toBeNull();
  });

  it.each([
    ["another host", "https://evil.example/receipts/payment/abc"],
    ["a look-alike host", "https://pay.stripe.com.evil.example/x"],
    ["a subdomain", "https://x.pay.stripe.com/x"],
    ["plain http to Stripe", "http://pay.stripe.com/receipts/x"],
    ["another port of the emulator's host", "http://127.0.0.1:12112/x"],
    ["credentials", "https://user:pw@pay.stripe.com/x"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,hi"],
    ["a relative path", "/receipts/payment/abc"],
    ["an empty string", ""],
    ["too long", `https://pay.stripe.com/${"a".repeat(2100)}`],
    ["not a string", 42],
  ])("refuses %s", (_what, value) => {
    expect(safeReceiptUrl(value, origins)).toBeNull();
  });

  it("the allowed origins follow the configuration: Stripe's always, the API URL's only when the SDK talks to it", () => {
    expect(
      receiptOrigins({ NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_live_x", STRIPE_API_URL: undefined }),
    ).toEqual([...STRIPE_RECEIPT_ORIGINS]);
    expect(
      receiptOrigins({ NODE_ENV: "production", STRIPE_SECRET_KEY: undefined, STRIPE_API_URL: "http://127.0.0.1:9" }),
    ).toEqual([...STRIPE_RECEIPT_ORIGINS]);
    expect(
      receiptOrigins({ NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_API_URL: "http://127.0.0.1:9/" }),
    ).toEqual([...STRIPE_RECEIPT_ORIGINS, "http://127.0.0.1:9"]);
    expect(
      receiptOrigins({ NODE_ENV: "development", STRIPE_SECRET_KEY: undefined, STRIPE_API_URL: undefined }),
    ).toEqual([...STRIPE_RECEIPT_ORIGINS, "http://127.0.0.1:12111"]);
  });
});

describe("STRIPE_INVOICE_CREATION", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  function loadEnv(value: string | undefined) {
    const { STRIPE_INVOICE_CREATION: _ignored, ...inherited } = process.env;
    return spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { env } = await import(${JSON.stringify(`file://${path.join(root, "src/env.js")}`)}); console.log(JSON.stringify(env.STRIPE_INVOICE_CREATION));`,
      ],
      {
        cwd: root,
        encoding: "utf8",
        env: {
          ...inherited,
          SKIP_ENV_VALIDATION: "",
          ...(value === undefined ? {} : { STRIPE_INVOICE_CREATION: value }),
        },
      },
    );
  }

  it('defaults to on ("1"), accepts "0", and refuses anything else with a message naming the setting', () => {
    expect(loadEnv(undefined).stdout.trim()).toBe('"1"');
    expect(loadEnv("0").stdout.trim()).toBe('"0"');
    const bad = loadEnv("yes");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("STRIPE_INVOICE_CREATION");
  });
});
