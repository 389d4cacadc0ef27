import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ChatView } from "~/components/chat/chat-view";
import { plainMarkdownText } from "~/components/chat/markdown";
import { MessageBubble } from "~/components/chat/message-bubble";
import { ErrorContent } from "~/components/errors/error-content";
import type { ChatStreamEvent, MessageOut } from "~/server/api/routers/chat";

import { renderApp, trpcError, type Handlers } from "./helpers/render-app";

const conversation = { id: "c1", title: "Sky", updatedAt: new Date("2026-01-01T00:00:00Z"), creditsTotal: 7 };
const stored: MessageOut[] = [
  {
    id: "u1",
    role: "user",
    content: "Why is the sky blue?",
    status: "complete",
    creditsCharged: null,
    inputTokens: null,
    outputTokens: null,
    createdAt: new Date("2026-01-01T00:00:00Z"),
  },
  {
    id: "a1",
    role: "assistant",
    content: "Old **answer**.",
    status: "complete",
    creditsCharged: 7,
    inputTokens: 40,
    outputTokens: 10,
    createdAt: new Date("2026-01-01T00:00:01Z"),
  },
];

/** A reply that streams `first`, then waits for `release` before finishing. */
function gatedReply(first: string, release: Promise<void>, ids = { userMessageId: "u1", assistantMessageId: "a2" }) {
  return (async function* (): AsyncGenerator<ChatStreamEvent> {
    yield { type: "start", ...ids, conversationId: "c1" };
    yield { type: "delta", text: first };
    await release;
    yield { type: "done", status: "complete", usage: { inputTokens: 1, outputTokens: 2 }, creditsCharged: 3 };
  })();
}

function handlers(extra: Handlers): Handlers {
  return {
    "chat.listConversations": () => [conversation],
    "chat.messages": () => stored,
    "chat.model": () => ({ id: "demo", label: "Demo", demo: true }),
    "credits.balance": () => ({ balance: 100, held: 0, spendable: 100 }),
    ...extra,
  };
}

beforeEach(() => localStorage.clear());

describe("chat message actions", () => {
  it("a streaming reply never shows unclosed Markdown markers", async () => {
    renderApp(
      <ol>
        <MessageBubble role="assistant" content={"Here is **bold te"} status="streaming" />
        <MessageBubble role="assistant" content={"A `code sp"} status="streaming" />
        <MessageBubble role="assistant" content={"See [the docs](https://exa"} status="streaming" />
        <MessageBubble role="assistant" content={"Set `A` and `"} status="streaming" />
        <MessageBubble role="assistant" content={"Done **"} status="streaming" />
        <MessageBubble role="assistant" content={"It is **done**"} status="streaming" />
      </ol>,
    );
    const [bold, code, link, lone, opening, closed] = screen.getAllByTestId("chat-message");
    // The renderer is loaded on demand (markdown.tsx); until then the plain stand-in shows no markers either.
    for (const m of [bold, code, link, lone, opening, closed]) expect(m!.textContent).not.toMatch(/[*`[\]]/);
    await waitFor(() => expect(closed!.querySelector("strong")).not.toBeNull());
    expect(lone!.textContent).toBe("Assistant: Set A and");
    expect(opening!.textContent).toBe("Assistant: Done");
    expect(closed!.querySelector("strong")).toHaveTextContent("done");
    expect(bold!.textContent).not.toContain("**");
    expect(bold!.querySelector("strong")).toHaveTextContent("bold te");
    expect(code!.textContent).not.toContain("`");
    expect(code!.querySelector("code")).toHaveTextContent("code sp");
    expect(link!.textContent).not.toMatch(/[[\]()]/);
    expect(link!).toHaveTextContent("See the docs");
  });

  it("copies a reply's Markdown and says so", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    renderApp(<ChatView />, { handlers: handlers({}) });
    const reply = (await screen.findAllByTestId("chat-message"))[1]!;
    const user = userEvent.setup();
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await user.click(within(reply).getByTestId("message-copy"));
    expect(writeText).toHaveBeenCalledWith("Old **answer**.");
    expect(within(reply).getByTestId("message-copy")).toHaveTextContent("Copied");
  });

  it("regenerate says it costs credits, streams the new reply in place of the old one", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({ "chat.regenerate": () => gatedReply("New reply", gate) }),
    });
    const button = await screen.findByTestId("message-regenerate");
    expect(button).toHaveTextContent("uses credits");
    expect(button.getAttribute("title")).toMatch(/costs credits/);
    // Only the last reply has it; the question has edit instead.
    expect(screen.getAllByTestId("message-regenerate")).toHaveLength(1);
    await userEvent.click(button);
    await waitFor(() =>
      expect(screen.getAllByTestId("chat-message").map((m) => m.textContent)).toEqual([
        "You: Why is the sky blue?",
        "Assistant: New reply",
      ]),
    );
    expect(calls.find((c) => c.path === "chat.regenerate")?.input).toEqual({ conversationId: "c1" });
    expect(calls.some((c) => c.path === "chat.send")).toBe(false);
    release();
  });

  it("edit-and-resend sends the edited text through chat.editLast; Escape cancels", async () => {
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({
        "chat.editLast": () =>
          gatedReply("Edited reply", Promise.resolve(), { userMessageId: "u2", assistantMessageId: "a2" }),
      }),
    });
    await userEvent.click(await screen.findByTestId("message-edit"));
    expect(screen.getByTestId("message-editor")).toHaveTextContent("costs credits");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("message-editor")).toBeNull();

    await userEvent.click(screen.getByTestId("message-edit"));
    const input = screen.getByTestId("message-editor-input");
    expect(input).toHaveValue("Why is the sky blue?");
    expect(screen.getByTestId("message-editor-send")).toBeDisabled();
    await userEvent.clear(input);
    await userEvent.type(input, "Why is the sea blue?");
    await userEvent.click(screen.getByTestId("message-editor-send"));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "chat.editLast")?.input).toEqual({
        conversationId: "c1",
        content: "Why is the sea blue?",
      }),
    );
  });

  it("a regenerate refused for credits keeps the old reply and offers to try again", async () => {
    let allow = false;
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({
        "chat.regenerate": () =>
          allow ? gatedReply("Paid now", Promise.resolve()) : Promise.reject(trpcError("PAYMENT_REQUIRED", 402)),
      }),
    });
    await userEvent.click(await screen.findByTestId("message-regenerate"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Not enough credits for a new reply");
    expect(screen.getAllByTestId("chat-message")[1]).toHaveTextContent("Old answer.");
    allow = true;
    await userEvent.click(screen.getByTestId("chat-retry"));
    await waitFor(() => expect(calls.filter((c) => c.path === "chat.regenerate")).toHaveLength(2));
  });
});

describe("conversation search", () => {
  it("asks the server once typing pauses and says when nothing matches", async () => {
    const { calls } = renderApp(<ChatView />, {
      handlers: handlers({
        "chat.listConversations": (input) =>
          (input as { search?: string } | undefined)?.search === "nothing" ? [] : [conversation],
      }),
    });
    await screen.findByTestId("conversation-item");
    await userEvent.type(screen.getByTestId("conversation-search"), "nothing");
    expect(await screen.findByTestId("conversation-list-empty")).toHaveTextContent("No conversations match “nothing”.");
    const searches = calls.filter(
      (c) => c.path === "chat.listConversations" && (c.input as { search?: string } | undefined)?.search,
    );
    expect(searches.map((c) => c.input)).toEqual([{ search: "nothing" }]);
    await userEvent.clear(screen.getByTestId("conversation-search"));
    expect(await screen.findByTestId("conversation-item")).toHaveTextContent("Sky");
  });
});

describe("error page", () => {
  it("shows the translated message and the digest, and retries", async () => {
    const retry = vi.fn();
    renderApp(<ErrorContent digest="abc123" onRetry={retry} />);
    expect(screen.getByRole("heading")).toHaveTextContent("Something went wrong");
    expect(screen.getByTestId("error-page")).toHaveTextContent("Reference: abc123");
    await userEvent.click(screen.getByTestId("error-retry"));
    expect(retry).toHaveBeenCalledOnce();
  });
});

describe("the Markdown stand-in while the renderer loads", () => {
  it("shows the text without Markdown markers, even mid-stream", () => {
    expect(
      plainMarkdownText(
        "# Title\n- one **bold** and `code`\n> see [the docs](https://example.com) and [more](https://exa",
      ),
    ).toBe("Title\none bold and code\nsee the docs and more");
    expect(plainMarkdownText("Done **")).toBe("Done ");
  });
});
