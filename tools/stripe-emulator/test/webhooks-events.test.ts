import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";

import { API_VERSION } from "../src/index";
import { SECRET, startReceiver, startRig, waitFor, type Rig } from "./harness";

const verifier = new Stripe("sk_test_verifier");

describe("stripe emulator events and webhooks", () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("uses the SDK's API version", () => {
    expect(API_VERSION).toBe(Stripe.API_VERSION);
  });

  it("delivers signed events that stripe.webhooks.constructEvent verifies, and that fail with a wrong secret or tampered body", async () => {
    rig = await startRig();
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    const receiver = rig.receiver!;
    const [delivery] = await waitFor(
      () => receiver.ofType("checkout.session.completed"),
      (list) => list.length === 1,
    );
    expect(delivery!.headers["content-type"]).toMatch(/^application\/json/);
    const signature = delivery!.headers["stripe-signature"] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    const event = verifier.webhooks.constructEvent(delivery!.body, signature, SECRET);
    expect(event).toMatchObject({
      object: "event",
      type: "checkout.session.completed",
      livemode: false,
      api_version: Stripe.API_VERSION,
    });
    expect(event.id).toMatch(/^evt_/);
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({
      id: session.id,
      status: "complete",
      payment_status: "paid",
      metadata: { credits: "200000" },
    });

    expect(() => verifier.webhooks.constructEvent(delivery!.body, signature, "whsec_wrong")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() =>
      verifier.webhooks.constructEvent(delivery!.body.replace("200000", "999999"), signature, SECRET),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it("lists and retrieves events newest first with type filters, wildcards and pagination", async () => {
    rig = await startRig({ receiver: null });
    const a = await rig.newSession();
    const b = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${a.id}/pay`, {});
    await rig.control(`/_emulator/checkout/sessions/${b.id}/expire`, {});

    const all = await rig.stripe.events.list({ limit: 100 });
    expect(all).toMatchObject({ object: "list", has_more: false, url: "/v1/events" });
    expect(all.data.map((e) => e.type)).toEqual([
      "checkout.session.expired",
      "checkout.session.completed",
      "payment_intent.succeeded",
      "charge.succeeded",
    ]);
    expect(all.data.every((e) => e.pending_webhooks === 0 && e.request !== undefined)).toBe(true);

    const completed = await rig.stripe.events.list({ type: "checkout.session.completed" });
    expect(completed.data).toHaveLength(1);
    expect(await rig.stripe.events.retrieve(completed.data[0]!.id)).toEqual(completed.data[0]);
    expect((await rig.stripe.events.list({ type: "checkout.session.*" })).data).toHaveLength(2);
    expect(
      (await rig.stripe.events.list({ types: ["charge.succeeded", "checkout.session.expired"] })).data.map(
        (e) => e.type,
      ),
    ).toEqual(["checkout.session.expired", "charge.succeeded"]);
    expect((await rig.stripe.events.list({ created: { gte: all.data[3]!.created } })).data).toHaveLength(4);

    const first = await rig.stripe.events.list({ limit: 1 });
    expect(first.has_more).toBe(true);
    const next = await rig.stripe.events.list({ limit: 1, starting_after: first.data[0]!.id });
    expect(next.data[0]!.id).toBe(all.data[1]!.id);

    expect(await rig.stripe.events.retrieve("evt_missing").catch((e: unknown) => e)).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("retries on 500 with backoff and records every attempt", async () => {
    // The endpoint fails the first two tries of every event, then accepts.
    const attempts = new Map<string, number>();
    const receiver = await startReceiver((_, body) => {
      const id = (JSON.parse(body) as { id: string }).id;
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      return n < 3 ? 500 : 200;
    });
    rig = await startRig({ receiver });
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/expire`, {});
    const [event] = (await rig.stripe.events.list({ type: "checkout.session.expired" })).data;
    const deliveries = await waitFor(
      async () =>
        (
          await rig!.control<{ data: { eventId: string; status: number; attempt: number; manual: boolean }[] }>(
            `/_emulator/deliveries?event=${event!.id}`,
          )
        ).body.data,
      (list) => list.length === 3,
    );
    expect(deliveries.map((d) => [d.attempt, d.status, d.manual])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, false],
    ]);
    expect((await rig.stripe.events.retrieve(event!.id)).pending_webhooks).toBe(0);
  });

  it("gives up after the retry schedule and retries connection errors", async () => {
    const receiver = await startReceiver();
    const deadUrl = receiver.url;
    await receiver.close();
    rig = await startRig({ receiver: null, webhookUrl: deadUrl, retryDelaysMs: [5, 5] });
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/expire`, {});
    // The first attempt and the two retries of the schedule, then the emulator gives up: no fourth attempt.
    const { data: deliveries } = await waitFor(
      async () =>
        (
          await rig!.control<{ data: { status: number | null; error?: string }[]; active: number }>(
            "/_emulator/deliveries",
          )
        ).body,
      (body) => body.active === 0 && body.data.length > 0,
    );
    expect(deliveries).toHaveLength(3);
    expect(deliveries.every((d) => d.status === null && typeof d.error === "string")).toBe(true);
    const [event] = (await rig.stripe.events.list({ type: "checkout.session.expired" })).data;
    expect(event!.pending_webhooks).toBe(1);
  });

  it("re-delivers an event on demand (duplicates), and delivers a set in reverse or concurrently", async () => {
    rig = await startRig();
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    const receiver = rig.receiver!;
    await waitFor(
      () => receiver.received.length,
      (n) => n === 3,
    );
    const [completed] = (await rig.stripe.events.list({ type: "checkout.session.completed" })).data;

    const dup = await rig.control<{ statuses: number[] }>(`/_emulator/events/${completed!.id}/deliver`, { times: 3 });
    expect(dup).toEqual({ status: 200, body: { statuses: [200, 200, 200] } });
    const copies = receiver.received.filter((r) => r.event.id === completed!.id);
    expect(copies).toHaveLength(4);
    for (const copy of copies)
      expect(verifier.webhooks.constructEvent(copy.body, copy.headers["stripe-signature"] as string, SECRET).id).toBe(
        completed!.id,
      );

    const ids = (await rig.stripe.events.list()).data.map((e) => e.id).reverse();
    const before = receiver.received.length;
    const reversed = await rig.control<{ results: { id: string; status: number }[] }>("/_emulator/events/deliver", {
      ids,
      order: "reverse",
    });
    expect(reversed.body.results.map((r) => r.id)).toEqual([...ids].reverse());
    expect(receiver.received.slice(before).map((r) => r.event.id)).toEqual([...ids].reverse());

    const concurrent = await rig.control<{ results: { status: number }[] }>("/_emulator/events/deliver", {
      ids: [completed!.id, completed!.id],
      concurrent: true,
    });
    expect(concurrent.body.results.map((r) => r.status)).toEqual([200, 200]);

    const manual = (await rig.control<{ data: { manual: boolean }[] }>(`/_emulator/deliveries?event=${completed!.id}`))
      .body.data;
    expect(manual.filter((d) => d.manual)).toHaveLength(3 + 1 + 2);

    expect((await rig.control("/_emulator/events/evt_missing/deliver", {})).status).toBe(404);
    expect((await rig.control("/_emulator/events/deliver", { ids: [] })).status).toBe(400);
  });

  it("control actions answer only after the first delivery attempt of the events they caused", async () => {
    const receiver = await startReceiver(() => 503);
    rig = await startRig({ receiver, retryDelaysMs: [60_000] });
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    expect(receiver.received.map((r) => r.event.type).sort()).toEqual([
      "charge.succeeded",
      "checkout.session.completed",
      "payment_intent.succeeded",
    ]);
    const deliveries = (await rig.control<{ data: { status: number }[] }>("/_emulator/deliveries")).body.data;
    expect(deliveries.map((d) => d.status)).toEqual([503, 503, 503]);
  });

  it("stores events without a webhook URL and refuses manual delivery there", async () => {
    rig = await startRig({ receiver: null });
    const session = await rig.newSession();
    await rig.control(`/_emulator/checkout/sessions/${session.id}/expire`, {});
    const [event] = (await rig.stripe.events.list()).data;
    expect(event).toMatchObject({ type: "checkout.session.expired", pending_webhooks: 0 });
    const res = await rig.control<{ error: { message: string } }>(`/_emulator/events/${event!.id}/deliver`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/No webhook URL/);
  });
});
