/**
 * The teams of a load run: an owner signs up, creates a team, invites members by email (the link
 * `teams.invite` returns), each member signs up and accepts, and the owner sets limits (one member's
 * daily limit binds from their second reply, one has limits that never bind, the rest none). The owner
 * buys a pack for the team through the emulator's Checkout and confirms it, so the pool is funded
 * before anyone spends; then until the deadline the members chat paying with the team (a member
 * refused by their limit sometimes pays the reply personally instead), while the owner keeps buying
 * for the team (paid, declined, abandoned, with duplicate webhooks), chats on the pool too and reads
 * the admin views.
 */
import { TRPCClientError } from "@trpc/client";

import type { LimitPeriod } from "~/lib/teams";

import { signUpAndSignIn, type BenchUser } from "../../bench/lib/session";
import { trpcClient } from "../../bench/lib/trpc-client";
import { buy, chat, recordFailure, type Client, type TrafficTarget } from "./traffic";

/** A team as the run built it (what the team invariants look at). */
export interface LoadTeam {
  teamId: string;
  ownerId: string;
  memberIds: string[];
  /** The member whose daily limit binds from their second reply on. */
  limitedId: string | null;
  /** Refusals by a member limit, per member: each must name its limit. */
  limitRefusals: Map<string, number>;
}

export const MEMBERS_PER_TEAM = 3;
/** Limits that no run reaches: checked on every spend, never refusing. */
const LOOSE_LIMITS = { day: 5_000_000, week: 20_000_000, month: 50_000_000 };

type ConversationState = { conversationId: string | null; n: number };

function domainCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  return (error.data as { domainCode?: string | null } | undefined)?.domainCode ?? null;
}

/** The refusal's paywall numbers (`data.credits`): a member-limit refusal names the period, the limit and what counted. */
function memberLimitOf(error: unknown): { period: LimitPeriod; limit: number; used: number } | null {
  const data = (
    error as { data?: { credits?: { memberLimit?: { period: LimitPeriod; limit: number; used: number } } } }
  ).data;
  return data?.credits?.memberLimit ?? null;
}

/** One reply paid by the pool; a limit refusal is recorded (and must name the limit), then sometimes paid personally. */
async function chatOnPool(
  target: TrafficTarget,
  team: LoadTeam,
  client: Client,
  userId: string,
  state: ConversationState,
): Promise<void> {
  try {
    await chat(target, client, state, team.teamId);
    target.stats.counters.teamChats += 1;
  } catch (error) {
    if (domainCode(error) !== "member_limit_exceeded") return recordFailure(target, "team chat", error);
    team.limitRefusals.set(userId, (team.limitRefusals.get(userId) ?? 0) + 1);
    target.stats.counters.limitRefusals += 1;
    const limit = memberLimitOf(error);
    if (!limit || limit.used > limit.limit)
      target.stats.serverErrors.push(
        `member limit refusal without its limit (or used > limit): ${JSON.stringify(limit)}`,
      );
    // A person reads the paywall before choosing: no tight loop of refusals.
    await new Promise((r) => setTimeout(r, 250));
    if (Math.random() < 0.5) {
      try {
        await chat(target, client, state, null);
        target.stats.counters.personalAfterLimit += 1;
      } catch (again) {
        recordFailure(target, "personal chat after a team limit", again);
      }
    }
  }
}

async function adminReads(target: TrafficTarget, client: Client, teamId: string): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const [teams] = await Promise.all([
    client.teams.list.query(),
    client.teams.members.query({ teamId }),
    client.credits.history.query({ limit: 20, teamId }),
    client.billing.purchases.query({ limit: 10, teamId }),
    client.teams.events.query({ teamId, limit: 20 }),
    client.credits.usage.query({ from: today, to: today, teamId }),
  ]);
  target.stats.counters.reads += 1;
  for (const t of teams) {
    if (t.spendable < 0 || t.spendableForMe < 0 || t.spendableForMe > Math.max(t.spendable, 0))
      target.stats.serverErrors.push(`team ${t.id} listed with spendable ${t.spendable}, for me ${t.spendableForMe}`);
  }
}

/** The worst case of a first message (the hold it places): the tight limit is sized from it. */
async function firstMessageHold(client: Client, teamId: string): Promise<number> {
  const quote = await client.chat.quote.query({ content: "Question 1: how do credits work?", payerTeamId: teamId });
  return quote.maxCredits;
}

async function signUp(target: TrafficTarget, label: string): Promise<BenchUser> {
  const user = await signUpAndSignIn(target.appUrl, label);
  target.opened.userIds.push(user.userId);
  target.stats.counters.users += 1;
  return user;
}

/** Builds team `index` through the API; returns it with each member's client, or null (recorded) if that failed. */
async function buildTeam(
  target: TrafficTarget,
  index: number,
): Promise<{ team: LoadTeam; owner: Client; members: { userId: string; client: Client }[] } | null> {
  try {
    const ownerUser = await signUp(target, `team${index}-owner`);
    const owner = trpcClient(target.appUrl, ownerUser.cookie);
    const created = await owner.teams.create.mutate({ name: `Load team ${index}` });
    const members = await Promise.all(
      Array.from({ length: MEMBERS_PER_TEAM }, async (_, j) => {
        const user = await signUp(target, `team${index}-m${j}`);
        const { inviteUrl } = await owner.teams.invite.mutate({
          teamId: created.id,
          email: user.email,
          role: "member",
        });
        const token = new URL(inviteUrl).pathname.split("/").pop()!;
        const client = trpcClient(target.appUrl, user.cookie);
        const accepted = await client.teams.acceptInvite.mutate({ token });
        if (accepted.teamId !== created.id) throw new Error(`accepting joined ${accepted.teamId}, not ${created.id}`);
        return { userId: user.userId, client };
      }),
    );
    const team: LoadTeam = {
      teamId: created.id,
      ownerId: ownerUser.userId,
      memberIds: members.map((m) => m.userId),
      limitedId: members[0]?.userId ?? null,
      limitRefusals: new Map(),
    };
    // Funded before anyone spends: a paid pack, confirmed (the webhook may credit it first; once either way).
    const sessionId = await buy(target, owner, ownerUser.userId, "paid", team.teamId);
    await owner.billing.confirm.mutate({ sessionId });
    target.stats.counters.teamPurchases += 1;
    if (members[0]) {
      // Room for the first reply's hold and one credit: once that reply is charged, no second one's hold fits.
      const tight = (await firstMessageHold(members[0].client, team.teamId)) + 1;
      await owner.teams.setLimits.mutate({
        teamId: team.teamId,
        memberId: members[0].userId,
        limits: { day: tight, week: null, month: null },
      });
    }
    if (members[1])
      await owner.teams.setLimits.mutate({ teamId: team.teamId, memberId: members[1].userId, limits: LOOSE_LIMITS });
    target.stats.counters.teams += 1;
    return { team, owner, members };
  } catch (error) {
    recordFailure(target, `team ${index} setup`, error);
    return null;
  }
}

/** Team `index`: built, then spent by its members and bought for by its owner until `until` says stop. */
export async function simulateTeam(
  target: TrafficTarget,
  index: number,
  until: number,
  teams: LoadTeam[],
): Promise<void> {
  const over = () => Date.now() >= until;
  const built = await buildTeam(target, index);
  if (!built) return;
  const { team, owner, members } = built;
  teams.push(team);

  const memberLoop = async ({ userId, client }: { userId: string; client: Client }) => {
    const state: ConversationState = { conversationId: null, n: 0 };
    // Two replies at least, however late the setup finished: the limited member's second one meets the limit.
    let attempts = 0;
    do {
      attempts++;
      await chatOnPool(target, team, client, userId, state);
      if (Math.random() < 0.1) {
        try {
          const mine = (await client.teams.list.query()).find((t) => t.id === team.teamId);
          if (!mine) target.stats.serverErrors.push(`member ${userId} does not see team ${team.teamId}`);
        } catch (error) {
          recordFailure(target, "team list", error);
        }
      }
    } while (attempts < 2 || !over());
  };
  const ownerLoop = async () => {
    const state: ConversationState = { conversationId: null, n: 0 };
    do {
      const r = Math.random();
      const what =
        r < 0.3
          ? "team buy"
          : r < 0.35
            ? "team decline"
            : r < 0.4
              ? "team abandon"
              : r < 0.7
                ? "team chat"
                : "team read";
      try {
        if (what === "team chat") await chatOnPool(target, team, owner, team.ownerId, state);
        else if (what === "team read") await adminReads(target, owner, team.teamId);
        else {
          const outcome = what === "team buy" ? "paid" : what === "team decline" ? "declined" : "abandoned";
          await buy(target, owner, team.ownerId, outcome, team.teamId);
          if (outcome === "paid") target.stats.counters.teamPurchases += 1;
        }
      } catch (error) {
        recordFailure(target, what, error);
      }
    } while (!over());
  };
  await Promise.all([ownerLoop(), ...members.map(memberLoop)]);
}
