import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CHECKOUT_REF_TYPE } from "~/server/billing";
import { CHAT_REF_TYPE, chatConfigFromEnv, creditsFor } from "~/server/chat";
import { getBalance, grant, reserve } from "~/server/credits";
import { handleCronRequest, runJob, type JobDeps, type JobOutcome } from "~/server/jobs";

import { useEmulatorSuite } from "../billing/emulator-harness";
import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { captureLogs } from "../security/log-capture";
import { GET as cronGet, POST as cronPost } from "../../src/app/api/cron/[job]/route";

const SECRET = "cron-secret-for-tests-0123456789";
const chat = chatConfigFromEnv();

const cronRequest = (authorization?: string, method = "POST") =>
  new Request("http://localhost/api/cron/x", { method, headers: authorization ? { authorization } : {} });

function cronFor(deps: JobDeps) {
  return async (job: string, authorization = `Bearer ${SECRET}`) => {
    const res = await handleCronRequest(cronRequest(authorization), job, {
      secret: SECRET,
      run: (name) => runJob(deps, name),
    });
    return { status: res.status, body: (await res.json()) as JobOutcome };
  };
}

describe("the cron endpoint's gate", () => {
  const ran: string[] = [];
  const run = async (job: "sweep-holds" | "reconcile"): Promise<JobOutcome> => {
    ran.push(job);
    return { job, status: "ran", result: {} };
  };

  it("does not exist without CRON_SECRET (404 from the app's route, GET and POST)", async () => {
    for (const handler of [cronGet, cronPost]) {
      const res = await handler(cronRequest(`Bearer ${SECRET}`), { params: Promise.resolve({ job: "sweep-holds" }) });
      expect(res.status).toBe(404);
    }
    const res = await handleCronRequest(cronRequest(`Bearer ${SECRET}`), "sweep-holds", { secret: undefined, run });
    expect(res.status).toBe(404);
    expect(ran).toEqual([]);
  });

  it("answers 401 to a missing, wrong, truncated or non-Bearer secret, runs nothing and never logs the secret", async () => {
    const { result: statuses, logs } = await captureLogs(async () => {
      const out: number[] = [];
      for (const auth of [
        undefined,
        "Bearer nope",
        `Bearer ${SECRET.slice(0, -1)}`,
        `Bearer ${SECRET}x`,
        `Basic ${SECRET}`,
        SECRET,
        `bearer  ${SECRET}`,
      ]) {
        const res = await handleCronRequest(cronRequest(auth), "sweep-holds", { secret: SECRET, run });
        expect(res.headers.get("www-authenticate")).toBe("Bearer");
        out.push(res.status);
      }
      // Unknown jobs are not revealed to callers without the secret.
      out.push((await handleCronRequest(cronRequest("Bearer nope"), "no-such-job", { secret: SECRET, run })).status);
      return out;
    });
    expect(statuses).toEqual(Array(8).fill(401));
    expect(ran).toEqual([]);
    expect(logs.raw.join("\n")).not.toContain(SECRET.slice(0, 16));
  });

  it("with the secret: 404 for an unknown job, 200 with the outcome for a known one (GET or POST), 500 with no details when it fails", async () => {
    expect(
      (await handleCronRequest(cronRequest(`Bearer ${SECRET}`), "drop-tables", { secret: SECRET, run })).status,
    ).toBe(404);
    for (const method of ["GET", "POST"]) {
      const res = await handleCronRequest(cronRequest(`Bearer ${SECRET}`, method), "reconcile", {
        secret: SECRET,
        run,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({ job: "reconcile", status: "ran", result: {} });
    }
    expect(ran).toEqual(["reconcile", "reconcile"]);
    const { result: failed, logs } = await captureLogs(() =>
      handleCronRequest(cronRequest(`Bearer ${SECRET}`), "sweep-holds", {
        secret: SECRET,
        run: () => Promise.reject(new Error("db exploded")),
      }),
    );
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ job: "sweep-holds", status: "failed" });
    expect(logs.events).toContainEqual(
      expect.objectContaining({ msg: "cron_job_failed", job: "sweep-holds", error: "db exploded" }),
    );
  });
});

describeEachDb("the stale-hold sweep through the cron endpoint", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const deps = (): JobDeps => ({
    db: t.db,
    stripe: () => {
      throw new Error("not used");
    },
    chat,
    reconcileDays: 3,
  });

  /** A user with a crashed reply (delivered text on its message, expired hold), an expired other hold and a live reply. */
  async function crashedReplies() {
    const u = await createUser(t.db);
    await grant(t.db, {
      userId: u.id,
      amount: 10_000,
      reason: "adjustment",
      refType: "operator",
      refId: `seed-${u.id}`,
    });
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "crashed" } });
    const message = (content: string, tokens: { inputTokens: number; outputTokens: number } | null) =>
      t.db.message.create({
        data: { conversationId: conversation.id, role: "assistant", content, status: "streaming", ...(tokens ?? {}) },
      });
    const crashed = await message("The answer is", { inputTokens: 30, outputTokens: 12 });
    const live = await message("Still", { inputTokens: 30, outputTokens: 1 });
    await reserve(t.db, { userId: u.id, amount: 500, refType: CHAT_REF_TYPE, refId: crashed.id, ttlSeconds: -1 });
    await reserve(t.db, { userId: u.id, amount: 500, refType: CHAT_REF_TYPE, refId: live.id, ttlSeconds: 600 });
    await reserve(t.db, { userId: u.id, amount: 300, refType: "operator", refId: `job-${u.id}`, ttlSeconds: -1 });
    return { userId: u.id, crashed, live, delivered: creditsFor({ inputTokens: 30, outputTokens: 12 }, chat) };
  }

  it("settles a crashed reply from what it delivered, releases other expired holds, leaves live replies alone", async () => {
    const { userId, crashed, live, delivered } = await crashedReplies();
    const { status, body } = await cronFor(deps())("sweep-holds");
    expect(status).toBe(200);
    expect(body).toMatchObject({ job: "sweep-holds", status: "ran", result: { replies: 1, others: 1 } });
    expect(await t.db.message.findUniqueOrThrow({ where: { id: crashed.id } })).toMatchObject({
      status: "stopped",
      content: "The answer is",
      creditsCharged: delivered,
    });
    expect(await t.db.message.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ status: "streaming" });
    expect(await getBalance(t.db, userId)).toEqual({
      balance: 10_000 - delivered,
      held: 500,
      spendable: 10_000 - delivered - 500,
    });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a run that finds the job leased by another instance answers skipped and touches nothing", async () => {
    const { userId } = await crashedReplies();
    await t.db.jobLease.upsert({
      where: { name: "sweep-holds" },
      create: { name: "sweep-holds", holder: "other-instance", leasedUntil: new Date(Date.now() + 60_000) },
      update: { holder: "other-instance", leasedUntil: new Date(Date.now() + 60_000) },
    });
    try {
      expect(await cronFor(deps())("sweep-holds")).toEqual({
        status: 200,
        body: { job: "sweep-holds", status: "skipped", reason: "leased" },
      });
      expect((await getBalance(t.db, userId)).held).toBe(1300);
    } finally {
      await t.db.jobLease.update({ where: { name: "sweep-holds" }, data: { leasedUntil: new Date(Date.now() - 1) } });
    }
  });

  it("many instances calling at once: each hold is closed once, each reply charged once", async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => crashedReplies()));
    const cron = cronFor(deps());
    const results = await Promise.all(Array.from({ length: 6 }, () => cron("sweep-holds")));
    expect(results.every((r) => r.status === 200 && (r.body.status === "ran" || r.body.status === "skipped"))).toBe(
      true,
    );
    for (const { userId, crashed, delivered } of users) {
      expect(
        await t.db.creditLedger.findMany({
          where: { userId, refType: CHAT_REF_TYPE },
          select: { refId: true, amount: true },
        }),
      ).toEqual([{ refId: crashed.id, amount: -delivered }]);
      expect(await getBalance(t.db, userId)).toEqual({
        balance: 10_000 - delivered,
        held: 500,
        spendable: 10_000 - delivered - 500,
      });
    }
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});

describeEachDb("the Stripe reconcile through the cron endpoint", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: false });

  it("credits a paid session whose webhook never arrived, once, however often it runs", async () => {
    const u = await createUser(suite.t.db);
    await callerFor(suite.t.db, u.id).billing.checkout({ packId: "pro" });
    const purchase = await suite.t.db.purchase.findFirstOrThrow({ where: { userId: u.id } });
    expect(
      (await suite.rig.control(`/_emulator/checkout/sessions/${purchase.id}/pay`, { card: "4242424242424242" })).status,
    ).toBe(200);
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(0);

    const cron = cronFor({ db: suite.t.db, stripe: () => suite.rig.stripe, chat, reconcileDays: 3 });
    const first = await cron("reconcile");
    expect(first).toMatchObject({ status: 200, body: { job: "reconcile", status: "ran", result: { fulfilled: 1 } } });
    const again = await Promise.all([cron("reconcile"), cron("reconcile")]);
    expect(
      again.every(
        (r) =>
          r.status === 200 &&
          (r.body.status === "skipped" || (r.body.status === "ran" && r.body.result.fulfilled === 0)),
      ),
    ).toBe(true);
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(200_000);
    expect(await suite.t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: purchase.id } })).toBe(1);
    expect(await ledgerInvariantViolations(suite.t.db)).toEqual([]);
  });
});
