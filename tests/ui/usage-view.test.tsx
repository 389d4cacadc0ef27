import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { UsageView } from "~/components/billing/usage-view";
import type { ResolvedRange } from "~/lib/usage-range";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, type Handlers } from "./helpers/render-app";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, replace: vi.fn(), refresh: vi.fn() }) }));

beforeEach(() => push.mockReset());

const RANGE: ResolvedRange = { from: "2026-03-01", to: "2026-03-03", preset: null, problem: null };

const USAGE: RouterOutputs["credits"]["usage"] = {
  from: "2026-03-01",
  to: "2026-03-03",
  total: 12_345,
  replies: 4,
  byDay: [
    { day: "2026-03-01", spent: 12_000 },
    { day: "2026-03-02", spent: 0 },
    { day: "2026-03-03", spent: 345 },
  ],
  byModel: [
    { model: "demo", spent: 12_300, replies: 3 },
    { model: null, spent: 45, replies: 1 },
  ],
  byConversation: [
    { id: "conv_1", title: "Trip planning", spent: 12_300, replies: 3 },
    { id: null, title: null, spent: 45, replies: 1 },
  ],
  otherConversations: { count: 0, spent: 0, replies: 0 },
};

const handlers = (usage = USAGE): Handlers => ({ "credits.usage": () => usage });

describe("usage page", () => {
  it("asks for the URL's range and shows the total, by model and by conversation (links, deleted grouped)", async () => {
    const { calls } = renderApp(<UsageView range={RANGE} />, { handlers: handlers() });
    await waitFor(() => expect(screen.getByTestId("usage-total")).toHaveAttribute("data-total", "12345"));
    expect(calls.find((c) => c.path === "credits.usage")?.input).toEqual({ from: "2026-03-01", to: "2026-03-03" });
    expect(screen.getByTestId("usage-total")).toHaveTextContent("12,345");
    const models = within(screen.getByTestId("usage-by-model")).getAllByRole("listitem");
    expect(models[0]).toHaveTextContent("demo");
    expect(models[1]).toHaveTextContent("Unknown model");
    const conversations = within(screen.getByTestId("usage-by-conversation")).getAllByRole("listitem");
    expect(within(conversations[0]!).getByRole("link", { name: "Trip planning" })).toHaveAttribute(
      "href",
      "/chat/conv_1",
    );
    expect(conversations[1]).toHaveTextContent("Deleted conversation");
    expect(within(conversations[1]!).queryByRole("link")).toBeNull();
    expect(screen.getByTestId("usage-download")).toHaveAttribute("href", "/api/credits/ledger.csv");
  });

  it("a range without spend says so instead of drawing an empty chart", async () => {
    const empty = {
      ...USAGE,
      total: 0,
      replies: 0,
      byDay: USAGE.byDay.map((d) => ({ ...d, spent: 0 })),
      byModel: [],
      byConversation: [],
    };
    renderApp(<UsageView range={RANGE} />, { handlers: handlers(empty) });
    expect(await screen.findByTestId("usage-empty")).toHaveTextContent("No credits were spent on chat in this range.");
    expect(screen.queryByTestId("usage-by-model")).toBeNull();
  });

  it("a bad range from the URL is explained and nothing is asked of the server", async () => {
    const { calls } = renderApp(
      <UsageView range={{ from: "2026-03-05", to: "2026-03-01", preset: null, problem: "from_after_to" }} />,
      { handlers: handlers() },
    );
    expect(await screen.findByTestId("usage-range-error")).toHaveTextContent(
      "The start date must be on or before the end date.",
    );
    expect(screen.queryByTestId("usage-total")).toBeNull();
    expect(calls.filter((c) => c.path === "credits.usage")).toEqual([]);
  });

  it("the custom range is checked before it goes into the URL", async () => {
    renderApp(<UsageView range={RANGE} />, { handlers: handlers() });
    const from = screen.getByTestId("usage-from");
    await userEvent.clear(from);
    await userEvent.type(from, "2024-01-01");
    await userEvent.click(screen.getByTestId("usage-apply"));
    expect(await screen.findByTestId("usage-range-error")).toHaveTextContent("at most 366 days");
    expect(from).toHaveAttribute("aria-invalid", "true");
    expect(push).not.toHaveBeenCalled();

    await userEvent.clear(from);
    await userEvent.type(from, "2026-02-01");
    await userEvent.click(screen.getByTestId("usage-apply"));
    expect(push).toHaveBeenCalledWith("/billing/usage?from=2026-02-01&to=2026-03-03");
  });

  it("speaks the user's language and formats numbers for it", async () => {
    renderApp(<UsageView range={{ ...RANGE, preset: 7 }} />, {
      handlers: handlers(),
      locale: "de",
      messages: await loadMessages("de"),
    });
    await waitFor(() => expect(screen.getByTestId("usage-total")).toHaveTextContent("12.345"));
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Verbrauch");
    expect(screen.getByTestId("usage-preset-7")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("usage-preset-7")).toHaveTextContent("Letzte 7 Tage");
  });
});
