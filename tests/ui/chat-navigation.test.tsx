import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { BillingView } from "~/components/billing/billing-view";
import { ChatView } from "~/components/chat/chat-view";
import { UNSENT_KEY } from "~/components/chat/unsent-message";
import type { RouterOutputs } from "~/trpc/react";

import { renderApp, trpcError, type Handlers } from "./helpers/render-app";

type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;
type MessageOut = RouterOutputs["chat"]["messages"][number];

// Like Next.js: usePathname follows history.pushState/replaceState without a navigation.
vi.mock("next/navigation", async () => {
  const { useSyncExternalStore } = await import("react");
  const listeners = new Set<() => void>();
  for (const method of ["pushState", "replaceState"] as const) {
    const original = window.history[method].bind(window.history);
    window.history[method] = (...args: Parameters<History["pushState"]>) => {
      original(...args);
      for (const l of listeners) l();
    };
  }
  const subscribe = (l: () => void) => {
    listeners.add(l);
    return () => void listeners.delete(l);
  };
  return { usePathname: () => useSyncExternalStore(subscribe, () => window.location.pathname) };
});
vi.mock("~/lib/navigate", () => ({ navigateTo: vi.fn() }));

const at = new Date("2026-01-01T00:00:00Z");
const c1 = { id: "c1", title: "First", updatedAt: at, creditsTotal: 0 };
const c2 = { id: "c2", title: "Second", updatedAt: at, creditsTotal: 0 };
const message = (id: string, role: "user" | "assistant", content: string): MessageOut => ({
  id,
  role,
  content,
  status: "complete",
  creditsCharged: null,
  inputTokens: null,
  outputTokens: null,
  createdAt: at,
});

function handlers(overrides: Handlers = {}): Handlers {
  return {
    "chat.listConversations": () => [c1, c2],
    "chat.messages": (input) => {
      const id = (input as { conversationId: string }).conversationId;
      if (id === "c1") return [message("m1", "user", "Question one")];
      if (id === "c2") return [message("m2", "user", "Question two")];
      throw trpcError("NOT_FOUND", 404);
    },
    "chat.model": () => ({ id: "demo", label: "Demo", demo: true }),
    "credits.balance": () => ({ balance: 0, held: 0, spendable: 0 }),
    ...overrides,
  };
}

function openAt(path: string) {
  window.history.replaceState(null, "", path);
}

beforeEach(() => {
  localStorage.clear();
  openAt("/chat");
});

describe("chat navigation (the open conversation lives in the URL)", () => {
  it("/chat/c2 opens the second conversation, and the sidebar entries are real links", async () => {
    openAt("/chat/c2");
    const { calls } = renderApp(<ChatView />, { handlers: handlers() });
    expect(await screen.findByText("Question two")).toBeInTheDocument();
    expect(screen.queryByText("Question one")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.path === "chat.messages").map((c) => c.input)).toEqual([{ conversationId: "c2" }]);
    const links = screen.getAllByTestId("conversation-link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["/chat/c1", "/chat/c2"]);
    expect(links[1]).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Second");
  });

  it("/chat alone shows the newest conversation and puts its id in the URL without a new history entry", async () => {
    const before = window.history.length;
    renderApp(<ChatView />, { handlers: handlers() });
    expect(await screen.findByText("Question one")).toBeInTheDocument();
    await waitFor(() => expect(window.location.pathname).toBe("/chat/c1"));
    expect(window.history.length).toBe(before);
  });

  it("a new conversation gets its URL pushed (Back returns to the previous one)", async () => {
    openAt("/chat/c1");
    const before = window.history.length;
    const c3 = { id: "c3", title: "", updatedAt: at };
    renderApp(<ChatView />, { handlers: handlers({ "chat.createConversation": () => c3 }) });
    await screen.findByText("Question one");
    await userEvent.click(screen.getByTestId("new-conversation"));
    await waitFor(() => expect(window.location.pathname).toBe("/chat/c3"));
    expect(window.history.length).toBe(before + 1);
    expect(await screen.findByTestId("chat-empty")).toBeInTheDocument();
  });

  it("a message sent while New conversation is still being created goes to the new one, once, not to the one shown", async () => {
    openAt("/chat/c1");
    const c3 = { id: "c3", title: "", updatedAt: at };
    let created!: () => void;
    const creating = new Promise<void>((resolve) => (created = resolve));
    async function* reply(): AsyncGenerator<ChatStreamEvent> {
      yield { type: "start", userMessageId: "u3", assistantMessageId: "a3", conversationId: "c3" };
      yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 1 }, creditsCharged: 1 };
    }
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({
        "chat.createConversation": async () => (await creating, c3),
        "chat.send": () => reply(),
      }),
    });
    await screen.findByText("Question one");
    await userEvent.click(screen.getByTestId("new-conversation"));
    await userEvent.type(screen.getByTestId("chat-input"), "Hello new");
    await userEvent.click(screen.getByTestId("chat-send"));
    await userEvent.click(screen.getByTestId("chat-send"));
    expect(calls.filter((c) => c.path === "chat.send")).toEqual([]);
    created();
    await waitFor(() => expect(window.location.pathname).toBe("/chat/c3"));
    await waitFor(() =>
      expect(calls.filter((c) => c.path === "chat.send").map((c) => c.input)).toEqual([
        { conversationId: "c3", content: "Hello new" },
      ]),
    );
  });

  it("deleting the open conversation opens the next one under its URL, not a not-found page", async () => {
    openAt("/chat/c1");
    let deleted = false;
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": () => (deleted ? [c2] : [c1, c2]),
        "chat.deleteConversation": () => {
          deleted = true;
          return { id: "c1" };
        },
      }),
    });
    await screen.findByText("Question one");
    const first = screen.getAllByTestId("conversation-item")[0]!;
    await userEvent.click(within(first).getByTestId("conversation-delete"));
    await userEvent.click(within(first).getByTestId("conversation-delete-confirm"));
    await waitFor(() => expect(window.location.pathname).toBe("/chat/c2"));
    expect(await screen.findByText("Question two")).toBeInTheDocument();
    expect(screen.queryByTestId("chat-not-found")).not.toBeInTheDocument();
  });

  it("an unknown (or someone else's) conversation shows a not-found state and no composer", async () => {
    openAt("/chat/someone-elses");
    renderApp(<ChatView />, { handlers: handlers() });
    expect(await screen.findByTestId("chat-not-found")).toHaveTextContent(
      "This conversation does not exist or is not yours.",
    );
    expect(screen.queryByTestId("chat-input")).not.toBeInTheDocument();
    expect(within(screen.getByTestId("chat-not-found")).getByRole("link")).toHaveAttribute("href", "/chat");
  });
});

describe("chat accessibility", () => {
  it("the message list is a keyboard-scrollable region, not a live region; only the finished reply is announced", async () => {
    openAt("/chat/c1");
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    async function* reply(): AsyncGenerator<ChatStreamEvent> {
      yield { type: "start", userMessageId: "u1", assistantMessageId: "a1", conversationId: "c1" };
      yield { type: "delta", text: "Partial" };
      await finished;
      yield { type: "delta", text: " answer." };
      answered = true;
      yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
    }
    let answered = false;
    renderApp(<ChatView />, {
      handlers: handlers({
        "chat.send": () => reply(),
        "chat.messages": () =>
          answered
            ? [
                message("m1", "user", "Question one"),
                message("u1", "user", "Tell me"),
                message("a1", "assistant", "Partial answer."),
              ]
            : [message("m1", "user", "Question one")],
      }),
    });
    await screen.findByText("Question one");

    const list = screen.getByRole("region", { name: "Messages" });
    expect(list).toHaveAttribute("tabindex", "0");
    expect(list.closest("[aria-live]")).toBeNull();
    // Only a copy button's own "Copied" feedback may be live inside the list, never message text.
    const liveInList = () => [...list.querySelectorAll("[aria-live]")];
    expect(liveInList().every((el) => el.closest('[data-testid="message-copy"]'))).toBe(true);
    // The visually hidden "You:" labels are positioned inside the scrolling list, not outside it.
    expect(list.className).toMatch(/\brelative\b/);

    await userEvent.type(screen.getByTestId("chat-input"), "Tell me");
    await userEvent.click(screen.getByTestId("chat-send"));
    const announcer = screen.getByTestId("chat-announcer");
    expect(announcer).toHaveAttribute("role", "status");
    await screen.findByText("Partial");
    expect(announcer).toHaveTextContent("");
    expect(liveInList().some((el) => el.textContent?.includes("Partial"))).toBe(false);

    finish();
    await waitFor(() => expect(announcer).toHaveTextContent("Assistant: Partial answer."));
  });
});

describe("the message refused by the paywall", () => {
  it("is back in the composer of its conversation, and Send again sends exactly what is shown", async () => {
    openAt("/chat/c1");
    localStorage.setItem(UNSENT_KEY, JSON.stringify({ conversationId: "c1", content: "from before" }));
    async function* reply(): AsyncGenerator<ChatStreamEvent> {
      yield { type: "start", userMessageId: "u1", assistantMessageId: "a1", conversationId: "c1" };
      yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
    }
    const { calls } = renderApp(<ChatView />, { handlers: handlers({ "chat.send": () => reply() }) });
    await waitFor(() => expect(screen.getByTestId("chat-input")).toHaveValue("from before"));
    expect(screen.getByTestId("chat-unsent")).toHaveTextContent("It is back in the message box");
    expect(screen.getByTestId("chat-unsent")).not.toHaveTextContent("After buying credits");

    await userEvent.type(screen.getByTestId("chat-input"), ", edited");
    await userEvent.click(screen.getByTestId("chat-resend"));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "chat.send")?.input).toEqual({
        conversationId: "c1",
        content: "from before, edited",
      }),
    );
    await waitFor(() => expect(localStorage.getItem(UNSENT_KEY)).toBeNull());
  });

  it("seen from another conversation, links to its own instead of sending text the user cannot see", async () => {
    openAt("/chat/c2");
    localStorage.setItem(UNSENT_KEY, JSON.stringify({ conversationId: "c1", content: "from before" }));
    renderApp(<ChatView />, { handlers: handlers() });
    await screen.findByText("Question two");
    expect(screen.getByTestId("chat-input")).toHaveValue("");
    expect(screen.queryByTestId("chat-resend")).not.toBeInTheDocument();
    expect(screen.getByTestId("chat-unsent-open")).toHaveAttribute("href", "/chat/c1");
  });

  it("Billing offers the way back to that conversation", async () => {
    localStorage.setItem(UNSENT_KEY, JSON.stringify({ conversationId: "c1", content: "from before" }));
    renderApp(<BillingView success canceled={false} sessionId={null} />, {
      handlers: {
        "billing.products": () => ({ mode: "emulator", products: [] }),
        "billing.purchases": () => ({ items: [], nextCursor: null }),
        "credits.history": () => ({ items: [], nextCursor: null }),
        "credits.spentPerDay": () => [],
        "credits.balance": () => ({ balance: 10, held: 0, spendable: 10 }),
      },
    });
    expect(await screen.findByTestId("billing-back-to-chat")).toHaveAttribute("href", "/chat/c1");
    expect(screen.getByTestId("billing-back-to-chat")).toHaveTextContent("Back to your conversation");
  });
});
