import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { onPersonalPaymentRequested } from "~/components/paywall/pay-personally";
import { PaywallModal } from "~/components/paywall/paywall-modal";
import { LOCALES } from "~/i18n/locales";
import type { CreditShortfall } from "~/lib/credit-shortfall";
import type { TeamRoleName } from "~/lib/teams";
import { api, type RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, replace: vi.fn(), refresh: vi.fn() }) }));

beforeEach(() => push.mockReset());

type Team = RouterOutputs["teams"]["list"][number];

const products: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [
    { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
    { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
  ],
};

function acme(role: TeamRoleName): Team {
  return {
    id: "team1",
    name: "Acme",
    role,
    balance: 90_000,
    held: 0,
    spendable: 90_000,
    limits: [],
    spendableForMe: 200,
    memberCount: 3,
  };
}

/** Over the member's daily limit of 5,000 (4,800 counted); the pool itself has plenty. */
const LIMIT: CreditShortfall = {
  needed: 1_000,
  spendable: 200,
  held: 0,
  balance: 90_000,
  teamId: "team1",
  memberLimit: { period: "day", limit: 5_000, used: 4_800 },
};
/** The pool itself is too low: 60,000 missing beyond what it has. */
const POOL: CreditShortfall = { needed: 60_500, spendable: 500, held: 0, balance: 500, teamId: "team1" };

function Sender() {
  const send = api.chat.createConversation.useMutation();
  return (
    <button type="button" onClick={() => send.mutate({})}>
      send
    </button>
  );
}

/** The chat page has the user's teams and balance loaded before anything is refused (the composer's chooser reads them). */
function ChatPageQueries() {
  const teams = api.teams.list.useQuery();
  const balance = api.credits.balance.useQuery();
  return teams.data && balance.data ? <p data-testid="loaded" /> : null;
}

function handlers(shortfall: CreditShortfall, role: TeamRoleName, personal = 0): Handlers {
  return {
    "chat.createConversation": () => Promise.reject(trpcError("PAYMENT_REQUIRED", 402, { credits: shortfall })),
    "billing.products": () => products,
    "credits.balance": () => ({ balance: personal, held: 0, spendable: personal }),
    "teams.list": () => [acme(role)],
  };
}

async function refuse(shortfall: CreditShortfall, role: TeamRoleName, opts: { personal?: number } = {}) {
  const utils = renderApp(
    <>
      <ChatPageQueries />
      <Sender />
      <PaywallModal />
    </>,
    { handlers: handlers(shortfall, role, opts.personal) },
  );
  await screen.findByTestId("loaded");
  await userEvent.click(screen.getByText("send"));
  const dialog = await screen.findByTestId("paywall");
  await waitFor(() => expect(dialog).toHaveTextContent("Acme"));
  return { ...utils, dialog };
}

describe("the paywall for a team's refusal", () => {
  it("a member over their limit: names the period, limit, team and use; asks an admin; no buying", async () => {
    const { dialog } = await refuse(LIMIT, "member");
    expect(dialog).toHaveAttribute("data-team", "team1");
    expect(within(dialog).getByRole("heading", { name: "Spending limit reached" })).toBeInTheDocument();
    expect(dialog).toHaveAccessibleDescription(
      "You've reached your daily limit of 5,000 credits on Acme (4,800 used).",
    );
    expect(within(dialog).getByTestId("paywall-available")).toHaveTextContent("200 credits");
    expect(within(dialog).getByText("Available to you")).toBeInTheDocument();
    expect(await within(dialog).findByTestId("paywall-ask-admin")).toHaveTextContent(
      "Ask a team admin to raise your limit.",
    );
    for (const id of ["paywall-buy", "paywall-team-buy", "paywall-limits", "paywall-pack", "paywall-personal"])
      expect(within(dialog).queryByTestId(id)).not.toBeInTheDocument();
  });

  it("a member whose own balance covers it may pay from there: the chat is asked to, and the dialog closes", async () => {
    const asked = vi.fn();
    const off = onPersonalPaymentRequested(asked);
    const { dialog } = await refuse(LIMIT, "member", { personal: 1_000 });
    const personal = await within(dialog).findByTestId("paywall-personal");
    expect(personal).toHaveTextContent("Pay from my balance (1,000 credits available)");
    await waitFor(() => expect(personal).toHaveFocus());
    await userEvent.click(personal);
    expect(asked).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
    expect(push).not.toHaveBeenCalled();
    off();
  });

  it("a member when the pool is too low: asks an admin to buy for the team; a personal balance too small is not offered", async () => {
    const { dialog } = await refuse(POOL, "member", { personal: 60_499 });
    expect(within(dialog).getByRole("heading", { name: "Not enough credits on Acme" })).toBeInTheDocument();
    expect(await within(dialog).findByTestId("paywall-ask-admin")).toHaveTextContent(
      "Ask a team admin to buy credits for Acme.",
    );
    expect(within(dialog).queryByTestId("paywall-personal")).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId("paywall-team-buy")).not.toBeInTheDocument();
  });

  it("an admin when the pool is too low: Buy credits for Acme opens the team's page with the covering pack", async () => {
    const { dialog } = await refuse(POOL, "admin");
    expect(await within(dialog).findByTestId("paywall-pack")).toHaveTextContent(
      "The Professional pack covers it: 200,000 credits for $15.00.",
    );
    const buy = within(dialog).getByRole("button", { name: "Buy credits for Acme" });
    await waitFor(() => expect(buy).toHaveFocus());
    expect(within(dialog).queryByTestId("paywall-ask-admin")).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId("paywall-limits")).not.toBeInTheDocument();
    await userEvent.click(buy);
    expect(push).toHaveBeenCalledWith("/teams/team1?pack=pro");
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
  });

  it("the owner over their own limit: Change limits goes to the team's members; buying is not offered while the pool covers", async () => {
    const { dialog } = await refuse(LIMIT, "owner");
    const limits = within(dialog).getByRole("button", { name: "Change limits" });
    expect(within(dialog).queryByTestId("paywall-team-buy")).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId("paywall-pack")).not.toBeInTheDocument();
    await userEvent.click(limits);
    expect(push).toHaveBeenCalledWith("/teams/team1#members");
  });

  it("an admin over a limit when the pool is short too: both ways out", async () => {
    const both: CreditShortfall = { ...LIMIT, needed: 100_000, balance: 60_000, spendable: 200 };
    const { dialog } = await refuse(both, "admin");
    expect(within(dialog).getByTestId("paywall-limits")).toBeInTheDocument();
    expect(within(dialog).getByTestId("paywall-team-buy")).toHaveTextContent("Buy credits for Acme");
    // The pack covers what the pool lacks (40,000: Starter), not what the limit leaves (99,800: Professional).
    expect(await within(dialog).findByTestId("paywall-pack")).toHaveTextContent(
      "The Starter pack covers it: 50,000 credits for $5.00.",
    );
  });

  describe.each(LOCALES)("%s", (locale) => {
    const variants: [string, CreditShortfall, TeamRoleName][] = [
      ["member, limit", LIMIT, "member"],
      ["member, pool", POOL, "member"],
      ["admin, limit", LIMIT, "admin"],
      ["owner, pool", POOL, "owner"],
    ];
    it.each(variants)("%s: that locale's text with the team and numbers, no raw keys", async (_, shortfall, role) => {
      const messages = await loadMessages(locale);
      renderApp(
        <>
          <Sender />
          <PaywallModal />
        </>,
        { handlers: handlers(shortfall, role, 100_000), locale, messages },
      );
      await userEvent.click(screen.getByText("send"));
      const dialog = await screen.findByTestId("paywall");
      const settled =
        role === "member" ? "paywall-ask-admin" : shortfall.memberLimit ? "paywall-limits" : "paywall-pack";
      await within(dialog).findByTestId(settled, undefined, { timeout: 3000 });
      const text = dialog.textContent ?? "";
      expect(text).toContain("Acme");
      const group = (n: number) => new Intl.NumberFormat(locale).format(n);
      for (const n of shortfall.memberLimit ? [5_000, 4_800, 1_000] : [60_500, 500]) expect(text).toContain(group(n));
      expect(text).not.toMatch(/paywall\.|chat\.|common\.|\{|\}/);
      // The heading is the team's own, not the one for the user's own balance.
      expect(within(dialog).getByRole("heading").textContent).not.toBe(messages.paywall.title);
    });
  });
});
