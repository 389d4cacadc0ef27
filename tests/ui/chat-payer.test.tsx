import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ChatView } from "~/components/chat/chat-view";
import { PaywallModal } from "~/components/paywall/paywall-modal";
import type { CreditShortfall } from "~/lib/credit-shortfall";
import type { RouterInputs, RouterOutputs } from "~/trpc/react";

import { renderApp, trpcError, type Handlers } from "./helpers/render-app";

vi.mock("next/navigation", () => ({
  usePathname: () => "/chat",
  useRouter: () => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }),
}));

type Quote = RouterOutputs["chat"]["quote"];
type Team = RouterOutputs["teams"]["list"][number];
type MessageOut = RouterOutputs["chat"]["messages"][number];
type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

const conversation = {
  id: "c1",
  title: "First",
  updatedAt: new Date("2026-01-01T00:00:00Z"),
  modelId: null,
  payerTeamId: null as string | null,
  creditsTotal: 0,
};
const MODELS: RouterOutputs["chat"]["models"] = [
  {
    id: "demo",
    label: "Demo model",
    demo: true,
    creditsPer1kInputTokens: 100,
    creditsPer1kOutputTokens: 300,
    contextTokens: 8000,
    maxOutputTokens: 1024,
    typicalMessageCredits: 50,
    isDefault: true,
  },
];
const PRODUCTS: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [
    { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
    { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
  ],
};

function team(id: string, name: string, role: Team["role"], spendableForMe: number): Team {
  return {
    id,
    name,
    role,
    balance: 90_000,
    held: 0,
    spendable: 90_000,
    limits: [],
    spendableForMe,
    memberCount: 2,
  };
}
const ACME = team("t1", "Acme", "member", 4_000);
const BETA = team("t2", "Beta", "admin", 12_345);

function fakeQuote(input: RouterInputs["chat"]["quote"], over: Partial<Quote> = {}): Quote {
  const maxCredits = 300 + input.content.length;
  const spendable = over.spendable ?? 10_000;
  return {
    modelId: "demo",
    maxCredits,
    likelyCredits: 40,
    inputTokens: 20,
    omittedTurns: 0,
    payerTeamId: input.payerTeamId ?? null,
    spendable,
    limit: null,
    covers: spendable >= maxCredits,
    ...over,
  };
}

async function* reply(gate?: Promise<void>): AsyncGenerator<ChatStreamEvent> {
  yield { type: "start", userMessageId: "u1", assistantMessageId: "a1", conversationId: "c1" };
  await gate;
  yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
}

function handlers(overrides: Handlers = {}): Handlers {
  return {
    "chat.listConversations": () => [conversation],
    "chat.messages": () => [],
    "chat.model": () => ({ id: "demo", label: "Demo model", demo: true }),
    "chat.models": () => MODELS,
    "chat.quote": (input) => fakeQuote(input),
    "billing.products": () => PRODUCTS,
    "credits.balance": () => ({ balance: 10_000, held: 0, spendable: 10_000 }),
    "teams.list": () => [ACME, BETA],
    "chat.send": () => reply(),
    ...overrides,
  };
}

const inputsOf = <P extends "chat.quote" | "chat.send">(calls: { path: string; input: unknown }[], path: P) =>
  calls
    .filter((c) => c.path === path)
    .map((c) => c.input as P extends "chat.quote" ? RouterInputs["chat"]["quote"] : RouterInputs["chat"]["send"]);

// Quotes come after a 300 ms pause: on a busy machine, give every wait (and each test) more time.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 20_000 });

beforeEach(() => localStorage.clear());

describe("the payer chooser", () => {
  it("is not there for someone in no team, and nothing names a payer", async () => {
    const { calls } = renderApp(<ChatView />, { handlers: handlers({ "teams.list": () => [] }) });
    await screen.findByTestId("conversation-item");
    await screen.findByRole("combobox", { name: "Model" });
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    await screen.findByTestId("chat-quote");
    expect(screen.queryByRole("combobox", { name: "Paid by" })).not.toBeInTheDocument();
    expect(screen.queryByTestId("chat-quote-payer")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() => expect(inputsOf(calls, "chat.send")).toEqual([{ conversationId: "c1", content: "Hello" }]));
  });

  it("lists Personal and each team with what the user can spend; a team picked goes with the quote and the send", async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const { calls } = renderApp(<ChatView />, { handlers: handlers({ "chat.send": () => reply(gate) }) });
    await screen.findByTestId("conversation-item");
    const chooser = await screen.findByRole("combobox", { name: "Paid by" });
    await waitFor(() =>
      expect(
        within(chooser)
          .getAllByRole("option")
          .map((o) => o.textContent),
      ).toEqual([
        "Personal · 10,000 credits",
        "Acme · 4,000 credits you can spend",
        "Beta · 12,345 credits you can spend",
      ]),
    );
    expect(chooser).toHaveValue("");

    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    await waitFor(() => expect(screen.getByTestId("chat-quote-payer")).toHaveTextContent("Personal"));
    await userEvent.selectOptions(chooser, "t1");
    await waitFor(() => expect(screen.getByTestId("chat-quote-payer")).toHaveAttribute("data-team", "t1"));
    expect(screen.getByTestId("chat-quote")).toHaveTextContent("Acme · Up to 305 credits");
    expect(inputsOf(calls, "chat.quote").at(-1)).toEqual({
      conversationId: "c1",
      content: "Hello",
      kind: "send",
      payerTeamId: "t1",
    });
    expect(screen.queryByTestId("chat-quote-limit")).not.toBeInTheDocument();
    // "≈ N messages left" counts what the chosen balance leaves: 4,000 / 50.
    expect(screen.getByRole("combobox", { name: "Model" })).toHaveTextContent("≈ 80 messages left");

    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() =>
      expect(inputsOf(calls, "chat.send")).toEqual([{ conversationId: "c1", content: "Hello", payerTeamId: "t1" }]),
    );
    // The reply being written already says who pays for it.
    const live = (await screen.findAllByTestId("chat-message")).at(-1)!;
    expect(within(live).getByTestId("reply-payer")).toHaveTextContent("Paid by Acme");
    finish();
  });

  it("starts on the conversation's remembered payer and leaves it to the server; switching to Personal sends null", async () => {
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": () => [{ ...conversation, payerTeamId: "t2" }],
        // As the server does: no payer given, the conversation's remembered one.
        "chat.quote": (input) =>
          fakeQuote(input, { payerTeamId: input.payerTeamId === undefined ? "t2" : input.payerTeamId }),
      }),
    });
    await screen.findByTestId("conversation-item");
    const chooser = await screen.findByRole("combobox", { name: "Paid by" });
    await waitFor(() => expect(chooser).toHaveValue("t2"));
    await userEvent.type(screen.getByTestId("chat-input"), "One");
    // The server answers for the remembered payer: the quote names it without being told.
    await waitFor(() => expect(screen.getByTestId("chat-quote-payer")).toHaveTextContent("Beta"));
    expect(inputsOf(calls, "chat.quote").at(-1)).not.toHaveProperty("payerTeamId");
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() => expect(inputsOf(calls, "chat.send")).toEqual([{ conversationId: "c1", content: "One" }]));

    await userEvent.selectOptions(chooser, "");
    await userEvent.type(screen.getByTestId("chat-input"), "Two");
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() =>
      expect(inputsOf(calls, "chat.send").at(-1)).toEqual({ conversationId: "c1", content: "Two", payerTeamId: null }),
    );
  });
});

describe("each reply says who paid", () => {
  it("a team's name on the replies its pool paid, nothing on the user's own", async () => {
    const base = { status: "complete" as const, inputTokens: 1, outputTokens: 2, createdAt: new Date(0) };
    const stored: MessageOut[] = [
      { ...base, id: "m1", role: "user", content: "Q1", creditsCharged: null, paidBy: null },
      {
        ...base,
        id: "m2",
        role: "assistant",
        content: "A1",
        creditsCharged: 5,
        paidBy: { teamId: "t1", name: "Acme" },
      },
      { ...base, id: "m3", role: "user", content: "Q2", creditsCharged: null, paidBy: null },
      { ...base, id: "m4", role: "assistant", content: "A2", creditsCharged: 7, paidBy: null },
    ];
    renderApp(<ChatView />, { handlers: handlers({ "chat.messages": () => stored }) });
    await screen.findByText("A2");
    const replies = screen.getAllByTestId("chat-message").filter((m) => m.dataset.role === "assistant");
    expect(replies.map((r) => within(r).queryByTestId("reply-payer")?.textContent ?? null)).toEqual([
      "Paid by Acme",
      null,
    ]);
  });
});

describe("the quote for a team", () => {
  it("a limit that leaves enough: says how much of it is left", async () => {
    const limit = { period: "week" as const, limit: 20_000, used: 5_000, remaining: 15_000 };
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": () => [{ ...conversation, payerTeamId: "t1" }],
        "chat.quote": (input) => fakeQuote(input, { payerTeamId: "t1", spendable: 15_000, limit }),
      }),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    expect(await screen.findByTestId("chat-quote-limit")).toHaveTextContent(
      "15,000 of your weekly limit of 20,000 credits left.",
    );
    expect(screen.queryByTestId("chat-quote-insufficient")).not.toBeInTheDocument();
  });

  it("a member whose limit binds: names the limit and what it leaves; asks an admin, offers no purchase", async () => {
    const limit = { period: "day" as const, limit: 5_000, used: 4_800, remaining: 200 };
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": () => [{ ...conversation, payerTeamId: "t1" }],
        "chat.quote": (input) => fakeQuote(input, { payerTeamId: "t1", spendable: 200, limit }),
      }),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    const notice = await screen.findByTestId("chat-quote-insufficient");
    expect(within(notice).getByTestId("chat-quote-team-short")).toHaveTextContent(
      "Your daily limit on Acme leaves 200 credits; this message may need up to 305.",
    );
    expect(within(notice).getByTestId("chat-quote-ask-admin")).toHaveTextContent(
      "Ask a team admin, or pay from your personal balance.",
    );
    expect(within(notice).queryByRole("link")).not.toBeInTheDocument();
  });

  it("an admin: Buy credits for the team (with the covering pack) when the pool is short, Change limits when a limit is", async () => {
    let limited = false;
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": () => [{ ...conversation, payerTeamId: "t2" }],
        "chat.quote": (input) =>
          limited
            ? fakeQuote(input, {
                payerTeamId: "t2",
                spendable: 10,
                limit: { period: "week", limit: 100, used: 90, remaining: 10 },
              })
            : fakeQuote(input, { payerTeamId: "t2", spendable: 100, maxCredits: 60_000 }),
      }),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    const notice = await screen.findByTestId("chat-quote-insufficient");
    expect(notice).toHaveTextContent("Beta has 100 credits you can spend; this message may need up to 60,000.");
    // 59,900 missing: the pro pack covers it.
    expect(within(notice).getByRole("link", { name: "Buy credits for Beta" })).toHaveAttribute(
      "href",
      "/teams/t2?pack=pro",
    );

    limited = true;
    await userEvent.type(screen.getByTestId("chat-input"), "!");
    await waitFor(() =>
      expect(screen.getByTestId("chat-quote-insufficient")).toHaveTextContent(
        "Your weekly limit on Beta leaves 10 credits",
      ),
    );
    expect(screen.getByRole("link", { name: "Change limits" })).toHaveAttribute("href", "/teams/t2#members");
    expect(screen.queryByRole("link", { name: "Buy credits for Beta" })).not.toBeInTheDocument();
  });
});

describe("the paywall's “pay from my balance”", () => {
  it("sends the refused message again from the user's own balance, and the chooser says so", async () => {
    const shortfall: CreditShortfall = {
      needed: 1_000,
      spendable: 200,
      held: 0,
      balance: 90_000,
      teamId: "t1",
      memberLimit: { period: "day", limit: 5_000, used: 4_800 },
    };
    const { calls } = renderApp(
      <>
        <ChatView />
        <PaywallModal />
      </>,
      {
        handlers: handlers({
          "chat.listConversations": () => [{ ...conversation, payerTeamId: "t1" }],
          "chat.send": (input) =>
            input.payerTeamId === null
              ? reply()
              : Promise.reject(trpcError("PAYMENT_REQUIRED", 402, { credits: shortfall })),
        }),
      },
    );
    await screen.findByTestId("conversation-item");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Paid by" })).toHaveValue("t1"));
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    await userEvent.click(screen.getByTestId("chat-send"));
    const dialog = await screen.findByTestId("paywall");
    expect(dialog).toHaveAccessibleDescription(
      "You've reached your daily limit of 5,000 credits on Acme (4,800 used).",
    );
    await userEvent.click(await within(dialog).findByRole("button", { name: /Pay from my balance/ }));

    await waitFor(() =>
      expect(inputsOf(calls, "chat.send")).toEqual([
        { conversationId: "c1", content: "Hello" },
        { conversationId: "c1", content: "Hello", payerTeamId: null },
      ]),
    );
    expect(screen.getByRole("combobox", { name: "Paid by" })).toHaveValue("");
  });
});
