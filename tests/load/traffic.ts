/**
 * One simulated user of a load run: signs up and in like a browser, then until the deadline
 * chats (sometimes stopping a reply), buys packs on the Stripe emulator (paid, declined,
 * abandoned), has each paid session's webhook delivered three more times at once, sometimes
 * confirms the session itself, and reads its balance and history.
 */
import { TRPCClientError } from "@trpc/client";

import { signUpAndSignIn } from "../../bench/lib/session";
import { trpcClient } from "../../bench/lib/trpc-client";
import { setUpAutoTopUp, type AutoTopUpCard, type AutoTopUpUser } from "./auto-top-up-traffic";
import type { LoadStats } from "./load-stats";

export interface TrafficTarget {
  appUrl: string;
  emulatorUrl: string;
  emulatorKey: string;
  stats: LoadStats;
  /** Filled in as sessions are opened, so the checks know what to expect. */
  opened: { userIds: string[]; sessions: Map<string, OpenedSession> };
  /** Filled in as users turn auto top-up on (scripts/load-invariants.ts), so the checks know whom to look at. */
  autoTopUpUsers?: AutoTopUpUser[];
  /** When given, every reply the client read to its end, with the text it received. */
  replies?: ReadReply[];
}

/** A Checkout Session the run opened; `teamId`: bought for that team's pool. */
export interface OpenedSession {
  userId: string;
  outcome: "paid" | "declined" | "abandoned";
  teamId?: string;
}

export interface ReadReply {
  messageId: string;
  text: string;
  status: string;
  creditsCharged: number;
}

export type Client = ReturnType<typeof trpcClient>;
const PACKS = ["starter", "pro", "enterprise"] as const;

async function emulator<T>(
  target: TrafficTarget,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${target.emulatorUrl}${pathname}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${target.emulatorKey}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Records a failed call: a typed refusal (4xx) is expected under load, anything 5xx is a violation. */
export function recordFailure(target: TrafficTarget, what: string, error: unknown): void {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; httpStatus?: number } | undefined;
    const status = data?.httpStatus ?? 0;
    if (status >= 500 || status === 0)
      target.stats.serverErrors.push(`${what}: ${data?.code ?? "no code"} ${status} ${error.message}`);
    else target.stats.bump(target.stats.refusals, `${what} ${data?.code ?? status}`);
    return;
  }
  if ((error as Error)?.name === "AbortError") return;
  target.stats.harnessErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

/** `payerTeamId`: which balance pays (a team's id, null = personal); absent = the conversation's last choice. */
export async function chat(
  target: TrafficTarget,
  client: Client,
  state: { conversationId: string | null; n: number },
  payerTeamId?: string | null,
): Promise<void> {
  state.conversationId ??= (await client.chat.createConversation.mutate({ title: `Load ${state.n}` })).id;
  const stop = new AbortController();
  const stopEarly = Math.random() < 0.15;
  target.stats.counters.chatsSent += 1;
  const content = `Question ${++state.n}: how do credits work?`;
  const events = await sendRetryingElsewhere(target, () =>
    client.chat.send.mutate(
      { conversationId: state.conversationId!, content, ...(payerTeamId === undefined ? {} : { payerTeamId }) },
      { signal: stop.signal },
    ),
  );
  let messageId = "";
  let text = "";
  try {
    for await (const event of events) {
      if (event.type === "start") messageId = event.assistantMessageId;
      if (event.type === "delta") text += event.text;
      if (event.type === "delta" && stopEarly) {
        stop.abort();
        target.stats.counters.chatsStopped += 1;
        return;
      }
      if (event.type === "done") {
        target.replies?.push({ messageId, text, status: event.status, creditsCharged: event.creditsCharged });
        if (event.status === "complete") target.stats.counters.chatsCompleted += 1;
        else if (event.status === "error")
          target.stats.serverErrors.push(`chat reply ended with error ${event.error ?? ""}`);
      }
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  }
}

/**
 * A server that is shutting down refuses new messages with SERVICE_UNAVAILABLE before writing
 * anything; like the browser's retry, send again (a load balancer routes it to another instance).
 */
async function sendRetryingElsewhere<T>(target: TrafficTarget, send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const code = error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
      if (code !== "SERVICE_UNAVAILABLE" || attempt >= 5) throw error;
      target.stats.bump(target.stats.refusals, "chat SERVICE_UNAVAILABLE (draining), sent again");
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** `teamId`: an admin buying for that team's pool. Returns the Checkout Session's id. */
export async function buy(
  target: TrafficTarget,
  client: Client,
  userId: string,
  outcome: "paid" | "declined" | "abandoned",
  teamId?: string,
): Promise<string> {
  const packId = PACKS[Math.floor(Math.random() * PACKS.length)]!;
  const { checkoutUrl } = await client.billing.checkout.mutate(teamId ? { packId, teamId } : { packId });
  target.stats.counters.checkouts += 1;
  const sessionId = /cs_[A-Za-z0-9_]+/.exec(checkoutUrl)?.[0];
  if (!sessionId) throw new Error(`no session id in ${checkoutUrl}`);
  target.opened.sessions.set(sessionId, { userId, outcome, ...(teamId ? { teamId } : {}) });
  if (outcome === "abandoned") {
    target.stats.counters.abandoned += 1;
    return sessionId;
  }
  const card = outcome === "paid" ? "4242424242424242" : "4000000000000002";
  const paid = await emulator(target, `/_emulator/checkout/sessions/${sessionId}/pay`, { card });
  if (paid.status !== (outcome === "paid" ? 200 : 402))
    throw new Error(`emulator pay (${outcome}) answered ${paid.status}`);
  if (outcome === "declined") {
    target.stats.counters.declined += 1;
    return sessionId;
  }
  target.stats.counters.paid += 1;
  const events = await emulator<{ data: { id: string; data: { object: { id: string } } }[] }>(
    target,
    "/v1/events?type=checkout.session.completed&limit=100",
  );
  const event = events.body.data.find((e) => e.data.object.id === sessionId);
  if (!event) throw new Error(`no checkout.session.completed event for ${sessionId}`);
  const [delivered] = await Promise.all([
    emulator<{ statuses: (number | null)[] }>(target, `/_emulator/events/${event.id}/deliver`, {
      times: 3,
      concurrent: true,
    }),
    Math.random() < 0.5
      ? client.billing.confirm.mutate({ sessionId }).then(() => (target.stats.counters.confirms += 1))
      : null,
  ]);
  target.stats.counters.duplicateDeliveries += delivered.body.statuses.length;
  for (const status of delivered.body.statuses) {
    if (status === null || status >= 500)
      target.stats.serverErrors.push(`webhook redelivery of ${event.id} → ${status}`);
  }
  return sessionId;
}

async function read(target: TrafficTarget, client: Client): Promise<void> {
  const [balance] = await Promise.all([
    client.credits.balance.query(),
    client.credits.history.query({ limit: 20 }),
    client.billing.purchases.query({ limit: 10 }),
    client.chat.listConversations.query(),
  ]);
  target.stats.counters.reads += 1;
  if (balance.spendable < 0)
    target.stats.serverErrors.push(`negative spendable balance observed: ${JSON.stringify(balance)}`);
}

/**
 * An auto top-up user spends only (two replies at once in two conversations, and reads), no Checkout purchases: what
 * lifts its balance is its top-ups, which run concurrently with its own replies and everyone else's traffic.
 */
async function spendWithAutoTopUp(
  target: TrafficTarget,
  client: Client,
  states: { conversationId: string | null; n: number }[],
): Promise<void> {
  await Promise.all(states.map((state) => chat(target, client, state)));
  if (Math.random() < 0.15) await read(target, client);
}

/** `until`: a time (ms since the epoch) or a check that says when to stop starting work. */
export async function simulateUser(
  target: TrafficTarget,
  index: number,
  until: number | (() => boolean),
  autoTopUp?: { card: AutoTopUpCard; monthlyLimit: number },
): Promise<void> {
  const over = typeof until === "number" ? () => Date.now() >= until : until;
  let user: Awaited<ReturnType<typeof signUpAndSignIn>>;
  try {
    user = await signUpAndSignIn(target.appUrl, `load${index}`);
  } catch (error) {
    target.stats.harnessErrors.push(
      `user ${index} sign-up/sign-in: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  target.opened.userIds.push(user.userId);
  target.stats.counters.users += 1;
  const client = trpcClient(target.appUrl, user.cookie);
  const state = { conversationId: null as string | null, n: 0 };
  if (autoTopUp) {
    try {
      const enabled = await setUpAutoTopUp(
        { ...target, recordSession: (id) => target.opened.sessions.set(id, { userId: user.userId, outcome: "paid" }) },
        client,
        user.userId,
        autoTopUp.card,
        autoTopUp.monthlyLimit,
      );
      target.autoTopUpUsers?.push(enabled);
      target.stats.counters.autoTopUpUsers += 1;
    } catch (error) {
      recordFailure(target, "auto top-up setup", error);
      return;
    }
    const states = [state, { conversationId: null as string | null, n: 0 }];
    // At least one round of spending, however late the setup finished: every auto top-up user triggers one.
    do {
      try {
        await spendWithAutoTopUp(target, client, states);
      } catch (error) {
        recordFailure(target, "auto top-up spend", error);
      }
    } while (!over());
    return;
  }
  while (!over()) {
    const r = Math.random();
    const what = r < 0.45 ? "chat" : r < 0.65 ? "buy" : r < 0.72 ? "decline" : r < 0.77 ? "abandon" : "read";
    try {
      if (what === "chat") await chat(target, client, state);
      else if (what === "buy") await buy(target, client, user.userId, "paid");
      else if (what === "decline") await buy(target, client, user.userId, "declined");
      else if (what === "abandon") await buy(target, client, user.userId, "abandoned");
      else await read(target, client);
    } catch (error) {
      recordFailure(target, what, error);
    }
  }
}
