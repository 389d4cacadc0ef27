import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { InviteView } from "~/components/teams/invite-view";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";
import { TEAM_ID } from "./teams-fixtures";

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }));
const signOut = vi.hoisted(() => vi.fn(() => Promise.resolve(undefined)));
vi.mock("next/navigation", () => ({ useRouter: () => router }));
vi.mock("next-auth/react", () => ({ signOut }));

beforeEach(() => {
  for (const fn of Object.values(router)) fn.mockReset();
  signOut.mockClear();
});

const TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
type Preview = RouterOutputs["teams"]["previewInvite"];

function preview(overrides: Partial<Preview> = {}): Preview {
  return {
    teamName: "Research",
    invitedBy: "Adam Admin",
    role: "admin",
    email: "sam@example.com",
    emailMatches: true,
    state: "open",
    alreadyMember: false,
    ...overrides,
  };
}

const handlers = (p: Preview, more: Handlers = {}): Handlers => ({ "teams.previewInvite": () => p, ...more });

/** A refusal from acceptInvite as the client sees it (InviteNotUsableError's domain code). */
const refused = (state: string) => trpcError("CONFLICT", 409, { domainCode: `invite_${state}` });

describe("/invite/<token>", () => {
  it("previews the team, the inviter and the role, and Accept joins and opens the team", async () => {
    const { calls } = renderApp(<InviteView token={TOKEN} valid />, {
      handlers: handlers(preview(), { "teams.acceptInvite": () => ({ teamId: TEAM_ID }) }),
    });
    expect(await screen.findByTestId("invite-team")).toHaveTextContent("Research");
    expect(screen.getByTestId("invite-inviter")).toHaveTextContent("Adam Admin");
    expect(screen.getByTestId("invite-preview")).toHaveTextContent("Admin");
    await userEvent.click(screen.getByTestId("invite-accept"));
    await waitFor(() => expect(router.push).toHaveBeenCalledWith(`/teams/${TEAM_ID}`));
    expect(calls.filter((c) => c.path === "teams.acceptInvite").map((c) => c.input)).toEqual([{ token: TOKEN }]);
  });

  it.each([
    ["expired", "has expired"],
    ["revoked", "was withdrawn"],
    ["accepted", "already been used"],
  ] as const)("a %s invitation says so and offers no Accept", async (state, text) => {
    renderApp(<InviteView token={TOKEN} valid />, { handlers: handlers(preview({ state })) });
    expect(await screen.findByTestId(`invite-state-${state}`)).toHaveTextContent(text);
    expect(screen.queryByTestId("invite-accept")).not.toBeInTheDocument();
  });

  it("an invitation for another email names it and offers no Accept", async () => {
    renderApp(<InviteView token={TOKEN} valid />, { handlers: handlers(preview({ emailMatches: false })) });
    expect(await screen.findByTestId("invite-state-wrongEmail")).toHaveTextContent(
      "sent to sam@example.com. Sign in with that address",
    );
    expect(screen.queryByTestId("invite-accept")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("invite-switch-account"));
    await waitFor(() =>
      expect(router.replace).toHaveBeenCalledWith(`/auth?callbackUrl=${encodeURIComponent(`/invite/${TOKEN}`)}`),
    );
    expect(signOut).toHaveBeenCalledWith({ redirect: false });
  });

  it("a malformed link asks nothing of the server; an unknown one says the link is not valid", async () => {
    const first = renderApp(<InviteView token="" valid={false} />, { handlers: {} });
    expect(screen.getByTestId("invite-state-invalid")).toHaveTextContent("not valid");
    expect(first.calls).toEqual([]);
    first.unmount();

    renderApp(<InviteView token={TOKEN} valid />, {
      handlers: { "teams.previewInvite": () => Promise.reject(trpcError("NOT_FOUND", 404)) },
    });
    expect(await screen.findByTestId("invite-state-invalid")).toBeInTheDocument();
  });

  it("an invitation that expires between preview and Accept shows the refusal, in the user's language", async () => {
    renderApp(<InviteView token={TOKEN} valid />, {
      handlers: handlers(preview(), { "teams.acceptInvite": () => Promise.reject(refused("expired")) }),
      locale: "de",
      messages: await loadMessages("de"),
    });
    await userEvent.click(await screen.findByTestId("invite-accept"));
    expect(await screen.findByTestId("invite-state-expired")).toHaveTextContent("abgelaufen");
    expect(screen.queryByTestId("invite-accept")).not.toBeInTheDocument();
    expect(router.push).not.toHaveBeenCalled();
  });

  it("someone already in the team is told so instead of joining twice", async () => {
    renderApp(<InviteView token={TOKEN} valid />, { handlers: handlers(preview({ alreadyMember: true })) });
    expect(await screen.findByTestId("invite-already-member")).toBeInTheDocument();
    expect(screen.queryByTestId("invite-accept")).not.toBeInTheDocument();
  });
});
