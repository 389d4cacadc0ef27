import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { BillingView } from "~/components/billing/billing-view";
import { CreditsDisplay } from "~/components/header/credits-display";
import { PaywallModal } from "~/components/paywall/paywall-modal";
import { LOCALES } from "~/i18n/locales";
import type { CreditShortfall } from "~/lib/credit-shortfall";
import { api, type RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, replace: vi.fn(), refresh: vi.fn() }) }));

beforeEach(() => push.mockReset());

// Listed out of order on purpose: the offer must not depend on it.
const products: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [
    { id: "enterprise", credits: 1_000_000, unitAmount: 5000, currency: "usd" },
    { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
    { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
  ],
};

/** A composer whose send the (fake) server refuses; no handler at the call site: the global one opens the paywall. */
function Sender() {
  const send = api.chat.createConversation.useMutation();
  return (
    <button type="button" onClick={() => send.mutate({})}>
      send
    </button>
  );
}

/** The server's answers: the send refused with `credits` as PAYMENT_REQUIRED's error data, the packs, the balance. */
function handlers(credits: unknown, balance: { balance: number; held: number; spendable: number }): Handlers {
  return {
    "chat.createConversation": () => Promise.reject(trpcError("PAYMENT_REQUIRED", 402, { credits })),
    "billing.products": () => products,
    "credits.balance": () => balance,
  };
}

const balanceOf = (s: CreditShortfall) => ({ balance: s.balance, held: s.held, spendable: s.spendable });

async function refuse(shortfall: CreditShortfall, opts: Parameters<typeof renderApp>[1] = {}) {
  return refuseWith(shortfall, balanceOf(shortfall), opts);
}

async function refuseWith(
  credits: unknown,
  balance: { balance: number; held: number; spendable: number },
  opts: Parameters<typeof renderApp>[1] = {},
) {
  const utils = renderApp(
    <>
      <CreditsDisplay signedIn />
      <Sender />
      <PaywallModal />
    </>,
    { ...opts, handlers: handlers(credits, balance) },
  );
  await userEvent.click(screen.getByText("send"));
  return { ...utils, dialog: await screen.findByTestId("paywall") };
}

describe("the paywall shows the numbers that refused the message", () => {
  it("needed, available, held (explained) and the smallest pack that covers what is missing; Buy preselects it", async () => {
    const shortfall = { needed: 1_410, spendable: 1_182, held: 1_200, balance: 2_382 };
    const { dialog, calls } = await refuse(shortfall);
    expect(dialog).toHaveAccessibleDescription(
      "Before a reply starts, its largest possible cost is set aside. This message needs more credits than you have available right now.",
    );
    expect(dialog).not.toHaveTextContent("You've run out of credits");
    expect(within(dialog).getByTestId("paywall-needed")).toHaveTextContent("1,410 credits");
    expect(within(dialog).getByTestId("paywall-available")).toHaveTextContent("1,182 credits");
    expect(within(dialog).getByTestId("paywall-held")).toHaveTextContent("1,200 credits");
    expect(within(dialog).getByText("Needed for this message")).toBeInTheDocument();
    expect(within(dialog).getByText("Available now")).toBeInTheDocument();
    expect(within(dialog).getByText("Held by replies in progress")).toBeInTheDocument();
    expect(within(dialog).getByTestId("paywall-held-note")).toHaveTextContent(
      "Replies that are still being written hold credits for their largest possible cost. What they don’t use comes back when they finish.",
    );
    // 228 missing: Starter covers it.
    const pack = await within(dialog).findByTestId("paywall-pack");
    expect(pack).toHaveTextContent("The Starter pack covers it: 50,000 credits for $5.00.");
    expect(pack).toHaveAttribute("data-covers", "true");

    // The header says the same: the paywall's "available" is the header's number, the held part beside it.
    await waitFor(() => expect(screen.getByTestId("credits-balance")).toHaveAttribute("data-balance", "1182"));
    expect(screen.getByTestId("credits-balance")).toHaveTextContent("1,182 credits");
    expect(screen.getByTestId("credits-held")).toHaveTextContent("1,200 held");
    // Opening the paywall asked the server for the balance again, so the header cannot lag behind it.
    await waitFor(() => expect(calls.filter((c) => c.path === "credits.balance").length).toBeGreaterThanOrEqual(2));

    await userEvent.click(within(dialog).getByRole("button", { name: "Buy Credits" }));
    expect(push).toHaveBeenCalledWith("/billing?pack=starter");
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
  });

  it("nothing held: no held row and no explanation; a shortfall past Starter offers Professional", async () => {
    const shortfall = { needed: 120_000, spendable: 50, held: 0, balance: 50 };
    const { dialog } = await refuse(shortfall);
    expect(within(dialog).getByTestId("paywall-needed")).toHaveTextContent("120,000 credits");
    expect(within(dialog).getByTestId("paywall-available")).toHaveTextContent("50 credits");
    expect(within(dialog).queryByTestId("paywall-held")).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId("paywall-held-note")).not.toBeInTheDocument();
    expect(within(dialog).queryByText("Held by replies in progress")).not.toBeInTheDocument();
    expect(await within(dialog).findByTestId("paywall-pack")).toHaveTextContent(
      "The Professional pack covers it: 200,000 credits for $15.00.",
    );
    expect(screen.queryByTestId("credits-held")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("paywall-buy"));
    expect(push).toHaveBeenCalledWith("/billing?pack=pro");
  });

  it("an exact fit is covered by that pack", async () => {
    const shortfall = { needed: 200_010, spendable: 10, held: 0, balance: 10 };
    const { dialog } = await refuse(shortfall);
    expect(await within(dialog).findByTestId("paywall-pack")).toHaveAttribute("data-pack", "pro");
  });

  it("no single pack covers it: says so, names the largest, and Buy goes there", async () => {
    const shortfall = { needed: 1_500_000, spendable: 0, held: 0, balance: 0 };
    const { dialog } = await refuse(shortfall);
    const pack = await within(dialog).findByTestId("paywall-pack");
    expect(pack).toHaveAttribute("data-covers", "false");
    expect(pack).toHaveTextContent(
      "No single pack covers this message: 1,500,000 credits are missing, and the largest pack, Enterprise, holds 1,000,000 credits. Buy several packs, or send a shorter message.",
    );
    await userEvent.click(screen.getByTestId("paywall-buy"));
    expect(push).toHaveBeenCalledWith("/billing?pack=enterprise");
  });

  it("without numbers (or malformed ones) it falls back to the plain prompt and plain /billing, and asks for no packs", async () => {
    const { dialog, calls } = await refuseWith(
      { needed: "lots", spendable: 1, held: 0, balance: 1 },
      { balance: 1, held: 0, spendable: 1 },
    );
    expect(dialog).toHaveAccessibleDescription("You've run out of credits. Purchase more to continue chatting.");
    expect(within(dialog).queryByTestId("paywall-needed")).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId("paywall-pack")).not.toBeInTheDocument();
    expect(calls.some((c) => c.path === "billing.products")).toBe(false);
    await userEvent.click(screen.getByTestId("paywall-buy"));
    expect(push).toHaveBeenCalledWith("/billing");
  });

  it.each(LOCALES)("%s: every line is that locale's text with its numbers, no raw keys", async (locale) => {
    const messages = await loadMessages(locale);
    const shortfall = { needed: 1_410, spendable: 1_182, held: 1_200, balance: 2_382 };
    const { dialog } = await refuse(shortfall, { locale, messages });
    await within(dialog).findByTestId("paywall-pack");
    const text = dialog.textContent ?? "";
    for (const key of ["explain", "needed", "available", "held", "heldNote"] as const) {
      expect(text).toContain(messages.paywall[key]);
    }
    const group = (n: number) => new Intl.NumberFormat(locale).format(n);
    for (const n of [1_410, 1_182, 1_200, 50_000]) expect(text).toContain(group(n));
    expect(text).toContain(messages.billing.packs.starter);
    expect(text).not.toMatch(/paywall\.|billing\.|common\.|\{|\}/);
  });
});

describe("the billing page after the paywall's Buy", () => {
  it("?pack=starter: that pack is highlighted, labelled, and its Purchase button has focus", async () => {
    renderApp(<BillingView success={false} canceled={false} sessionId={null} suggestedPack="starter" />, {
      handlers: {
        "billing.products": () => products,
        "billing.purchases": () => ({ items: [], nextCursor: null }),
        "credits.history": () => ({ items: [], nextCursor: null }),
        "credits.spentPerDay": () => [{ day: "2026-01-01", spent: 0 }],
      },
    });
    const starter = await screen.findByTestId("pack-starter");
    expect(starter).toHaveAttribute("data-highlighted", "true");
    expect(screen.getByTestId("pack-pro")).toHaveAttribute("data-highlighted", "false");
    expect(within(starter).getByTestId("pack-suggested")).toHaveTextContent("Suggested for your message");
    const purchase = within(starter).getByRole("button", { name: "Purchase" });
    expect(purchase).toHaveAccessibleDescription("Suggested for your message");
    await waitFor(() => expect(purchase).toHaveFocus());
    expect(screen.getAllByTestId("pack-suggested")).toHaveLength(1);
  });

  it("without a suggestion the featured pack stays highlighted and nothing takes focus", async () => {
    renderApp(<BillingView success={false} canceled={false} sessionId={null} />, {
      handlers: {
        "billing.products": () => products,
        "billing.purchases": () => ({ items: [], nextCursor: null }),
        "credits.history": () => ({ items: [], nextCursor: null }),
        "credits.spentPerDay": () => [{ day: "2026-01-01", spent: 0 }],
      },
    });
    expect(await screen.findByTestId("pack-pro")).toHaveAttribute("data-highlighted", "true");
    expect(screen.queryByTestId("pack-suggested")).not.toBeInTheDocument();
    expect(document.body).toHaveFocus();
  });
});
