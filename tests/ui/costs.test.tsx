import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { LedgerHistory } from "~/components/billing/ledger-history";
import { ChatView } from "~/components/chat/chat-view";
import { MessageBubble } from "~/components/chat/message-bubble";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, type Handlers } from "./helpers/render-app";

type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;
type MessageOut = RouterOutputs["chat"]["messages"][number];
type ConversationOut = RouterOutputs["chat"]["listConversations"][number];
type LedgerEntryOut = RouterOutputs["credits"]["history"]["items"][number];

const at = new Date("2026-01-01T00:00:00Z");

function message(over: Partial<MessageOut> & Pick<MessageOut, "id" | "role">): MessageOut {
  return {
    content: over.role === "user" ? "Why is the sky blue?" : "Because of **Rayleigh** scattering.",
    status: "complete",
    creditsCharged: null,
    inputTokens: null,
    outputTokens: null,
    createdAt: at,
    ...over,
  };
}

const question = message({ id: "u1", role: "user" });
const answer = message({ id: "a1", role: "assistant", creditsCharged: 42, inputTokens: 900, outputTokens: 120 });

function chatHandlers(over: Handlers = {}): Handlers {
  return {
    "chat.listConversations": () => [{ id: "c1", title: "Sky", updatedAt: at, creditsTotal: 42 }],
    "chat.messages": () => [question, answer],
    "chat.model": () => ({ id: "demo", label: "Demo", demo: true }),
    "credits.balance": () => ({ balance: 1000, held: 0, spendable: 1000 }),
    ...over,
  };
}

const replies = () => screen.getAllByTestId("chat-message").filter((m) => m.dataset.role === "assistant");

beforeEach(() => localStorage.clear());

describe("what each reply cost", () => {
  it("a stored reply shows its credits, with its input and output tokens in the title; the question shows none", async () => {
    renderApp(<ChatView />, { handlers: chatHandlers() });
    const [reply] = await waitFor(() => {
      expect(replies()).toHaveLength(1);
      return replies();
    });
    const cost = within(reply!).getByTestId("message-cost");
    expect(cost).toHaveTextContent("42 credits");
    expect(cost).toHaveAttribute("title", "900 input tokens · 120 output tokens");
    const user = screen.getAllByTestId("chat-message").find((m) => m.dataset.role === "user")!;
    expect(within(user).queryByTestId("message-cost")).toBeNull();
  });

  it("a stopped reply shows what it was charged, even 0; a failed reply that charged nothing shows no cost", () => {
    renderApp(
      <ol>
        <MessageBubble role="assistant" content="Half" status="stopped" cost={{ creditsCharged: 0 }} />
        <MessageBubble
          role="assistant"
          content="Half a reply"
          status="stopped"
          cost={{ creditsCharged: 1, inputTokens: 8, outputTokens: 1 }}
        />
        <MessageBubble role="assistant" content="" status="error" cost={{ creditsCharged: 0 }} />
        <MessageBubble role="assistant" content="Partly" status="error" cost={{ creditsCharged: 5 }} />
        <MessageBubble role="assistant" content="Still writing" status="streaming" cost={{ creditsCharged: null }} />
      </ol>,
    );
    const [stoppedFree, stopped, failedFree, failed, streaming] = screen.getAllByTestId("chat-message");
    expect(within(stoppedFree!).getByTestId("message-cost")).toHaveTextContent("0 credits");
    expect(stoppedFree).toHaveTextContent("Stopped");
    expect(within(stopped!).getByTestId("message-cost")).toHaveTextContent(/^1 credit$/);
    expect(within(stopped!).getByTestId("message-cost")).toHaveAttribute("title", "8 input tokens · 1 output token");
    expect(within(failedFree!).queryByTestId("message-cost")).toBeNull();
    expect(failedFree).toHaveTextContent("The reply failed.");
    expect(within(failed!).getByTestId("message-cost")).toHaveTextContent("5 credits");
    // No title when the tokens are unknown.
    expect(within(failed!).getByTestId("message-cost")).not.toHaveAttribute("title");
    expect(within(streaming!).queryByTestId("message-cost")).toBeNull();
  });

  it("a new reply shows the cost its done event reports, before the stored reply is loaded back", async () => {
    let finishReply!: () => void;
    const replyDone = new Promise<void>((r) => (finishReply = r));
    let releaseReload!: () => void;
    const reload = new Promise<void>((r) => (releaseReload = r));
    let sent = false;
    let total = 42;
    async function* stream(): AsyncGenerator<ChatStreamEvent> {
      sent = true;
      yield { type: "start", userMessageId: "u2", assistantMessageId: "a2", conversationId: "c1" };
      yield { type: "delta", text: "Blue light scatters more." };
      await replyDone;
      total += 17;
      yield { type: "done", status: "complete", usage: { inputTokens: 300, outputTokens: 25 }, creditsCharged: 17 };
    }
    const stored2 = [
      question,
      answer,
      message({ id: "u2", role: "user", content: "Why?" }),
      message({
        id: "a2",
        role: "assistant",
        content: "Blue light scatters more.",
        creditsCharged: 17,
        inputTokens: 300,
        outputTokens: 25,
      }),
    ];
    renderApp(<ChatView />, {
      handlers: chatHandlers({
        "chat.send": () => stream(),
        "chat.listConversations": () => [{ id: "c1", title: "Sky", updatedAt: at, creditsTotal: total }],
        // The reload after the reply waits until the test lets it through.
        "chat.messages": async () => (sent ? (await reload, stored2) : [question, answer]),
      }),
    });
    expect(await screen.findByTestId("chat-total")).toHaveTextContent("Total: 42 credits");
    await userEvent.type(screen.getByTestId("chat-input"), "Why?");
    await userEvent.click(screen.getByTestId("chat-send"));

    await waitFor(() => expect(replies()).toHaveLength(2));
    expect(replies()[1]).toHaveAttribute("data-status", "streaming");
    expect(within(replies()[1]!).queryByTestId("message-cost")).toBeNull();

    finishReply();
    // The live copy: complete, with the done event's credits and tokens.
    await waitFor(() => expect(within(replies()[1]!).getByTestId("message-cost")).toHaveTextContent("17 credits"));
    expect(replies()[1]).toHaveAttribute("data-status", "complete");
    expect(within(replies()[1]!).getByTestId("message-cost")).toHaveAttribute(
      "title",
      "300 input tokens · 25 output tokens",
    );

    // The conversation's total follows the new reply, in the header and in the sidebar.
    await waitFor(() => expect(screen.getByTestId("chat-total")).toHaveTextContent("Total: 59 credits"));
    expect(screen.getByTestId("conversation-total")).toHaveTextContent("59 credits");

    releaseReload();
    await waitFor(() =>
      expect(screen.getAllByTestId("message-cost").map((c) => c.textContent)).toEqual(["42 credits", "17 credits"]),
    );
  });
});

describe("a stopped reply", () => {
  it(
    "shows what it was charged once the server has settled it, loading it again until then",
    { timeout: 20_000 },
    async () => {
      let streamed!: () => void;
      const started = new Promise<void>((r) => (streamed = r));
      let settled = false;
      let loads = 0;
      let cutStream!: () => void;
      const cut = new Promise<void>((r) => (cutStream = r));
      async function* stream(): AsyncGenerator<ChatStreamEvent> {
        yield { type: "start", userMessageId: "u2", assistantMessageId: "a2", conversationId: "c1" };
        yield { type: "delta", text: "Blue light" };
        streamed();
        // The user stops it; the fake transport ends the stream as the aborted request would.
        await cut;
        throw new DOMException("The user aborted a request.", "AbortError");
      }
      const stopped = (status: MessageOut["status"], creditsCharged: number | null) => [
        question,
        answer,
        message({ id: "u2", role: "user", content: "Why?" }),
        message({ id: "a2", role: "assistant", content: "Blue light", status, creditsCharged, inputTokens: 300 }),
      ];
      renderApp(<ChatView />, {
        handlers: chatHandlers({
          "chat.send": () => stream(),
          "chat.messages": () => {
            loads++;
            if (loads === 1) return [question, answer];
            // The server settles the stopped reply a little after the browser let go of it.
            return settled ? stopped("stopped", 11) : stopped("streaming", null);
          },
        }),
      });
      await screen.findByTestId("chat-total");
      await userEvent.type(screen.getByTestId("chat-input"), "Why?");
      await userEvent.click(screen.getByTestId("chat-send"));
      await started;
      await userEvent.click(await screen.findByTestId("chat-stop"));
      cutStream();

      // Loaded back while still being settled: no cost yet, and the chat asks again.
      await waitFor(() => expect(replies()[1]).toHaveAttribute("data-status", "streaming"));
      expect(within(replies()[1]!).queryByTestId("message-cost")).toBeNull();
      const loadsWhileSettling = loads;
      await waitFor(() => expect(loads).toBeGreaterThan(loadsWhileSettling), { timeout: 5000 });

      settled = true;
      await waitFor(() => expect(replies()[1]).toHaveAttribute("data-status", "stopped"), { timeout: 5000 });
      expect(within(replies()[1]!).getByTestId("message-cost")).toHaveTextContent("11 credits");
      expect(replies()[1]).toHaveTextContent("Stopped");
    },
  );
});

describe("what a conversation cost", () => {
  it("the header and the sidebar show each conversation's total; a conversation that cost nothing shows none in the list", async () => {
    const list: ConversationOut[] = [
      { id: "c1", title: "Sky", updatedAt: at, creditsTotal: 1234 },
      { id: "c2", title: "Free so far", updatedAt: at, creditsTotal: 0 },
    ];
    renderApp(<ChatView />, { handlers: chatHandlers({ "chat.listConversations": () => list }) });
    expect(await screen.findByTestId("chat-total")).toHaveTextContent("Total: 1,234 credits");
    const [sky, free] = screen.getAllByTestId("conversation-item");
    expect(within(sky!).getByTestId("conversation-total")).toHaveTextContent("1,234 credits");
    expect(within(sky!).getByTestId("conversation-total")).toHaveAttribute("title", "Total: 1,234 credits");
    expect(within(free!).queryByTestId("conversation-total")).toBeNull();
  });

  it("speaks the locale: German and Japanese totals and reply costs", async () => {
    const { unmount } = renderApp(<ChatView />, {
      handlers: chatHandlers(),
      locale: "de",
      messages: await loadMessages("de"),
    });
    expect(await screen.findByTestId("chat-total")).toHaveTextContent("Gesamt: 42 Credits");
    await waitFor(() => expect(screen.getByTestId("message-cost")).toHaveTextContent("42 Credits"));
    expect(screen.getByTestId("message-cost")).toHaveAttribute("title", "900 Eingabe-Tokens · 120 Ausgabe-Tokens");
    unmount();

    renderApp(<ChatView />, { handlers: chatHandlers(), locale: "ja", messages: await loadMessages("ja") });
    expect(await screen.findByTestId("chat-total")).toHaveTextContent("合計: 42 クレジット");
  });
});

describe("credit history rows say what they paid for", () => {
  const entry = (over: Partial<LedgerEntryOut> & Pick<LedgerEntryOut, "id" | "reason" | "amount">): LedgerEntryOut => ({
    balanceAfter: 1000,
    refType: "operator",
    refId: over.id,
    note: null,
    createdAt: at,
    conversation: null,
    packId: null,
    ...over,
  });
  const rows: LedgerEntryOut[] = [
    entry({ id: "l1", reason: "chat_usage", amount: -42, conversation: { id: "c1", title: "Trip to Kyoto" } }),
    entry({ id: "l2", reason: "chat_usage", amount: -7, conversation: { id: "c 2", title: "" } }),
    entry({ id: "l3", reason: "chat_usage", amount: -9, conversation: null }),
    entry({ id: "l4", reason: "purchase", amount: 200_000, packId: "pro" }),
    entry({ id: "l5", reason: "refund", amount: -50_000 }),
    entry({ id: "l6", reason: "dispute", amount: -50_000 }),
    entry({ id: "l7", reason: "dispute_won", amount: 50_000 }),
    entry({ id: "l8", reason: "signup_bonus", amount: 10_000 }),
    entry({ id: "l9", reason: "adjustment", amount: 5 }),
  ];

  it("a chat row names its conversation and links to it; a deleted one says so without a link; others name their cause", async () => {
    renderApp(<LedgerHistory />, { handlers: { "credits.history": () => ({ items: rows, nextCursor: null }) } });
    await waitFor(() => expect(screen.getAllByTestId("ledger-row")).toHaveLength(rows.length));
    const [kyoto, untitled, deleted, purchase, refund, dispute, won, bonus, adjustment] =
      screen.getAllByTestId("ledger-row");

    const link = within(kyoto!).getByRole("link", { name: "Chat: Trip to Kyoto" });
    expect(link).toHaveAttribute("href", "/chat/c1");
    expect(kyoto).toHaveAttribute("data-conversation-id", "c1");
    expect(within(untitled!).getByRole("link", { name: "Chat: New conversation" })).toHaveAttribute(
      "href",
      "/chat/c%202",
    );
    expect(deleted).toHaveTextContent("Deleted conversation");
    expect(within(deleted!).queryByRole("link")).toBeNull();
    expect(purchase).toHaveTextContent("Credit purchase: Professional");
    expect(refund).toHaveTextContent("Refund");
    expect(dispute).toHaveTextContent("Payment dispute");
    expect(won).toHaveTextContent("Dispute won: credits restored");
    expect(bonus).toHaveTextContent("Welcome bonus");
    expect(adjustment).toHaveTextContent("Manual adjustment");
    // Only the two chat rows with a conversation are links.
    expect(screen.getAllByRole("link")).toHaveLength(2);
  });

  it("in French, with no raw message keys", async () => {
    renderApp(<LedgerHistory />, {
      handlers: { "credits.history": () => ({ items: rows, nextCursor: null }) },
      locale: "fr",
      messages: await loadMessages("fr"),
    });
    await waitFor(() => expect(screen.getAllByTestId("ledger-row")).toHaveLength(rows.length));
    const [kyoto, , deleted, purchase] = screen.getAllByTestId("ledger-row");
    expect(within(kyoto!).getByRole("link")).toHaveTextContent("Conversation : Trip to Kyoto");
    expect(deleted).toHaveTextContent("Conversation supprimée");
    expect(purchase).toHaveTextContent("Achat de crédits : Professionnel");
    expect(document.body.textContent).not.toMatch(/\b(billing|chat)\.[a-z]/);
  });
});
