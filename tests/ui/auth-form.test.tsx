import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { AuthForm } from "~/components/auth/auth-form";

import { renderApp } from "./helpers/render-app";

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn() }));
const signIn = vi.hoisted(() =>
  vi.fn(() => Promise.resolve({ error: "CredentialsSignin", code: null, ok: false, status: 401, url: null })),
);
vi.mock("next/navigation", () => ({ useRouter: () => router }));
vi.mock("next-auth/react", () => ({ signIn }));

const providers = { "auth.providers": () => ({ github: false, google: false }) };

beforeEach(() => {
  for (const fn of Object.values(router)) fn.mockReset();
  signIn.mockClear();
});

describe("sign-in / sign-up form", () => {
  it("names each field by its label alone; the sign-up password hint is its description", async () => {
    renderApp(<AuthForm initialMode="signup" callbackUrl="/" />, { handlers: providers });
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAccessibleName("Password");
    expect(password).toHaveAccessibleDescription("At least 10 characters.");
    expect(screen.getByLabelText("Email")).toHaveAttribute("autocomplete", "email");
    expect(screen.getByLabelText("Name (optional)")).toHaveAttribute("autocomplete", "name");

    await userEvent.click(screen.getByRole("tab", { name: "Sign in" }));
    expect(screen.getByRole("tab", { name: "Sign in" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByLabelText("Password")).not.toHaveAccessibleDescription();
    expect(screen.queryByLabelText("Name (optional)")).not.toBeInTheDocument();
  });

  it("a bad email is announced under the field, marks it invalid and never reaches the server", async () => {
    const user = userEvent.setup();
    const { calls } = renderApp(<AuthForm initialMode="signup" callbackUrl="/" />, { handlers: providers });
    await user.type(screen.getByLabelText("Email"), "not-an-email");
    await user.type(screen.getByLabelText("Password"), "a long enough passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    const email = screen.getByLabelText("Email");
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a valid email address.");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter a valid email address.");
    expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");
    expect(calls.filter((c) => c.path === "auth.signUp")).toEqual([]);
  });

  it("wrong credentials show one form-level alert and mark no single field", async () => {
    const user = userEvent.setup();
    renderApp(<AuthForm initialMode="signin" callbackUrl="/chat" />, { handlers: providers });
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "not the password");
    await user.click(screen.getByTestId("auth-submit"));
    expect(await screen.findByTestId("auth-error")).toHaveTextContent("Wrong email or password.");
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(screen.getByLabelText("Email")).not.toHaveAttribute("aria-invalid");
    expect(signIn).toHaveBeenCalledWith("credentials", {
      email: "ada@example.com",
      password: "not the password",
      redirect: false,
    });
    expect(router.replace).not.toHaveBeenCalled();
  });
});
