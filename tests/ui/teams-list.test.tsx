import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { TeamsView } from "~/components/teams/teams-view";
import { MAX_TEAM_NAME_CHARS } from "~/lib/teams";

import { loadMessages, renderApp, trpcError } from "./helpers/render-app";
import { TEAM_ID, team } from "./teams-fixtures";

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }));
vi.mock("next/navigation", () => ({ useRouter: () => router, usePathname: () => "/teams" }));

beforeEach(() => router.push.mockReset());

describe("/teams", () => {
  it("explains teams in one sentence when the user has none", async () => {
    renderApp(<TeamsView />, { handlers: { "teams.list": () => [] } });
    expect(await screen.findByTestId("teams-empty")).toHaveTextContent(/shares one credit balance/);
    expect(screen.queryByTestId("team-card")).not.toBeInTheDocument();
  });

  it("lists each team with its role, pool balance and what the caller can spend", async () => {
    renderApp(<TeamsView />, {
      handlers: {
        "teams.list": () => [
          team(),
          team({ id: "cmteam0000000000000000002", name: "Sales", role: "member", balance: 900, spendableForMe: 250 }),
        ],
      },
    });
    const cards = await screen.findAllByTestId("team-card");
    expect(cards).toHaveLength(2);
    expect(cards[0]).toHaveTextContent("Research");
    expect(cards[0]).toHaveTextContent("Admin");
    expect(within(cards[0]!).getByTestId("team-card-balance")).toHaveTextContent("120,000 credits");
    expect(within(cards[1]!).getByTestId("team-card-for-you")).toHaveTextContent("250 credits");
    expect(within(cards[1]!).getByRole("link")).toHaveAttribute("href", "/teams/cmteam0000000000000000002");
  });

  it("creates a team with the trimmed name and opens it", async () => {
    const { calls } = renderApp(<TeamsView />, {
      handlers: { "teams.list": () => [], "teams.create": ({ name }) => team({ name, role: "owner" }) },
    });
    await userEvent.type(await screen.findByLabelText("Team name"), "  Design  ");
    await userEvent.click(screen.getByTestId("create-team-submit"));
    await waitFor(() => expect(router.push).toHaveBeenCalledWith(`/teams/${TEAM_ID}`));
    expect(calls.filter((c) => c.path === "teams.create").map((c) => c.input)).toEqual([{ name: "Design" }]);
  });

  it("refuses a blank or too long name with a message, without calling the server", async () => {
    const { calls } = renderApp(<TeamsView />, { handlers: { "teams.list": () => [] } });
    await userEvent.click(await screen.findByTestId("create-team-submit"));
    expect(screen.getByTestId("create-team-error")).toHaveTextContent("Enter a name for the team.");
    expect(screen.getByLabelText("Team name")).toHaveAttribute("aria-invalid", "true");

    await userEvent.type(screen.getByLabelText("Team name"), "x".repeat(MAX_TEAM_NAME_CHARS + 1));
    await userEvent.click(screen.getByTestId("create-team-submit"));
    expect(screen.getByTestId("create-team-error")).toHaveTextContent(`at most ${MAX_TEAM_NAME_CHARS} characters`);
    expect(calls.some((c) => c.path === "teams.create")).toBe(false);
  });

  it("shows a translated error when the server refuses, and keeps the name", async () => {
    renderApp(<TeamsView />, {
      handlers: { "teams.list": () => [], "teams.create": () => Promise.reject(trpcError("TOO_MANY_REQUESTS", 429)) },
      locale: "de",
      messages: await loadMessages("de"),
    });
    await userEvent.type(await screen.findByLabelText("Teamname"), "Vertrieb");
    await userEvent.click(screen.getByTestId("create-team-submit"));
    expect(await screen.findByTestId("create-team-failed")).toHaveTextContent("Zu viele Anfragen");
    expect(screen.getByLabelText("Teamname")).toHaveValue("Vertrieb");
    expect(router.push).not.toHaveBeenCalled();
  });
});
