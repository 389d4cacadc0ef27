import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { AccountView } from "~/components/account/account-view";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }));
const signOut = vi.hoisted(() => vi.fn(() => Promise.resolve(undefined)));
vi.mock("next/navigation", () => ({ useRouter: () => router }));
vi.mock("next-auth/react", () => ({ signOut }));

beforeEach(() => {
  for (const fn of Object.values(router)) fn.mockReset();
  signOut.mockClear();
});

const now = Date.now();
const profile: RouterOutputs["account"]["profile"] = {
  name: "Ada",
  email: "ada@example.com",
  emailVerified: true,
  hasPassword: true,
};
const sessions: RouterOutputs["account"]["sessions"] = [
  {
    id: "s-here",
    browser: "Chrome 131",
    os: "macOS",
    createdAt: new Date(now - 86_400_000),
    lastSeenAt: new Date(now - 60_000),
    current: true,
  },
  {
    id: "s-phone",
    browser: "Safari 18",
    os: "iOS",
    createdAt: new Date(now - 5 * 86_400_000),
    lastSeenAt: new Date(now - 3 * 3_600_000),
    current: false,
  },
];

function base(overrides: Handlers = {}): Handlers {
  return { "account.profile": () => profile, "account.sessions": () => sessions, ...overrides };
}

describe("account page: profile", () => {
  it("shows the name and the email (read-only, with its status) and saves an edited name", async () => {
    const { calls } = renderApp(<AccountView email="ada@example.com" />, {
      handlers: base({ "account.updateName": (input) => ({ name: (input as { name: string }).name }) }),
    });
    const field = await screen.findByLabelText(/^Display name/);
    await waitFor(() => expect(field).toHaveValue("Ada"));
    expect(screen.getByTestId("profile-email")).toHaveTextContent("ada@example.com");
    expect(screen.getByTestId("profile-email-status")).toHaveTextContent("Confirmed");
    await userEvent.clear(field);
    await userEvent.type(field, "Ada Lovelace");
    await userEvent.click(screen.getByTestId("profile-save"));
    expect(await screen.findByTestId("profile-saved")).toHaveTextContent("Name saved.");
    expect(calls.find((c) => c.path === "account.updateName")?.input).toEqual({ name: "Ada Lovelace" });
  });

  it("an emptied name is cleared; a refused name shows the translated error", async () => {
    const { calls } = renderApp(<AccountView email={null} />, {
      handlers: base({ "account.clearName": () => Promise.reject(trpcError("BAD_REQUEST", 400)) }),
      locale: "de",
      messages: await loadMessages("de"),
    });
    const field = await screen.findByLabelText(/^Anzeigename/);
    await waitFor(() => expect(field).toHaveValue("Ada"));
    await userEvent.clear(field);
    await userEvent.click(screen.getByTestId("profile-save"));
    expect(await screen.findByTestId("profile-error")).toHaveTextContent("Dieser Name kann nicht gespeichert werden.");
    expect(calls.map((c) => c.path)).toContain("account.clearName");
    expect(calls.map((c) => c.path)).not.toContain("account.updateName");
  });
});

describe("account page: sessions", () => {
  it("lists each session with its device and last activity; this device cannot be revoked, another can", async () => {
    let list = sessions;
    const { calls } = renderApp(<AccountView email={null} />, {
      handlers: base({
        "account.sessions": () => list,
        "account.revokeSession": () => {
          list = sessions.filter((s) => s.id !== "s-phone");
          return { ok: true };
        },
      }),
    });
    const rows = await screen.findAllByTestId("session-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Chrome 131 on macOS");
    expect(rows[0]).toHaveTextContent("This device");
    expect(rows[0]).toHaveTextContent("Last active 1 minute ago");
    expect(within(rows[0]!).queryByRole("button")).not.toBeInTheDocument();
    expect(rows[1]).toHaveTextContent("Safari 18 on iOS");
    expect(rows[1]).toHaveTextContent("Last active 3 hours ago");
    await userEvent.click(within(rows[1]!).getByRole("button", { name: "Sign out Safari 18 on iOS" }));
    await waitFor(() => expect(screen.getAllByTestId("session-row")).toHaveLength(1));
    expect(calls.find((c) => c.path === "account.revokeSession")?.input).toEqual({ id: "s-phone" });
  });
});

describe("account page: delete account", () => {
  it("explains what is deleted and what is kept, asks for the password, deletes, signs out and goes home", async () => {
    const { calls } = renderApp(<AccountView email="ada@example.com" />, {
      handlers: base({ "account.delete": () => ({ ok: true }) }),
    });
    const explanation = screen.getByTestId("delete-account-explanation");
    expect(explanation).toHaveTextContent("conversations and messages");
    expect(explanation).toHaveTextContent("purchases and credit history are kept, anonymised");
    await userEvent.type(screen.getByLabelText("Enter your password to confirm"), "correct horse battery staple");
    await userEvent.click(screen.getByRole("button", { name: "Delete my account" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/"));
    expect(signOut).toHaveBeenCalledWith({ redirect: false });
    expect(calls.find((c) => c.path === "account.delete")?.input).toEqual({ password: "correct horse battery staple" });
  });

  it("a wrong password or a reply in progress shows why, and nothing signs out", async () => {
    let answer: Error = trpcError("BAD_REQUEST", 400, { domainCode: "wrong_password" });
    renderApp(<AccountView email="ada@example.com" />, {
      handlers: base({ "account.delete": () => Promise.reject(answer) }),
    });
    const field = screen.getByTestId("delete-account-secret");
    await userEvent.type(field, "nope nope nope");
    await userEvent.click(screen.getByTestId("delete-account-submit"));
    expect(await screen.findByTestId("delete-account-error")).toHaveTextContent("That password is not right.");
    answer = trpcError("CONFLICT", 409, { domainCode: "account_busy" });
    await userEvent.click(screen.getByTestId("delete-account-submit"));
    await waitFor(() =>
      expect(screen.getByTestId("delete-account-error")).toHaveTextContent("A reply is still being written."),
    );
    answer = trpcError("CONFLICT", 409, { domainCode: "owner_must_transfer" });
    await userEvent.click(screen.getByTestId("delete-account-submit"));
    await waitFor(() =>
      expect(screen.getByTestId("delete-account-error")).toHaveTextContent("You own a team that has other members."),
    );
    expect(signOut).not.toHaveBeenCalled();
  });

  it("an account without a password confirms with its email address", async () => {
    const { calls } = renderApp(<AccountView email="ada@example.com" />, {
      handlers: base({
        "account.profile": () => ({ ...profile, hasPassword: false }),
        "account.delete": () => ({ ok: true }),
      }),
    });
    const field = await screen.findByLabelText("Type your email address to confirm");
    await userEvent.type(field, "ada@example.com");
    await userEvent.click(screen.getByTestId("delete-account-submit"));
    await waitFor(() => expect(signOut).toHaveBeenCalled());
    expect(calls.find((c) => c.path === "account.delete")?.input).toEqual({ confirmEmail: "ada@example.com" });
  });
});
