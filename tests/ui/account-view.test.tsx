import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { AccountView } from "~/components/account/account-view";
import { AccountMenu } from "~/components/header/account-menu";
import { WEAK_PASSWORD_MESSAGE } from "~/lib/password-rules";
import type { RouterInputs, RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }));
const signOut = vi.hoisted(() => vi.fn(() => Promise.resolve(undefined)));
vi.mock("next/navigation", () => ({ useRouter: () => router }));
vi.mock("next-auth/react", () => ({ signOut }));

beforeEach(() => {
  for (const fn of Object.values(router)) fn.mockReset();
  signOut.mockClear();
});

type ChangeInput = RouterInputs["auth"]["changePassword"];
type ChangeOutput = RouterOutputs["auth"]["changePassword"];

/** The page's other sections (profile, sessions) load quietly, so the password form's messages are the only ones. */
const OTHER_SECTIONS: Handlers = {
  "account.profile": () => ({ name: null, email: "ada@example.com", emailVerified: true, hasPassword: true }),
  "account.sessions": () => [],
};

/** A typed fake for auth.changePassword. */
function changePassword(impl: (input: ChangeInput) => ChangeOutput | Promise<ChangeOutput>): Handlers {
  return { ...OTHER_SECTIONS, "auth.changePassword": (input) => impl(input as ChangeInput) };
}

const OLD = "the old passphrase";
const NEW = "a brand new passphrase for tally";

async function fill(current: string, next: string) {
  const user = userEvent.setup();
  const currentField = screen.getByTestId("change-password-current");
  const newField = screen.getByTestId("change-password-new");
  await user.clear(currentField);
  await user.type(currentField, current);
  await user.clear(newField);
  await user.type(newField, next);
  await user.click(screen.getByTestId("change-password-submit"));
}

describe("account page: change password", () => {
  it("has an h1, labelled fields with the right autocomplete hints and the sign-up password hint", () => {
    renderApp(<AccountView email="ada@example.com" />);
    expect(screen.getByRole("heading", { level: 1, name: "Your account" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Change password" })).toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveAttribute("autocomplete", "current-password");
    const newField = screen.getByLabelText(/^New password/);
    expect(newField).toHaveAttribute("autocomplete", "new-password");
    expect(newField).toHaveAccessibleDescription("At least 10 characters.");
  });

  it("submit calls changePassword with the typed values, shows the success message and clears the fields", async () => {
    const seen: ChangeInput[] = [];
    const { calls } = renderApp(<AccountView email="ada@example.com" />, {
      handlers: changePassword((input) => {
        seen.push(input);
        return { ok: true };
      }),
    });
    await fill(OLD, NEW);
    expect(await screen.findByRole("status")).toHaveTextContent(
      "Password changed. Your other sessions were signed out.",
    );
    expect(seen).toEqual([{ currentPassword: OLD, password: NEW }]);
    expect(calls.filter((c) => c.path === "auth.changePassword")).toHaveLength(1);
    expect(screen.getByLabelText("Current password")).toHaveValue("");
    expect(screen.getByLabelText(/^New password/)).toHaveValue("");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("a wrong current password (BAD_REQUEST) shows the translated error and the form stays usable", async () => {
    let attempts = 0;
    renderApp(<AccountView email="ada@example.com" />, {
      locale: "de",
      messages: await loadMessages("de"),
      handlers: changePassword((input) => {
        attempts++;
        if (input.currentPassword !== OLD) throw trpcError("BAD_REQUEST", 400, { domainCode: "wrong_password" });
        return { ok: true };
      }),
    });
    await fill("not it", NEW);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Dein aktuelles Passwort ist falsch.");
    const current = screen.getByLabelText("Aktuelles Passwort");
    expect(current).toHaveAttribute("aria-invalid", "true");
    expect(current).toHaveAccessibleDescription("Dein aktuelles Passwort ist falsch.");
    expect(screen.getByTestId("change-password-submit")).toBeEnabled();

    // Still usable: correct the current password and try again.
    await fill(OLD, NEW);
    expect(await screen.findByRole("status")).toHaveTextContent(
      "Passwort geändert. Deine anderen Sitzungen wurden abgemeldet.",
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(attempts).toBe(2);
  });

  it("an ended session (UNAUTHORIZED) shows the translated error and keeps the typed values", async () => {
    renderApp(<AccountView email="ada@example.com" />, {
      locale: "fr",
      messages: await loadMessages("fr"),
      handlers: changePassword(() => {
        throw trpcError("UNAUTHORIZED", 401);
      }),
    });
    await fill(OLD, NEW);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Votre session a expiré. Reconnectez-vous pour continuer.",
    );
    expect(screen.getByTestId("change-password-submit")).toBeEnabled();
    expect(screen.getByLabelText("Mot de passe actuel")).toHaveValue(OLD);
  });

  it("maps a guessable new password and the rate limit to their own messages", async () => {
    let answer: () => never = () => {
      throw trpcError("BAD_REQUEST", 400, {
        zodError: { formErrors: [], fieldErrors: { password: [WEAK_PASSWORD_MESSAGE] } },
      });
    };
    renderApp(<AccountView email={null} />, { handlers: changePassword(() => answer()) });
    await fill(OLD, "password1234");
    expect(await screen.findByRole("alert")).toHaveTextContent("This password is too easy to guess.");
    expect(screen.getByLabelText(/^New password/)).toHaveAttribute("aria-invalid", "true");

    answer = () => {
      throw trpcError("TOO_MANY_REQUESTS", 429);
    };
    await fill(OLD, NEW);
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("Too many attempts."));
    expect(screen.getByLabelText(/^New password/)).not.toHaveAttribute("aria-invalid");
  });

  it("checks the fields before sending: a missing current password or a short new one never reach the server", async () => {
    const { calls } = renderApp(<AccountView email={null} />, { handlers: changePassword(() => ({ ok: true })) });
    await userEvent.click(screen.getByTestId("change-password-submit"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Enter your password.");
    await fill(OLD, "short");
    await waitFor(() =>
      expect(screen.getByRole("alert")).toHaveTextContent("The password must be at least 10 characters long."),
    );
    expect(calls.filter((c) => c.path === "auth.changePassword")).toEqual([]);
  });
});

describe("account page: sign out everywhere", () => {
  it("ends every session server-side, then signs out here and goes home", async () => {
    const { calls } = renderApp(<AccountView email="ada@example.com" />, {
      handlers: { "auth.signOutEverywhere": (): RouterOutputs["auth"]["signOutEverywhere"] => ({ ended: 3 }) },
    });
    await userEvent.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/"));
    // The page's own reads (account.*, the low-balance setting) aside, the one call is the sign-out.
    expect(calls.map((c) => c.path).filter((p) => !p.startsWith("account.") && p !== "credits.lowBalance")).toEqual([
      "auth.signOutEverywhere",
    ]);
    expect(signOut).toHaveBeenCalledWith({ redirect: false });
  });
});

describe("account menu", () => {
  it("opens from a click; its items are menu items and Account settings links to the account page", async () => {
    renderApp(<AccountMenu email="ada@example.com" name="Ada" />);
    const trigger = screen.getByRole("button", { name: "Account" });
    // Before the first press the menu's code is not loaded, yet the button announces itself as a closed menu button.
    expect(trigger).toHaveAttribute("aria-expanded", "false");
    expect(trigger).toHaveAttribute("aria-haspopup", "menu");
    await userEvent.click(trigger);
    // The first press loads the menu (Radix's trigger replaces the placeholder button) and opens it.
    const menu = await screen.findByRole("menu");
    expect(screen.getByRole("button", { name: "Account" })).toHaveAttribute("aria-expanded", "true");
    expect(menu).toHaveTextContent("ada@example.com");
    expect(screen.getByRole("menuitem", { name: "Account settings" })).toHaveAttribute("href", "/account");
    expect(screen.getAllByRole("menuitem").map((item) => item.textContent)).toEqual([
      "Account settings",
      "Sign out",
      "Sign out everywhere",
    ]);
  });

  it("works from the keyboard: Enter opens on the first item, arrows move, Escape closes and gives focus back", async () => {
    const user = userEvent.setup();
    renderApp(<AccountMenu email="ada@example.com" name="Ada" />);
    const trigger = screen.getByRole("button", { name: "Account" });
    trigger.focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByRole("menuitem", { name: "Account settings" })).toHaveFocus());
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("menuitem", { name: "Sign out" })).toHaveFocus();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("menu")).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Account" })).toHaveFocus();
    // Once loaded it is Radix's menu throughout: Enter opens it on the first item again.
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByRole("menuitem", { name: "Account settings" })).toHaveFocus());
  });

  it("opens from ↓ and Space too on the first press, on the first item", async () => {
    for (const key of ["{ArrowDown}", " "]) {
      const user = userEvent.setup();
      const { unmount } = renderApp(<AccountMenu email="ada@example.com" name="Ada" />);
      screen.getByRole("button", { name: "Account" }).focus();
      await user.keyboard(key);
      await waitFor(() => expect(screen.getByRole("menuitem", { name: "Account settings" })).toHaveFocus());
      unmount();
    }
  });

  it("Sign out everywhere from the menu ends every session, then signs out here and goes home", async () => {
    const user = userEvent.setup();
    const { calls } = renderApp(<AccountMenu email="ada@example.com" name="Ada" />, {
      handlers: { "auth.signOutEverywhere": (): RouterOutputs["auth"]["signOutEverywhere"] => ({ ended: 2 }) },
    });
    await user.click(screen.getByRole("button", { name: "Account" }));
    await user.click(screen.getByRole("menuitem", { name: "Sign out everywhere" }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith("/"));
    expect(calls.map((c) => c.path)).toEqual(["auth.signOutEverywhere"]);
    expect(signOut).toHaveBeenCalledWith({ redirect: false });
  });
});
