import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { TeamView, type TeamViewProps } from "~/components/teams/team-view";
import { navigateTo } from "~/lib/navigate";
import { MAX_MEMBER_LIMIT } from "~/lib/teams";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";
import { ADMIN_ID, MEMBER_ID, OWNER_ID, TEAM_ID, adminMembers, memberMembers, products, team } from "./teams-fixtures";

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }));
vi.mock("next/navigation", () => ({ useRouter: () => router, usePathname: () => `/teams` }));
vi.mock("~/lib/navigate", () => ({ navigateTo: vi.fn() }));

beforeEach(() => {
  router.push.mockReset();
  vi.mocked(navigateTo).mockReset();
});

function adminHandlers(overrides: Handlers = {}): Handlers {
  return {
    "teams.get": () => team(),
    "teams.members": () => adminMembers(),
    "teams.invites": () => [],
    "teams.events": () => ({ items: [], nextCursor: null }),
    "billing.products": () => products,
    "credits.usage": ({ from, to }) => ({
      from,
      to,
      total: 0,
      replies: 0,
      byDay: [],
      byModel: [],
      byConversation: [],
      otherConversations: { count: 0, spent: 0, replies: 0 },
    }),
    "credits.history": () => ({ items: [], nextCursor: null }),
    ...overrides,
  };
}

function memberHandlers(overrides: Handlers = {}): Handlers {
  return {
    "teams.get": () =>
      team({
        role: "member",
        limits: [{ period: "day", limit: 5000, used: 1200, remaining: 3800 }],
        spendableForMe: 3800,
      }),
    "teams.members": () => memberMembers(),
    ...overrides,
  };
}

const view = (props: Partial<TeamViewProps> = {}) => (
  <TeamView teamId={TEAM_ID} userId={ADMIN_ID} confirmation={{ attempts: 3, intervalMs: 5 }} {...props} />
);

function rowOf(name: string) {
  const row = screen.getAllByTestId("member-row").find((r) => r.textContent?.includes(name));
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

function callsTo(calls: { path: string; input: unknown }[], path: string) {
  return calls.filter((c) => c.path === path).map((c) => c.input);
}

describe("team page: what each role sees", () => {
  it("an admin sees the pool, buy, member controls, invite, usage and activity", async () => {
    renderApp(view(), { handlers: adminHandlers() });
    expect(await screen.findByTestId("team-name")).toHaveTextContent("Research");
    expect(screen.getByTestId("pool-balance")).toHaveTextContent("120,000 credits");
    expect(screen.getByTestId("pool-held")).toHaveTextContent("2,000 credits");
    expect(screen.getByTestId("pool-spendable")).toHaveTextContent("118,000 credits");
    expect(screen.getByTestId("rename-team")).toBeInTheDocument();
    expect(await screen.findByTestId("purchase-pro")).toBeInTheDocument();
    expect(screen.queryByTestId("save-card")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    expect(screen.getByRole("heading", { name: "Invite members" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Usage" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Activity" })).toBeInTheDocument();
    expect(document.getElementById("members")).toBeInTheDocument();

    // The owner's role is fixed; the member's can be changed, limits edited, and they can be removed.
    expect(within(rowOf("Olivia")).queryByTestId("member-role-select")).not.toBeInTheDocument();
    expect(within(rowOf("Olivia")).queryByTestId("member-remove")).not.toBeInTheDocument();
    expect(within(rowOf("Mia")).getByTestId("member-role-select")).toHaveValue("member");
    expect(within(rowOf("Mia")).getByTestId("member-remove")).toBeInTheDocument();
    expect(within(rowOf("Mia")).getByTestId("member-email")).toHaveTextContent("mia@example.com");
    expect(within(rowOf("Mia")).getByTestId("member-limit-day")).toHaveTextContent("5,000 credits");
    expect(within(rowOf("Mia")).getByTestId("member-limit-week")).toHaveTextContent("No limit");
    expect(within(rowOf("Mia")).getByTestId("limit-use-day")).toHaveTextContent("1,200 of 5,000");
    // An admin is not the owner: no transfer; their own row offers Leave.
    expect(screen.queryByTestId("member-transfer")).not.toBeInTheDocument();
    expect(within(rowOf("Adam")).getByTestId("member-leave")).toBeInTheDocument();
  });

  it("a member sees the pool, their own limits and the member list, and no admin control", async () => {
    const { calls } = renderApp(view({ userId: MEMBER_ID }), { handlers: memberHandlers() });
    expect(await screen.findByTestId("pool-balance")).toHaveTextContent("120,000 credits");
    expect(screen.getByTestId("pool-for-you")).toHaveTextContent("3,800 credits");
    expect(within(screen.getByTestId("my-limits")).getByTestId("limit-use-day")).toHaveTextContent("1,200 of 5,000");
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    expect(screen.getByTestId("member-buy-note")).toHaveTextContent("Ask a team admin");

    for (const testId of [
      "rename-team",
      "purchase-pro",
      "member-role-select",
      "member-edit-limits",
      "member-remove",
      "member-transfer",
      "invite-email",
    ])
      expect(screen.queryByTestId(testId), testId).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Usage" })).not.toBeInTheDocument();
    expect(within(rowOf("Mia")).getByTestId("member-leave")).toBeInTheDocument();
    // Others' emails and limits are not sent to a member, and nothing shows in their place.
    expect(within(rowOf("Olivia")).queryByTestId("member-email")).not.toBeInTheDocument();
    expect(within(rowOf("Olivia")).queryByTestId("member-limits")).not.toBeInTheDocument();
    // Admin-only procedures are never even asked for.
    for (const path of ["teams.invites", "teams.events", "credits.usage", "credits.history", "billing.products"])
      expect(callsTo(calls, path), path).toEqual([]);
  });

  it("the owner can transfer ownership after confirming, and cannot leave", async () => {
    const { calls } = renderApp(view({ userId: OWNER_ID }), {
      handlers: adminHandlers({
        "teams.get": () => team({ role: "owner" }),
        "teams.transferOwnership": () => ({ ok: true }),
      }),
    });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    expect(within(rowOf("Olivia")).queryByTestId("member-leave")).not.toBeInTheDocument();
    expect(rowOf("Olivia")).toHaveTextContent("make another member the owner before you leave");
    await userEvent.click(within(rowOf("Adam")).getByTestId("member-transfer"));
    expect(callsTo(calls, "teams.transferOwnership")).toEqual([]);
    expect(within(rowOf("Adam")).getByRole("group")).toHaveAccessibleName(
      "Make Adam Admin the owner? You will become an admin.",
    );
    await userEvent.click(within(rowOf("Adam")).getByTestId("member-transfer-confirm"));
    await waitFor(() =>
      expect(callsTo(calls, "teams.transferOwnership")).toEqual([{ teamId: TEAM_ID, memberId: ADMIN_ID }]),
    );
  });

  it("an unknown team or one the caller is not in says so, the same way", async () => {
    renderApp(view(), { handlers: { "teams.get": () => Promise.reject(trpcError("NOT_FOUND", 404)) } });
    expect(await screen.findByTestId("team-error")).toHaveTextContent("doesn't exist or you're not a member");
  });
});

describe("team page: member management", () => {
  it("saves limits as entered (blank = no limit, separators ignored)", async () => {
    const { calls } = renderApp(view(), { handlers: adminHandlers({ "teams.setLimits": () => ({ ok: true }) }) });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-edit-limits"));
    const editor = screen.getByTestId("limits-editor");
    expect(within(editor).getByLabelText("Daily limit")).toHaveValue("5000");
    await userEvent.clear(within(editor).getByLabelText("Daily limit"));
    await userEvent.type(within(editor).getByLabelText("Weekly limit"), "20,000");
    await userEvent.clear(within(editor).getByLabelText("Monthly limit"));
    await userEvent.click(within(editor).getByTestId("limits-save"));
    await waitFor(() =>
      expect(callsTo(calls, "teams.setLimits")).toEqual([
        { teamId: TEAM_ID, memberId: MEMBER_ID, limits: { day: null, week: 20000, month: null } },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("limits-editor")).not.toBeInTheDocument());
  });

  it.each([["0"], ["-5"], ["1.5"], ["abc"], [String(MAX_MEMBER_LIMIT + 1)]])(
    "refuses the limit %s with a message and sends nothing",
    async (typed) => {
      const { calls } = renderApp(view(), { handlers: adminHandlers({ "teams.setLimits": () => ({ ok: true }) }) });
      await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
      await userEvent.click(within(rowOf("Mia")).getByTestId("member-edit-limits"));
      const weekly = screen.getByLabelText("Weekly limit");
      await userEvent.type(weekly, typed);
      await userEvent.click(screen.getByTestId("limits-save"));
      expect(screen.getByTestId("limit-error-week")).toHaveTextContent("Enter a whole number of credits from 1 to");
      expect(weekly).toHaveAttribute("aria-invalid", "true");
      expect(callsTo(calls, "teams.setLimits")).toEqual([]);
    },
  );

  it("changes a member's role", async () => {
    const { calls } = renderApp(view(), { handlers: adminHandlers({ "teams.setRole": () => ({ ok: true }) }) });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    await userEvent.selectOptions(within(rowOf("Mia")).getByRole("combobox", { name: "Role of Mia Member" }), "admin");
    await waitFor(() =>
      expect(callsTo(calls, "teams.setRole")).toEqual([{ teamId: TEAM_ID, memberId: MEMBER_ID, role: "admin" }]),
    );
  });

  it("removes a member only after confirming; Cancel sends nothing", async () => {
    const { calls } = renderApp(view(), { handlers: adminHandlers({ "teams.removeMember": () => ({ ok: true }) }) });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-remove"));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-remove-cancel"));
    expect(callsTo(calls, "teams.removeMember")).toEqual([]);
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-remove"));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-remove-confirm"));
    await waitFor(() =>
      expect(callsTo(calls, "teams.removeMember")).toEqual([{ teamId: TEAM_ID, memberId: MEMBER_ID }]),
    );
  });

  it("a refused change shows why, translated", async () => {
    renderApp(view(), {
      handlers: adminHandlers({ "teams.removeMember": () => Promise.reject(trpcError("FORBIDDEN", 403)) }),
      locale: "fr",
      messages: await loadMessages("fr"),
    });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-remove"));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-remove-confirm"));
    expect(await within(rowOf("Mia")).findByTestId("member-action-failed")).toHaveTextContent(
      "Seul un admin de l’équipe ou le propriétaire",
    );
  });

  it("leaving goes back to /teams", async () => {
    const { calls } = renderApp(view({ userId: MEMBER_ID }), {
      handlers: memberHandlers({ "teams.leave": () => ({ ok: true }), "teams.list": () => [] }),
    });
    await waitFor(() => expect(screen.getAllByTestId("member-row")).toHaveLength(3));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-leave"));
    await userEvent.click(within(rowOf("Mia")).getByTestId("member-leave-confirm"));
    await waitFor(() => expect(router.push).toHaveBeenCalledWith("/teams"));
    expect(callsTo(calls, "teams.leave")).toEqual([{ teamId: TEAM_ID }]);
  });

  it("renames the team", async () => {
    const { calls } = renderApp(view(), {
      handlers: adminHandlers({ "teams.rename": ({ name }) => team({ name }), "teams.list": () => [] }),
    });
    await userEvent.click(await screen.findByTestId("rename-team"));
    const input = screen.getByTestId("rename-input");
    await userEvent.clear(input);
    await userEvent.click(screen.getByTestId("rename-save"));
    expect(screen.getByTestId("rename-error")).toHaveTextContent("Enter a name for the team.");
    await userEvent.type(input, "Research & Dev");
    await userEvent.click(screen.getByTestId("rename-save"));
    expect(await screen.findByTestId("team-name")).toHaveTextContent("Research & Dev");
    expect(callsTo(calls, "teams.rename")).toEqual([{ teamId: TEAM_ID, name: "Research & Dev" }]);
  });
});

describe("team page: invitations", () => {
  it("invites by email and role, says the mail was sent and copies the link", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const inviteUrl = "http://localhost:3000/invite/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const { calls } = renderApp(view(), {
      handlers: adminHandlers({ "teams.invite": () => ({ inviteId: "cminvite00000000000000001", inviteUrl }) }),
    });
    await userEvent.type(await screen.findByLabelText("Email address"), "New.Person@Example.com");
    await userEvent.selectOptions(screen.getByTestId("invite-role"), "admin");
    await userEvent.click(screen.getByTestId("invite-submit"));
    expect(await screen.findByTestId("invite-sent")).toHaveTextContent("Invitation sent to new.person@example.com");
    expect(callsTo(calls, "teams.invite")).toEqual([
      { teamId: TEAM_ID, email: "New.Person@Example.com", role: "admin" },
    ]);
    expect(screen.getByTestId("invite-link")).toHaveValue(inviteUrl);
    await userEvent.click(screen.getByTestId("invite-copy"));
    expect(writeText).toHaveBeenCalledWith(inviteUrl);
    expect(screen.getByTestId("invite-copy")).toHaveTextContent("Copied");
    // The new invitation shows up in the pending list and the activity log without a reload.
    expect(callsTo(calls, "teams.invites").length).toBeGreaterThanOrEqual(2);
    expect(callsTo(calls, "teams.events").length).toBeGreaterThanOrEqual(2);
  });

  it("an invitation sent while the pending list is still loading shows up in it", async () => {
    // The list's first load is answered only after the invitation was written: what it says is from before.
    let answerFirstLoad: (invites: []) => void = () => undefined;
    const sent = {
      id: "cminvite00000000000000002",
      email: "early@example.com",
      role: "member" as const,
      invitedBy: "Adam Admin",
      createdAt: new Date("2026-12-04T10:00:00Z"),
      expiresAt: new Date("2026-12-11T10:00:00Z"),
    };
    let invited = false;
    const { calls } = renderApp(view(), {
      handlers: adminHandlers({
        "teams.invites": () =>
          callsTo(calls, "teams.invites").length === 1
            ? new Promise((resolve) => (answerFirstLoad = resolve))
            : invited
              ? [sent]
              : [],
        "teams.invite": () => {
          invited = true;
          return {
            inviteId: sent.id,
            inviteUrl: "http://localhost:3000/invite/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
          };
        },
      }),
    });
    await userEvent.type(await screen.findByLabelText("Email address"), sent.email);
    await userEvent.click(screen.getByTestId("invite-submit"));
    expect(await screen.findByTestId("invite-sent")).toHaveTextContent(sent.email);
    answerFirstLoad([]);
    expect(await screen.findByTestId("invite-row")).toHaveTextContent(sent.email);
    expect(screen.queryByTestId("invites-empty")).toBeNull();
  });

  it("refuses a malformed email without calling the server", async () => {
    const { calls } = renderApp(view(), { handlers: adminHandlers() });
    await userEvent.type(await screen.findByLabelText("Email address"), "not-an-email");
    await userEvent.click(screen.getByTestId("invite-submit"));
    expect(screen.getByTestId("invite-email-error")).toHaveTextContent("Enter an email address");
    expect(callsTo(calls, "teams.invite")).toEqual([]);
  });

  it("lists pending invitations and revokes one after confirming", async () => {
    const { calls } = renderApp(view(), {
      handlers: adminHandlers({
        "teams.invites": () => [
          {
            id: "cminvite00000000000000001",
            email: "sam@example.com",
            role: "member",
            invitedBy: "Adam Admin",
            createdAt: new Date("2026-12-04T10:00:00Z"),
            expiresAt: new Date("2026-12-11T10:00:00Z"),
          },
        ],
        "teams.revokeInvite": () => ({ revoked: true }),
      }),
    });
    const row = await screen.findByTestId("invite-row");
    expect(row).toHaveTextContent("sam@example.com");
    expect(row).toHaveTextContent("Member · expires Dec 11, 2026");
    await userEvent.click(within(row).getByTestId("invite-revoke"));
    await userEvent.click(within(row).getByTestId("invite-revoke-confirm"));
    await waitFor(() =>
      expect(callsTo(calls, "teams.revokeInvite")).toEqual([
        { teamId: TEAM_ID, inviteId: "cminvite00000000000000001" },
      ]),
    );
  });
});

describe("team page: buying for the team", () => {
  it("a pack card buys for the team (no saved card) and goes to Checkout", async () => {
    const { calls } = renderApp(view(), {
      handlers: adminHandlers({
        "billing.checkout": () => ({ checkoutUrl: "https://checkout.stripe.com/c/pay/cs_test_1" }),
      }),
    });
    await userEvent.click(await screen.findByTestId("purchase-pro"));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith("https://checkout.stripe.com/c/pay/cs_test_1"));
    expect(callsTo(calls, "billing.checkout")).toEqual([{ packId: "pro", teamId: TEAM_ID }]);
  });

  it("?pack= from the paywall highlights and focuses that pack", async () => {
    renderApp(view({ suggestedPack: "enterprise" }), { handlers: adminHandlers() });
    const card = await screen.findByTestId("pack-enterprise");
    expect(card).toHaveAttribute("data-highlighted", "true");
    await waitFor(() => expect(screen.getByTestId("purchase-enterprise")).toHaveFocus());
  });

  it("back from Checkout: confirms the session and says the team was credited", async () => {
    const { calls } = renderApp(
      view({ checkout: { success: true, canceled: false, sessionId: "cs_test_team", checkoutRef: null } }),
      { handlers: adminHandlers({ "billing.confirm": () => ({ credited: true, status: "paid" }) as never }) },
    );
    expect(await screen.findByTestId("team-checkout-success")).toHaveTextContent("added to the team's balance");
    expect(callsTo(calls, "billing.confirm")).toEqual([{ sessionId: "cs_test_team" }]);
  });

  it("canceled at Checkout: expires that session and says nothing was charged", async () => {
    const ref = "0b5e3c1a-1111-4222-8333-444455556666";
    const { calls } = renderApp(
      view({ checkout: { success: false, canceled: true, sessionId: null, checkoutRef: ref } }),
      {
        handlers: adminHandlers({
          "billing.cancel": () => ({ status: "canceled" }),
          "billing.purchases": () => ({ items: [], nextCursor: null }),
        }),
      },
    );
    expect(await screen.findByTestId("team-checkout-canceled")).toHaveTextContent("Nothing was charged");
    await waitFor(() => expect(callsTo(calls, "billing.cancel")).toEqual([{ checkoutRef: ref }]));
  });
});

describe("team page: usage and activity", () => {
  it("shows spend per member and per model for the range, the pool's ledger and the audit log", async () => {
    const { calls } = renderApp(view(), {
      handlers: adminHandlers({
        "credits.usage": ({ from, to }) =>
          ({
            from,
            to,
            total: 9300,
            replies: 12,
            byDay: [],
            byModel: [{ model: "demo-fast", spent: 9300, replies: 12 }],
            byConversation: [],
            otherConversations: { count: 0, spent: 0, replies: 0 },
            byMember: [
              { userId: MEMBER_ID, name: null, spent: 9000, replies: 10 },
              { userId: ADMIN_ID, name: "Adam Admin", spent: 300, replies: 2 },
            ],
          }) as never,
        "credits.history": () =>
          ({
            items: [
              {
                id: "cmledger0000000000000001",
                amount: -300,
                balanceAfter: 119700,
                reason: "chat_usage",
                refType: "chat_message",
                refId: "m1",
                note: null,
                createdAt: new Date("2026-12-04T12:00:00Z"),
                conversation: null,
                packId: null,
                // The report may carry no name: the member list (name, else email) stands in for it.
                member: { id: ADMIN_ID, name: null },
              },
            ],
            nextCursor: null,
          }) as never,
        "teams.events": () => ({
          items: [
            {
              id: "cmevent00000000000000001",
              action: "limits_changed",
              actorName: "Adam Admin",
              subjectName: "Mia Member",
              detail: null,
              createdAt: new Date("2026-12-04T12:00:00Z"),
            },
          ],
          nextCursor: null,
        }),
      }),
    });
    expect(await screen.findByTestId("usage-total")).toHaveTextContent("9,300 credits");
    const byMember = screen.getAllByTestId("usage-by-member-row");
    expect(byMember.map((r) => r.textContent)).toEqual(["Mia Member9,000 credits", "Adam Admin300 credits"]);
    expect(screen.getByTestId("usage-by-model")).toHaveTextContent("demo-fast9,300 credits");
    expect(await screen.findByTestId("team-ledger-row")).toHaveTextContent("By Adam Admin");
    expect(await screen.findByTestId("activity-row")).toHaveTextContent("Adam Admin changed the limits of Mia Member");

    const first = callsTo(calls, "credits.usage")[0] as { teamId: string; from: string; to: string };
    expect(first.teamId).toBe(TEAM_ID);
    expect(screen.getByTestId("usage-range-30")).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(screen.getByTestId("usage-range-7"));
    expect(screen.getByTestId("usage-range-7")).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(callsTo(calls, "credits.usage")).toHaveLength(2));
    const week = callsTo(calls, "credits.usage")[1] as { teamId: string; from: string; to: string };
    expect(week.teamId).toBe(TEAM_ID);
    expect((Date.parse(week.to) - Date.parse(week.from)) / 86_400_000).toBe(6);
    expect(callsTo(calls, "credits.history")[0]).toMatchObject({ teamId: TEAM_ID });
  });
});
