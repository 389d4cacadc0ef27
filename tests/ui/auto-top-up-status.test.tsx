import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { StrictMode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { AutoTopUpStatus } from "~/components/billing/auto-top-up/auto-top-up-status";
import { BillingView } from "~/components/billing/billing-view";
import { ChatView } from "~/components/chat/chat-view";
import { CreditsDisplay } from "~/components/header/credits-display";
import { PurchaseHistory } from "~/components/billing/purchase-history";
import { navigateTo } from "~/lib/navigate";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, type Handlers } from "./helpers/render-app";

vi.mock("~/lib/navigate", () => ({ navigateTo: vi.fn() }));

beforeEach(() => vi.mocked(navigateTo).mockReset());
afterEach(() => window.history.replaceState(null, "", "/"));

type View = RouterOutputs["autoTopUp"]["get"];
type Row = RouterOutputs["billing"]["purchases"]["items"][number];
type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

const SETTINGS = { threshold: 5000, packId: "pro", monthlyLimit: 3, paymentMethodId: "pm_visa" } as const;
const CARD = { id: "pm_visa", brand: "visa", last4: "3184", expMonth: 8, expYear: 2031 };
const ON: View = {
  available: true,
  enabled: true,
  settings: SETTINGS,
  card: CARD,
  turnedOff: null,
  usedThisMonth: 0,
  inFlight: null,
};
const IN_FLIGHT = {
  purchaseId: "topup_abc",
  status: "pending" as const,
  packId: "pro" as const,
  credits: 200000,
  amountTotal: 1500,
  currency: "usd",
};
const PRODUCTS: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [{ id: "pro", credits: 200000, unitAmount: 1500, currency: "usd" }],
};

describe("auto top-up in the app (chat and billing)", () => {
  it("needs confirmation: the banner names the amount; its button asks for the bank's page and goes there", async () => {
    const authenticate = vi.fn(() => ({ url: "http://127.0.0.1:1/authenticate/pi_1" }));
    renderApp(<AutoTopUpStatus />, {
      handlers: {
        "autoTopUp.get": () => ({ ...ON, inFlight: { ...IN_FLIGHT, status: "requires_action" } }),
        "autoTopUp.authenticate": authenticate,
        "billing.products": () => PRODUCTS,
      },
    });
    const banner = await screen.findByTestId("auto-top-up-needs-action");
    expect(banner).toHaveAttribute("role", "alert");
    expect(banner).toHaveTextContent("Your top-up of $15.00 needs your confirmation.");
    await userEvent.click(within(banner).getByRole("button", { name: "Confirm payment" }));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith("http://127.0.0.1:1/authenticate/pi_1"));
    expect(authenticate).toHaveBeenCalledWith({ purchaseId: "topup_abc" });
    expect(screen.getByTestId("auto-top-up-authenticate")).toBeDisabled();
  });

  it("is translated (ko) and says nothing when no top-up needs anything", async () => {
    const { unmount } = renderApp(<AutoTopUpStatus />, {
      locale: "ko",
      messages: await loadMessages("ko"),
      handlers: {
        "autoTopUp.get": () => ({ ...ON, inFlight: { ...IN_FLIGHT, status: "requires_action" } }),
        "billing.products": () => PRODUCTS,
      },
    });
    expect(await screen.findByTestId("auto-top-up-needs-action")).toHaveTextContent(
      "US$15.00 충전에 확인이 필요합니다.",
    );
    unmount();

    const { calls } = renderApp(<AutoTopUpStatus />, { handlers: { "autoTopUp.get": () => ON } });
    await waitFor(() => expect(calls.some((c) => c.path === "autoTopUp.get")).toBe(true));
    expect(screen.queryByTestId("auto-top-up-needs-action")).not.toBeInTheDocument();
    expect(screen.getByTestId("auto-top-up-toast-region")).toBeEmptyDOMElement();
  });

  it("while a top-up is in flight it polls; when it is credited the balance is refreshed and a polite status says so", async () => {
    let view: View = { ...ON, inFlight: IN_FLIGHT };
    let balance = 4000;
    const get = vi.fn(() => view);
    renderApp(
      <>
        <CreditsDisplay signedIn />
        <AutoTopUpStatus />
      </>,
      {
        handlers: {
          "autoTopUp.get": get,
          "billing.products": () => PRODUCTS,
          "credits.balance": () => ({ balance, held: 0, spendable: balance }),
        },
      },
    );
    await waitFor(() => expect(get).toHaveBeenCalledTimes(1));
    expect(await screen.findByText(/4,000/)).toBeInTheDocument();
    expect(screen.queryByTestId("auto-top-up-toast")).not.toBeInTheDocument();
    // The webhook credits it; only polling can tell the page.
    balance = 204000;
    view = { ...ON, usedThisMonth: 1 };
    const toast = await screen.findByTestId("auto-top-up-toast", {}, { timeout: 6000 });
    expect(get.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(toast).toHaveTextContent("Auto top-up: +200,000 credits");
    expect(toast).toHaveAttribute("data-outcome", "credited");
    expect(screen.getByTestId("auto-top-up-toast-region")).toHaveAttribute("aria-live", "polite");
    // The header's balance follows without a reload.
    expect(await screen.findByText(/204,000/)).toBeInTheDocument();
  });

  it("a top-up that settled between two reads (after a chat reply invalidates) is seen too; a failure says it is off", async () => {
    let view: View = ON;
    const { queryClient } = renderApp(<AutoTopUpStatus />, {
      handlers: { "autoTopUp.get": () => view, "billing.products": () => PRODUCTS },
    });
    await screen.findByTestId("auto-top-up-toast-region");
    await waitFor(() =>
      expect(
        queryClient
          .getQueryCache()
          .getAll()
          .some((q) => q.state.data),
      ).toBe(true),
    );
    view = { ...ON, usedThisMonth: 1 };
    await queryClient.invalidateQueries();
    expect(await screen.findByTestId("auto-top-up-toast")).toHaveTextContent("Auto top-up: +200,000 credits");
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("auto-top-up-toast")).not.toBeInTheDocument();

    // A declined top-up is not counted against the month: only the turned-off state tells.
    view = {
      ...ON,
      enabled: false,
      usedThisMonth: 1,
      turnedOff: { reason: "card_declined", message: "Your card was declined.", at: new Date() },
    };
    await queryClient.invalidateQueries();
    const failed = await screen.findByTestId("auto-top-up-toast");
    expect(failed).toHaveAttribute("data-outcome", "failed");
    expect(failed).toHaveTextContent("Auto top-up did not go through and is now off.");
    expect(within(failed).getByRole("link", { name: "See billing" })).toHaveAttribute("href", "/billing");
  });

  it("after a chat reply settles, auto top-up is read again: the top-up that reply triggered is seen in the chat", async () => {
    let view: View = ON;
    const conversation = { id: "c1", title: "First", updatedAt: new Date(), modelId: null, creditsTotal: 0 };
    async function* reply(): AsyncGenerator<ChatStreamEvent> {
      yield { type: "start", userMessageId: "u1", assistantMessageId: "a1", conversationId: "c1" };
      // The reply's charge took spendable below the threshold; the server started a top-up.
      view = { ...ON, inFlight: IN_FLIGHT };
      yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
    }
    const { calls } = renderApp(
      <>
        <AutoTopUpStatus />
        <ChatView />
      </>,
      {
        handlers: {
          "autoTopUp.get": () => view,
          "billing.products": () => PRODUCTS,
          "chat.listConversations": () => [conversation],
          "chat.messages": () => [],
          "chat.model": () => ({ id: "demo", label: "Demo model", demo: true }),
          "chat.models": () => [],
          "chat.quote": () => ({
            modelId: "demo",
            maxCredits: 10,
            likelyCredits: 5,
            inputTokens: 3,
            omittedTurns: 0,
            spendable: 6000,
            covers: true,
          }),
          "credits.balance": () => ({ balance: 6000, held: 0, spendable: 6000 }),
          "chat.send": () => reply(),
        },
      },
    );
    await screen.findByTestId("conversation-item");
    const gets = () => calls.filter((c) => c.path === "autoTopUp.get").length;
    await waitFor(() => expect(gets()).toBe(1));
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() => expect(gets()).toBe(2));
    // Pending now, so it is polled until it settles; credited after that.
    view = { ...ON, usedThisMonth: 1 };
    expect(await screen.findByTestId("auto-top-up-toast", {}, { timeout: 6000 })).toHaveTextContent(
      "Auto top-up: +200,000 credits",
    );
  });

  it("back from authentication (?topup=): confirm is called once, the outcome shows, the parameter is cleared", async () => {
    // Stripe appends the intent and its client secret to the return_url: none of it stays in the address.
    window.history.replaceState(
      null,
      "",
      "/billing?topup=topup_abc&payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_x&redirect_status=succeeded",
    );
    const confirm = vi.fn(() => ({ status: "paid" as const, credited: true }));
    const handlers: Handlers = {
      "autoTopUp.get": () => ON,
      "autoTopUp.confirm": confirm,
      "billing.products": () => PRODUCTS,
      "billing.purchases": () => ({ items: [], nextCursor: null }),
      "billing.savedCards": () => ({ available: true, cards: [CARD] }),
      "credits.history": () => ({ items: [], nextCursor: null }),
      "credits.spentPerDay": () => [{ day: "2026-01-01", spent: 0 }],
      "credits.balance": () => ({ balance: 10, held: 0, spendable: 10 }),
    };
    // Strict mode runs the effect twice, as development does: still one confirm.
    renderApp(
      <StrictMode>
        <BillingView success={false} canceled={false} sessionId={null} topUpId="topup_abc" />
      </StrictMode>,
      { handlers },
    );
    expect(await screen.findByTestId("auto-top-up-return")).toHaveTextContent(
      "Your top-up is confirmed. The credits were added.",
    );
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(confirm).toHaveBeenCalledWith({ purchaseId: "topup_abc" });
    expect(window.location.pathname + window.location.search).toBe("/billing");
    await screen.findByTestId("auto-top-up-section");
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it("back from authentication that failed: says no credits were added", async () => {
    renderApp(<BillingView success={false} canceled={false} sessionId={null} topUpId="topup_def" />, {
      handlers: {
        "autoTopUp.get": () => ON,
        "autoTopUp.confirm": () => ({ status: "failed", credited: false }),
        "billing.products": () => PRODUCTS,
        "billing.purchases": () => ({ items: [], nextCursor: null }),
        "credits.history": () => ({ items: [], nextCursor: null }),
        "credits.spentPerDay": () => [{ day: "2026-01-01", spent: 0 }],
      },
    });
    const banner = await screen.findByTestId("auto-top-up-return");
    await waitFor(() => expect(banner).toHaveTextContent("The top-up did not go through. No credits were added."));
    expect(banner).toHaveAttribute("role", "alert");
  });
});

describe("purchases: auto top-up rows", () => {
  const row = (over: Partial<Row>): Row => ({
    id: "p",
    packId: "pro",
    credits: 200000,
    amountTotal: 1500,
    amountRefunded: 0,
    currency: "usd",
    status: "paid",
    createdAt: new Date("2026-12-02T10:00:00Z"),
    creditedAt: new Date("2026-12-02T10:00:00Z"),
    receiptUrl: null,
    invoicePdfUrl: null,
    kind: "auto_top_up",
    triggerSpendable: 4321,
    failureMessage: null,
    ...over,
  });

  it("say Auto top-up with the trigger, link the receipt, and show a failure's reason", async () => {
    renderApp(<PurchaseHistory />, {
      handlers: {
        "billing.purchases": () => ({
          items: [
            row({ id: "p1", receiptUrl: "https://pay.stripe.com/receipts/payment/x" }),
            row({ id: "p2", status: "failed", creditedAt: null, failureMessage: "Your card was declined." }),
            row({ id: "p3", kind: "checkout", triggerSpendable: null }),
          ],
          nextCursor: null,
        }),
      },
    });
    const [paid, failed, checkout] = await screen.findAllByTestId("purchase-row");
    expect(within(paid!).getByTestId("purchase-auto-top-up")).toHaveTextContent(
      "Auto top-up · triggered at 4,321 credits",
    );
    expect(within(paid!).getByRole("link", { name: "Receipt (opens in a new tab)" })).toHaveAttribute(
      "href",
      "https://pay.stripe.com/receipts/payment/x",
    );
    expect(within(failed!).getByTestId("purchase-failure")).toHaveTextContent("Your card was declined.");
    expect(within(failed!).getByText("Failed")).toBeInTheDocument();
    expect(within(checkout!).queryByTestId("purchase-auto-top-up")).not.toBeInTheDocument();
  });

  it("is translated (zh-CN)", async () => {
    renderApp(<PurchaseHistory />, {
      locale: "zh-CN",
      messages: await loadMessages("zh-CN"),
      handlers: { "billing.purchases": () => ({ items: [row({})], nextCursor: null }) },
    });
    expect(await screen.findByTestId("purchase-auto-top-up")).toHaveTextContent("自动充值 · 在 4,321 积分时触发");
  });
});
