import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { BillingView } from "~/components/billing/billing-view";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

vi.mock("~/lib/navigate", () => ({ navigateTo: vi.fn() }));

const VISA = { id: "pm_visa", brand: "visa", last4: "4242", expMonth: 8, expYear: 2031 };

function handlers(cards: () => RouterOutputs["billing"]["savedCards"], overrides: Handlers = {}): Handlers {
  return {
    "billing.products": () => ({
      mode: "emulator",
      products: [{ id: "starter", credits: 50000, unitAmount: 500, currency: "usd" }],
    }),
    "billing.purchases": () => ({ items: [], nextCursor: null }),
    "billing.savedCards": cards,
    "credits.history": () => ({ items: [], nextCursor: null }),
    "credits.spentPerDay": () => [{ day: "2026-01-01", spent: 0 }],
    "credits.balance": () => ({ balance: 10, held: 0, spendable: 10 }),
    ...overrides,
  };
}

const view = () => <BillingView success={false} canceled={false} sessionId={null} />;

describe("saved card on the billing page", () => {
  it("no card: explains how to save one; the opt-in box sends saveCard with the checkout", async () => {
    const { calls } = renderApp(view(), {
      handlers: handlers(() => ({ available: true, cards: [] }), {
        "billing.checkout": () => ({ checkoutUrl: "http://127.0.0.1:1/c/pay/cs_1" }),
      }),
    });
    expect(await screen.findByTestId("saved-card-none")).toHaveTextContent("No card is saved.");
    const box = screen.getByRole("checkbox", { name: "Save my card for later payments" });
    expect(box).not.toBeChecked();
    await userEvent.click(box);
    await userEvent.click(screen.getByTestId("purchase-starter"));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "billing.checkout")?.input).toEqual({ packId: "starter", saveCard: true }),
    );
  });

  it("shows brand, last 4 and expiry; Remove asks first (Keep changes nothing), then removes and the card is gone", async () => {
    let cards = [VISA];
    const remove = vi.fn(() => {
      cards = [];
      return { removed: true as const };
    });
    const { calls } = renderApp(view(), {
      handlers: handlers(() => ({ available: true, cards }), { "billing.removeSavedCard": remove }),
    });
    const row = await screen.findByTestId("saved-card");
    expect(within(row).getByTestId("saved-card-label")).toHaveTextContent("Visa •••• 4242");
    expect(within(row).getByTestId("saved-card-expiry")).toHaveTextContent("Expires 08/2031");

    await userEvent.click(within(row).getByRole("button", { name: "Remove Visa •••• 4242" }));
    const dialog = await screen.findByRole("dialog", { name: "Remove this card?" });
    expect(dialog).toHaveTextContent("Visa •••• 4242 will be removed from your account.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Keep card" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(remove).not.toHaveBeenCalled();

    await userEvent.click(within(row).getByTestId("saved-card-remove"));
    await userEvent.click(await screen.findByRole("button", { name: "Remove card" }));
    expect(await screen.findByTestId("saved-card-removed")).toHaveTextContent("The card was removed.");
    expect(calls.find((c) => c.path === "billing.removeSavedCard")?.input).toEqual({ paymentMethodId: "pm_visa" });
    expect(await screen.findByTestId("saved-card-none")).toBeInTheDocument();
    expect(screen.queryByTestId("saved-card")).not.toBeInTheDocument();
  });

  it("a failed removal says so and keeps the card; a server without Stripe shows no section", async () => {
    const { unmount } = renderApp(view(), {
      handlers: handlers(() => ({ available: true, cards: [VISA] }), {
        "billing.removeSavedCard": () => Promise.reject(trpcError("TOO_MANY_REQUESTS", 429)),
      }),
    });
    await userEvent.click(await screen.findByTestId("saved-card-remove"));
    await userEvent.click(await screen.findByTestId("saved-card-confirm"));
    expect(await screen.findByTestId("saved-card-error")).toHaveTextContent("The card could not be removed.");
    expect(screen.getByTestId("saved-card")).toBeInTheDocument();
    unmount();

    renderApp(view(), { handlers: handlers(() => ({ available: false, cards: [] })) });
    await screen.findByTestId("pack-starter");
    expect(screen.queryByTestId("saved-card-section")).not.toBeInTheDocument();
  });

  it("is translated (ja): labels, expiry and the dialog", async () => {
    renderApp(view(), {
      handlers: handlers(() => ({ available: true, cards: [VISA] })),
      locale: "ja",
      messages: await loadMessages("ja"),
    });
    const row = await screen.findByTestId("saved-card");
    expect(row).toHaveTextContent("Visa •••• 4242");
    expect(row).toHaveTextContent("有効期限 08/2031");
    expect(screen.getByRole("checkbox", { name: "今後の支払いのためにカードを保存する" })).toBeInTheDocument();
    await userEvent.click(within(row).getByTestId("saved-card-remove"));
    expect(await screen.findByRole("dialog", { name: "このカードを削除しますか？" })).toBeInTheDocument();
  });
});
