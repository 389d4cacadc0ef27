import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { ChatView } from "~/components/chat/chat-view";
import { ModelPrices } from "~/components/pricing/model-prices";
import type { RouterInputs, RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, type Handlers } from "./helpers/render-app";

type Quote = RouterOutputs["chat"]["quote"];
type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

const conversation = {
  id: "c1",
  title: "First",
  updatedAt: new Date("2026-01-01T00:00:00Z"),
  modelId: null,
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
  {
    id: "demo-pro",
    label: "Demo model (thorough)",
    demo: true,
    creditsPer1kInputTokens: 300,
    creditsPer1kOutputTokens: 900,
    contextTokens: 16000,
    maxOutputTokens: 1024,
    typicalMessageCredits: 150,
    isDefault: false,
  },
];
const PRODUCTS: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [
    { id: "starter", credits: 50_000, unitAmount: 500, currency: "usd" },
    { id: "pro", credits: 200_000, unitAmount: 1500, currency: "usd" },
    { id: "enterprise", credits: 1_000_000, unitAmount: 5000, currency: "usd" },
  ],
};

/** A stand-in for the server's rule: the price depends on the model, the length on the text. */
function fakeQuote(input: RouterInputs["chat"]["quote"], spendable = 10_000): Quote {
  const factor = input.modelId === "demo-pro" ? 3 : 1;
  const maxCredits = (300 + input.content.length) * factor;
  return {
    modelId: input.modelId ?? "demo",
    maxCredits,
    likelyCredits: 40 * factor,
    inputTokens: 20 + input.content.length,
    omittedTurns: 0,
    spendable,
    covers: spendable >= maxCredits,
  };
}

async function* reply(): AsyncGenerator<ChatStreamEvent> {
  yield { type: "start", userMessageId: "u1", assistantMessageId: "a1", conversationId: "c1" };
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
    "chat.send": () => reply(),
    ...overrides,
  };
}

const quoteCalls = (calls: { path: string; input: unknown }[]) =>
  calls.filter((c) => c.path === "chat.quote").map((c) => c.input as RouterInputs["chat"]["quote"]);

// Quotes come after a 300 ms pause: on a busy machine, give every wait more than the default second.
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => localStorage.clear());

describe("the composer's quote", () => {
  it("shows up to / likely in credits and money as the user types, asking the server once per pause", async () => {
    const { calls } = renderApp(<ChatView />, { handlers: handlers() });
    await screen.findByTestId("conversation-item");
    expect(screen.queryByTestId("chat-quote")).not.toBeInTheDocument();
    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    // 305 credits at the starter pack's $5.00 / 50,000 credits = $0.0305; 40 credits = $0.004.
    await waitFor(
      () =>
        expect(screen.getByTestId("chat-quote")).toHaveTextContent("Up to 305 credits ($0.03) · likely 40 ($0.004)"),
      { timeout: 5000 },
    );
    // Typed in one go: not a quote per keystroke, and the last one for the whole word, this conversation, a send.
    expect(quoteCalls(calls).length).toBeLessThan(5);
    expect(quoteCalls(calls).at(-1)).toEqual({ conversationId: "c1", content: "Hello", kind: "send" });

    await userEvent.type(screen.getByTestId("chat-input"), " there, friend");
    await waitFor(() => expect(screen.getByTestId("chat-quote")).toHaveAttribute("data-max", "319"), {
      timeout: 5000,
    });
    expect(quoteCalls(calls).at(-1)?.content).toBe("Hello there, friend");
    expect(screen.queryByTestId("chat-quote-insufficient")).not.toBeInTheDocument();
  });

  it("says before sending that the balance does not cover the worst case, and offers the smallest pack that does", async () => {
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.quote": (input) => ({ ...fakeQuote(input, 100), maxCredits: 60_000, covers: false }),
        "credits.balance": () => ({ balance: 100, held: 0, spendable: 100 }),
      }),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "A long question");
    const notice = await screen.findByTestId("chat-quote-insufficient");
    expect(notice).toHaveTextContent("Your 100 spendable credits don't cover this message's worst case (60,000).");
    // 59,900 more are needed: the starter pack (50,000) is too small, the pro pack covers it.
    const link = within(notice).getByRole("link", { name: "Buy the Professional pack (200,000 credits)" });
    expect(link).toHaveAttribute("href", "/billing");
  });

  it("says when no pack covers it, and when older messages are left out of the context", async () => {
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.quote": (input) => ({ ...fakeQuote(input, 0), maxCredits: 2_000_000, covers: false, omittedTurns: 3 }),
      }),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "Hi");
    expect(await screen.findByTestId("chat-context-omitted")).toHaveTextContent(
      "3 earlier messages are left out of the context",
    );
    expect(screen.getByTestId("chat-quote-insufficient")).toHaveTextContent("No single pack covers it");
    expect(screen.queryByTestId("chat-quote-pack")).not.toBeInTheDocument();
  });
});

describe("the model picker", () => {
  it("is a labelled select listing prices per 1,000 tokens and messages left; switching changes the quote and the send", async () => {
    const { calls } = renderApp(<ChatView />, { handlers: handlers() });
    await screen.findByTestId("conversation-item");
    const picker = await screen.findByRole("combobox", { name: "Model" });
    await waitFor(() =>
      expect(
        within(picker)
          .getAllByRole("option")
          .map((o) => o.textContent),
      ).toEqual([
        "Demo model — 100 / 300 credits per 1,000 tokens (in / out) · ≈ 200 messages left",
        "Demo model (thorough) — 300 / 900 credits per 1,000 tokens (in / out) · ≈ 66 messages left",
      ]),
    );
    expect(picker).toHaveValue("demo");

    await userEvent.type(screen.getByTestId("chat-input"), "Hello");
    await waitFor(() => expect(screen.getByTestId("chat-quote")).toHaveAttribute("data-max", "305"));
    await userEvent.selectOptions(picker, "demo-pro");
    await waitFor(() => expect(screen.getByTestId("chat-quote")).toHaveAttribute("data-max", "915"));
    expect(quoteCalls(calls).at(-1)).toEqual({
      conversationId: "c1",
      content: "Hello",
      kind: "send",
      modelId: "demo-pro",
    });
    expect(screen.getByTestId("chat-model")).toHaveTextContent("Demo model (thorough)");

    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "chat.send")?.input).toEqual({
        conversationId: "c1",
        content: "Hello",
        modelId: "demo-pro",
      }),
    );
  });

  it("a model picked before the first message goes with it, to the conversation it creates", async () => {
    const created = { ...conversation, id: "c7" };
    let exists = false;
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": () => (exists ? [created] : []),
        "chat.createConversation": () => {
          exists = true;
          return created;
        },
      }),
    });
    await screen.findByTestId("chat-empty");
    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Model" }), "demo-pro");
    await userEvent.type(screen.getByTestId("chat-input"), "First");
    await waitFor(() => expect(screen.getByTestId("chat-quote")).toHaveAttribute("data-max", String((300 + 5) * 3)));
    expect(quoteCalls(calls).at(-1)).toEqual({ content: "First", kind: "send", modelId: "demo-pro" });
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "chat.send")?.input).toEqual({
        conversationId: "c7",
        content: "First",
        modelId: "demo-pro",
      }),
    );
  });

  it("starts on the conversation's remembered model", async () => {
    renderApp(<ChatView />, {
      handlers: handlers({ "chat.listConversations": () => [{ ...conversation, modelId: "demo-pro" }] }),
    });
    expect(await screen.findByRole("combobox", { name: "Model" })).toHaveValue("demo-pro");
  });
});

describe("the model price table", () => {
  it("lists every model with its prices, in the reader's language, without a session", async () => {
    const de = await loadMessages("de");
    const { calls } = renderApp(<ModelPrices />, {
      handlers: { "chat.models": () => MODELS },
      locale: "de",
      messages: de,
    });
    const table = await screen.findByRole("table", { name: "Chat-Modelle und ihre Preise in Credits" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole("cell")
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ["100 Credits / 1.000 Tokens", "300 Credits / 1.000 Tokens", "8.000 Tokens"],
      ["300 Credits / 1.000 Tokens", "900 Credits / 1.000 Tokens", "16.000 Tokens"],
    ]);
    expect(within(rows[1]!).getByRole("rowheader")).toHaveTextContent("Demo-Modell (gründlich)");
    expect(calls.map((c) => c.path)).toEqual(["chat.models"]);
  });
});
