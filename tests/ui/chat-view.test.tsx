import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ChatView } from "~/components/chat/chat-view";
import { UNSENT_KEY } from "~/components/chat/unsent-message";
import { onPaymentRequired } from "~/trpc/paywall-events";
import type { RouterOutputs } from "~/trpc/react";

import { renderApp, trpcError, type Handlers } from "./helpers/render-app";

const conversation = { id: "c1", title: "First", updatedAt: new Date("2026-01-01T00:00:00Z"), creditsTotal: 0 };

type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

async function* reply(text: string[]): AsyncGenerator<ChatStreamEvent> {
  yield { type: "start", userMessageId: "u1", assistantMessageId: "a1", conversationId: "c1" };
  for (const t of text) yield { type: "delta", text: t };
  yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
}

function handlers(send: Handlers["chat.send"]): Handlers {
  return {
    "chat.listConversations": () => [conversation],
    "chat.messages": () => [],
    "chat.model": () => ({ id: "demo", label: "Demo", demo: true }),
    "chat.models": () => [],
    "billing.products": () => ({ products: [], mode: "emulator" }),
    "credits.balance": () => ({ balance: 0, held: 0, spendable: 0 }),
    "chat.send": send,
  };
}

beforeEach(() => localStorage.clear());

describe("chat page", () => {
  it("labels the demo model and limits input to 8000 characters with a clear message", async () => {
    renderApp(<ChatView />, { handlers: handlers(() => reply([])) });
    expect(await screen.findByTestId("chat-model")).toHaveTextContent("Demo model");
    const input = screen.getByTestId("chat-input");
    await userEvent.click(input);
    await userEvent.paste("x".repeat(8000));
    expect(screen.queryByTestId("chat-too-long")).not.toBeInTheDocument();
    expect(screen.getByTestId("chat-send")).toBeEnabled();
    await userEvent.paste("x".repeat(5));
    expect(screen.getByTestId("chat-too-long")).toHaveTextContent("at most 8,000 characters. Shorten it by 5.");
    expect(screen.getByTestId("chat-send")).toBeDisabled();
  });

  it("streams the reply into the assistant message and clears the composer", async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    async function* streaming() {
      for await (const event of reply(["Hel", "lo **you**"])) {
        if (event.type === "done") await finished; // the reply waits after its deltas until the test lets it end
        yield event;
      }
    }
    let stored: RouterOutputs["chat"]["messages"] = [];
    const { calls } = renderApp(<ChatView />, {
      handlers: { ...handlers(() => streaming()), "chat.messages": () => stored },
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "Hi there");
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "chat.send")?.input).toEqual({ conversationId: "c1", content: "Hi there" }),
    );
    const assistantMessages = () =>
      screen.queryAllByTestId("chat-message").filter((m) => m.dataset.role === "assistant");

    // The deltas arrive in the assistant message as they stream, rendered as Markdown.
    await waitFor(() => expect(assistantMessages()).toHaveLength(1));
    await waitFor(() => expect(assistantMessages()[0]).toHaveTextContent("Hello you"));
    expect(within(assistantMessages()[0]!).getByText("you").tagName).toBe("STRONG");
    expect(assistantMessages()[0]).toHaveAttribute("data-status", "streaming");
    expect(screen.getByTestId("chat-input")).toHaveValue("");

    // Once done, the live copy is replaced by the persisted messages: the reply shows once, complete.
    const at = new Date("2026-01-01T00:01:00Z");
    stored = [
      {
        id: "u1",
        role: "user",
        content: "Hi there",
        status: "complete",
        creditsCharged: null,
        inputTokens: null,
        outputTokens: null,
        createdAt: at,
      },
      {
        id: "a1",
        role: "assistant",
        content: "Hello **you**",
        status: "complete",
        creditsCharged: 3,
        inputTokens: 1,
        outputTokens: 2,
        createdAt: at,
      },
    ];
    finish();
    await waitFor(() => expect(calls.filter((c) => c.path === "chat.messages").length).toBeGreaterThanOrEqual(2));
    await waitFor(() =>
      expect(assistantMessages().map((m) => [m.dataset.status, m.textContent?.includes("Hello you")])).toEqual([
        ["complete", true],
      ]),
    );
  });

  it("PAYMENT_REQUIRED opens the paywall via the global handler and keeps the message for one-click resend", async () => {
    const paywall = vi.fn();
    const off = onPaymentRequired(paywall);
    let allow = false;
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers(() => (allow ? reply(["ok"]) : Promise.reject(trpcError("PAYMENT_REQUIRED", 402)))),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "Please keep me");
    await userEvent.click(screen.getByTestId("chat-send"));

    await waitFor(() => expect(paywall).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId("chat-input")).toHaveValue("Please keep me");
    expect(JSON.parse(localStorage.getItem(UNSENT_KEY) ?? "null")).toEqual({
      conversationId: "c1",
      content: "Please keep me",
    });
    const resend = await screen.findByTestId("chat-resend");

    allow = true;
    await userEvent.click(resend);
    await waitFor(() => expect(calls.filter((c) => c.path === "chat.send")).toHaveLength(2));
    expect(calls.filter((c) => c.path === "chat.send")[1]?.input).toEqual({
      conversationId: "c1",
      content: "Please keep me",
    });
    await waitFor(() => expect(localStorage.getItem(UNSENT_KEY)).toBeNull());
    await waitFor(() => expect(screen.queryByTestId("chat-resend")).not.toBeInTheDocument());
    off();
  });

  it("restores an unsent message after coming back (e.g. from /billing) and other errors offer Retry", async () => {
    localStorage.setItem(UNSENT_KEY, JSON.stringify({ conversationId: "c1", content: "from before" }));
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers(() => Promise.reject(trpcError("INTERNAL_SERVER_ERROR", 500))),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.click(await screen.findByTestId("chat-resend"));
    expect(await screen.findByTestId("chat-retry")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("chat-retry"));
    await waitFor(() => expect(calls.filter((c) => c.path === "chat.send")).toHaveLength(2));
    expect(calls.filter((c) => c.path === "chat.send").map((c) => c.input)).toEqual([
      { conversationId: "c1", content: "from before" },
      { conversationId: "c1", content: "from before" },
    ]);
  });

  it("a server that is restarting (SERVICE_UNAVAILABLE) gets the message once more automatically; a second refusal offers Retry", async () => {
    let refusals = 1;
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers(() =>
        refusals-- > 0 ? Promise.reject(trpcError("SERVICE_UNAVAILABLE", 503)) : reply(["Back", " again"]),
      ),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("chat-input"), "During a deploy");
    await userEvent.click(screen.getByTestId("chat-send"));
    await waitFor(() => expect(calls.filter((c) => c.path === "chat.send")).toHaveLength(2));
    // The resent message streamed: the composer is cleared, no error is shown.
    await waitFor(() => expect(screen.getByTestId("chat-input")).toHaveValue(""));
    expect(screen.queryByTestId("chat-retry")).not.toBeInTheDocument();

    refusals = 2;
    await userEvent.type(screen.getByTestId("chat-input"), "Still deploying");
    await userEvent.click(screen.getByTestId("chat-send"));
    expect(await screen.findByTestId("chat-retry")).toBeInTheDocument();
    expect(calls.filter((c) => c.path === "chat.send")).toHaveLength(4);
    expect(screen.getByTestId("chat-input")).toHaveValue("Still deploying");
  });

  it("a new account's first message shows once while the reply streams and after, though the new conversation loads the saved message meanwhile", async () => {
    const question = "How do credits work in Tally?";
    const created = { id: "c9", title: "", updatedAt: new Date("2026-01-01T00:00:00Z") };
    const at = new Date("2026-01-01T00:00:01Z");
    let hasConversation = false;
    let replyState: "none" | "streaming" | "complete" = "none";
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    async function* firstReply(): AsyncGenerator<ChatStreamEvent> {
      // Like the server: both messages are saved before the first event.
      replyState = "streaming";
      yield { type: "start", userMessageId: "u9", assistantMessageId: "a9", conversationId: "c9" };
      yield { type: "delta", text: "Credits pay" };
      await finished;
      yield { type: "delta", text: " for replies." };
      replyState = "complete";
      yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
    }
    const { calls, queryClient } = renderApp(<ChatView />, {
      handlers: {
        ...handlers(() => firstReply()),
        "chat.listConversations": () => (hasConversation ? [{ ...created, title: question, creditsTotal: 3 }] : []),
        "chat.createConversation": () => {
          hasConversation = true;
          return created;
        },
        "chat.messages": () =>
          replyState === "none"
            ? []
            : [
                {
                  id: "u9",
                  role: "user",
                  content: question,
                  status: "complete",
                  creditsCharged: null,
                  inputTokens: null,
                  outputTokens: null,
                  createdAt: at,
                },
                replyState === "streaming"
                  ? {
                      id: "a9",
                      role: "assistant",
                      content: "",
                      status: "streaming",
                      creditsCharged: null,
                      inputTokens: null,
                      outputTokens: null,
                      createdAt: at,
                    }
                  : {
                      id: "a9",
                      role: "assistant",
                      content: "Credits pay for replies.",
                      status: "complete",
                      creditsCharged: 3,
                      inputTokens: 1,
                      outputTokens: 2,
                      createdAt: at,
                    },
              ],
      },
    });
    const bubbles = (role: "user" | "assistant") =>
      screen.queryAllByTestId("chat-message").filter((el) => el.dataset.role === role);
    const questions = () => bubbles("user").filter((el) => el.textContent?.includes(question));

    await screen.findByTestId("chat-empty");
    await userEvent.type(screen.getByTestId("chat-input"), question);
    await userEvent.click(screen.getByTestId("chat-send"));

    // Streaming, the new conversation is listed and selected, and every load has answered.
    await waitFor(() => expect(bubbles("assistant").some((el) => el.textContent?.includes("Credits pay"))).toBe(true));
    await waitFor(() => expect(screen.getByTestId("conversation-item")).toHaveAttribute("data-active", "true"));
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    expect(calls.find((c) => c.path === "chat.send")?.input).toEqual({ conversationId: "c9", content: question });
    expect(questions()).toHaveLength(1);
    expect(bubbles("assistant")).toHaveLength(1);

    // A reload of the conversation mid-reply (e.g. on window focus) returns the saved copies too.
    const loadsBefore = calls.filter((c) => c.path === "chat.messages").length;
    await act(() => queryClient.refetchQueries({ type: "active" }));
    expect(calls.filter((c) => c.path === "chat.messages").length).toBeGreaterThan(loadsBefore);
    expect(questions()).toHaveLength(1);
    expect(bubbles("assistant")).toHaveLength(1);
    expect(screen.queryByText("Thinking…")).not.toBeInTheDocument();

    finish();
    await waitFor(() => expect(screen.queryByTestId("chat-stop")).not.toBeInTheDocument());
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    expect(questions()).toHaveLength(1);
    expect(bubbles("assistant")).toHaveLength(1);
    expect(bubbles("assistant")[0]).toHaveTextContent("Credits pay for replies.");
    expect(bubbles("assistant")[0]).toHaveAttribute("data-status", "complete");
  });
});
