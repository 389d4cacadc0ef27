import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { BillingView } from "~/components/billing/billing-view";
import type { PurchaseStatus } from "~/generated/prisma/client";
import { CreditsDisplay } from "~/components/header/credits-display";
import { navigateTo } from "~/lib/navigate";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

vi.mock("~/lib/navigate", () => ({ navigateTo: vi.fn() }));

beforeEach(() => vi.mocked(navigateTo).mockReset());

const products: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [
    { id: "starter", credits: 50000, unitAmount: 500, currency: "usd" },
    { id: "pro", credits: 200000, unitAmount: 1500, currency: "usd" },
    { id: "enterprise", credits: 1000000, unitAmount: 5000, currency: "usd" },
  ],
};

function base(overrides: Handlers = {}): Handlers {
  return {
    "billing.products": () => products,
    "billing.purchases": () => ({ items: [], nextCursor: null }),
    "credits.history": () => ({ items: [], nextCursor: null }),
    "credits.spentPerDay": () => [{ day: "2026-01-01", spent: 0 }],
    "credits.balance": () => ({ balance: 10, held: 0, spendable: 10 }),
    ...overrides,
  };
}

const view = (props: Partial<React.ComponentProps<typeof BillingView>> = {}) => (
  <BillingView
    success={false}
    canceled={false}
    sessionId={null}
    confirmation={{ attempts: 4, intervalMs: 5 }}
    {...props}
  />
);

describe("billing page", () => {
  it("shows pack cards with prices and credits formatted for the locale", async () => {
    const { unmount } = renderApp(view(), { handlers: base() });
    const pro = await screen.findByTestId("pack-pro");
    expect(pro).toHaveTextContent("$15.00");
    expect(pro).toHaveTextContent("200,000 credits");
    expect(screen.getByTestId("pack-enterprise")).toHaveTextContent("1,000,000 credits");
    unmount();

    renderApp(view(), { handlers: base(), locale: "de", messages: await loadMessages("de") });
    const de = await screen.findByTestId("pack-pro");
    expect(de.textContent).toMatch(/15,00\s\$/);
    expect(de).toHaveTextContent("200.000 Credits");
    expect(within(de).getByRole("button")).toHaveTextContent("Kaufen");
  });

  it("Purchase shows a loading state and goes to the Checkout URL", async () => {
    let resolve!: (v: RouterOutputs["billing"]["checkout"]) => void;
    const { calls } = renderApp(view(), {
      handlers: base({ "billing.checkout": () => new Promise((r) => (resolve = r)) }),
    });
    const button = await screen.findByTestId("purchase-starter");
    await userEvent.click(button);
    await waitFor(() => expect(button).toHaveTextContent("Redirecting…"));
    expect(screen.getByTestId("purchase-pro")).toBeDisabled();
    resolve({ checkoutUrl: "https://checkout.stripe.com/c/pay/cs_test_1" });
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith("https://checkout.stripe.com/c/pay/cs_test_1"));
    expect(calls.find((c) => c.path === "billing.checkout")?.input).toEqual({ packId: "starter" });
  });

  it("a failed checkout shows the translated error banner and re-enables the buttons", async () => {
    renderApp(view(), {
      handlers: base({ "billing.checkout": () => Promise.reject(trpcError("TOO_MANY_REQUESTS", 429)) }),
      locale: "fr",
      messages: await loadMessages("fr"),
    });
    await userEvent.click(await screen.findByTestId("purchase-pro"));
    expect(await screen.findByTestId("billing-error")).toHaveTextContent(
      "Une erreur s'est produite. Veuillez réessayer.",
    );
    expect(screen.getByTestId("purchase-pro")).toBeEnabled();
    expect(navigateTo).not.toHaveBeenCalled();
  });

  it("?success=1 confirms the session, polls until credited, then shows success and refreshes balance and history", async () => {
    let confirms = 0;
    const { calls } = renderApp(view({ success: true, sessionId: "cs_test_abc" }), {
      handlers: base({
        "billing.confirm": () => {
          confirms++;
          return confirms < 3
            ? { status: "pending", credited: false, credits: 0 }
            : { status: "paid", credited: true, credits: 50000 };
        },
      }),
    });
    expect(screen.getByTestId("billing-pending")).toBeInTheDocument();
    expect(await screen.findByTestId("billing-success")).toHaveTextContent(
      "Purchase successful! Credits have been added to your account.",
    );
    expect(calls.filter((c) => c.path === "billing.confirm").map((c) => c.input)).toEqual([
      { sessionId: "cs_test_abc" },
      { sessionId: "cs_test_abc" },
      { sessionId: "cs_test_abc" },
    ]);
    await waitFor(() => {
      const after = calls.slice(calls.findLastIndex((c) => c.path === "billing.confirm"));
      expect(after.map((c) => c.path)).toEqual(expect.arrayContaining(["credits.history", "billing.purchases"]));
    });
  });

  it("the header balance shows the credit even when its first load read the balance before the credit committed", async () => {
    let balanceCalls = 0;
    let credited = false;
    let answerFirstLoad: (() => void) | undefined;
    renderApp(
      <>
        <CreditsDisplay signedIn />
        {view({ success: true, sessionId: "cs_test_race" })}
      </>,
      {
        handlers: base({
          // The first load is answered late, only once the balance is read again, with what the
          // database held when it was read: the old balance.
          "credits.balance": () => {
            balanceCalls++;
            if (balanceCalls === 1)
              return new Promise((r) => (answerFirstLoad = () => r({ balance: 10, held: 0, spendable: 10 })));
            answerFirstLoad?.();
            const balance = credited ? 50_010 : 10;
            return { balance, held: 0, spendable: balance };
          },
          "billing.confirm": () => {
            credited = true;
            return { status: "paid", credited: true, credits: 50000 };
          },
        }),
      },
    );
    expect(await screen.findByTestId("billing-success")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("credits-balance")).toHaveAttribute("data-balance", "50010"), {
      timeout: 3000,
    });
  });

  it("keeps a pending notice (never a false success) when the purchase does not get credited in time", async () => {
    renderApp(view({ success: true, sessionId: "cs_test_slow" }), {
      handlers: base({ "billing.confirm": () => ({ status: "pending", credited: false, credits: 0 }) }),
    });
    await waitFor(() => expect(screen.getByTestId("billing-pending")).toHaveTextContent("still being processed"));
    expect(screen.queryByTestId("billing-success")).not.toBeInTheDocument();
  });

  it("a confirm error shows the error banner", async () => {
    renderApp(view({ success: true, sessionId: "cs_test_err" }), {
      handlers: base({ "billing.confirm": () => Promise.reject(trpcError("NOT_FOUND", 404)) }),
    });
    expect(await screen.findByTestId("billing-error")).toHaveTextContent("An error occurred. Please try again.");
    expect(screen.queryByTestId("billing-success")).not.toBeInTheDocument();
  });

  it("?canceled=1 shows the canceled banner and confirms nothing", async () => {
    const { calls } = renderApp(view({ canceled: true }), { handlers: base() });
    expect(screen.getByTestId("billing-canceled")).toHaveTextContent("Purchase was canceled.");
    await screen.findByTestId("pack-starter");
    expect(calls.some((c) => c.path === "billing.confirm")).toBe(false);
  });

  it("?canceled=1 with the cancel link's reference expires that checkout once and lists it as Canceled (ja)", async () => {
    const ref = "3f2a8c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
    let status: PurchaseStatus = "pending";
    const purchase = () => ({
      id: "cs_test_c",
      packId: "pro",
      credits: 200000,
      amountTotal: 1500,
      amountRefunded: 0,
      currency: "usd",
      status,
      createdAt: new Date(),
      creditedAt: null,
      receiptUrl: null,
      invoicePdfUrl: null,
      kind: "checkout" as const,
      triggerSpendable: null,
      failureMessage: null,
    });
    const { calls } = renderApp(view({ canceled: true, checkoutRef: ref }), {
      locale: "ja",
      messages: await loadMessages("ja"),
      handlers: base({
        "billing.cancel": () => ((status = "canceled"), { status }),
        "billing.purchases": () => ({ items: [purchase()], nextCursor: null }),
      }),
    });
    const row = await screen.findByTestId("purchase-row");
    await waitFor(() => expect(row).toHaveAttribute("data-status", "canceled"));
    expect(row).toHaveTextContent("キャンセル済み");
    expect(calls.filter((c) => c.path === "billing.cancel").map((c) => c.input)).toEqual([{ checkoutRef: ref }]);
  });

  it("lists purchases with status and ledger rows with translated reasons", async () => {
    const createdAt = new Date("2026-01-02T10:00:00Z");
    renderApp(view(), {
      locale: "es",
      messages: await loadMessages("es"),
      handlers: base({
        "billing.purchases": () => ({
          items: [
            {
              id: "p1",
              packId: "pro",
              credits: 200000,
              amountTotal: 1500,
              amountRefunded: 0,
              currency: "usd",
              status: "paid",
              createdAt,
              creditedAt: createdAt,
              receiptUrl: null,
              invoicePdfUrl: null,
              kind: "checkout" as const,
              triggerSpendable: null,
              failureMessage: null,
            },
          ],
          nextCursor: null,
        }),
        "credits.history": () => ({
          items: [
            {
              id: "l2",
              amount: -45,
              balanceAfter: 209955,
              reason: "chat_usage",
              refType: "chat_message",
              refId: "m",
              note: null,
              createdAt,
              conversation: { id: "c1", title: "Viaje a Kioto" },
              packId: null,
            },
            {
              id: "l1",
              amount: 200000,
              balanceAfter: 210000,
              reason: "purchase",
              refType: "purchase",
              refId: "p1",
              note: null,
              createdAt,
              conversation: null,
              packId: null,
            },
          ],
          nextCursor: null,
        }),
      }),
    });
    const row = await screen.findByTestId("purchase-row");
    expect(row).toHaveAttribute("data-status", "paid");
    expect(row).toHaveTextContent("Profesional");
    expect(row).toHaveTextContent("Pagado");
    const ledger = await screen.findAllByTestId("ledger-row");
    expect(ledger.map((r) => [r.dataset.reason, r.dataset.amount])).toEqual([
      ["chat_usage", "-45"],
      ["purchase", "200000"],
    ]);
    expect(ledger[0]).toHaveTextContent("Conversación: Viaje a Kioto");
    expect(ledger[1]).toHaveTextContent("Compra de créditos");
    expect(screen.getByTestId("spent-chart")).toHaveTextContent("Créditos gastados por día");
  });

  it("shows a won and a lost dispute on the purchase, and the reinstatement row in the ledger", async () => {
    const createdAt = new Date("2026-01-02T10:00:00Z");
    const purchase = {
      packId: "starter",
      credits: 50000,
      amountTotal: 500,
      amountRefunded: 0,
      currency: "usd",
      createdAt,
      creditedAt: createdAt,
      receiptUrl: null,
      invoicePdfUrl: null,
      kind: "checkout" as const,
      triggerSpendable: null,
      failureMessage: null,
    };
    renderApp(view(), {
      handlers: base({
        "billing.purchases": () => ({
          items: [
            { ...purchase, id: "p2", status: "dispute_won" },
            { ...purchase, id: "p1", status: "dispute_lost" },
          ],
          nextCursor: null,
        }),
        "credits.history": () => ({
          items: [
            {
              id: "l1",
              amount: 50000,
              balanceAfter: 50000,
              reason: "dispute_won",
              refType: "stripe_dispute_won",
              refId: "dp_1",
              note: null,
              createdAt,
              conversation: null,
              packId: null,
            },
          ],
          nextCursor: null,
        }),
      }),
    });
    await waitFor(async () => expect(await screen.findAllByTestId("purchase-row")).toHaveLength(2));
    const rows = screen.getAllByTestId("purchase-row");
    expect(rows.map((r) => r.dataset.status)).toEqual(["dispute_won", "dispute_lost"]);
    expect(rows[0]).toHaveTextContent("Dispute won");
    expect(rows[1]).toHaveTextContent("Dispute lost");
    expect(await screen.findByTestId("ledger-row")).toHaveTextContent("Dispute won: credits restored");
  });
});

describe("billing page on a server without Stripe", () => {
  it("a server without Stripe keys says purchases are unavailable, in the user's language, and sells nothing", async () => {
    renderApp(view(), {
      handlers: base({ "billing.products": () => ({ ...products, mode: "unavailable" }) }),
      locale: "es",
      messages: await loadMessages("es"),
    });
    const banner = await screen.findByTestId("billing-unavailable");
    expect(banner).toHaveTextContent("Las compras no están disponibles en este servidor");
    expect(screen.getByTestId("purchase-starter")).toBeDisabled();
    expect(screen.queryByTestId("billing-error")).not.toBeInTheDocument();
  });

  it("a checkout refused as billing_not_configured shows the unavailable message, not the generic error", async () => {
    renderApp(view(), {
      handlers: base({
        "billing.checkout": () =>
          Promise.reject(trpcError("PRECONDITION_FAILED", 412, { domainCode: "billing_not_configured" })),
      }),
    });
    await userEvent.click(await screen.findByTestId("purchase-pro"));
    expect(await screen.findByTestId("billing-unavailable")).toHaveTextContent(
      "Purchases are not available on this server right now.",
    );
    expect(screen.queryByTestId("billing-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("purchase-pro")).toBeDisabled();
  });
});
