import { act, screen, waitFor } from "@testing-library/react";
import type { QueryClient } from "@tanstack/react-query";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { LowBalanceSection } from "~/components/account/low-balance-section";
import { LOW_BALANCE_DISMISSED_KEY, LowBalanceBanner } from "~/components/billing/low-balance-banner";
import { LOCALES } from "~/i18n/locales";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

type Status = RouterOutputs["credits"]["lowBalance"];

function status(balance: number, over: Partial<Status> = {}): Status {
  const threshold = over.threshold === undefined ? 5_000 : over.threshold;
  return {
    balance,
    enabled: true,
    custom: null,
    defaultThreshold: 5_000,
    threshold,
    low: threshold !== null && balance < threshold,
    ...over,
  };
}

/** Fakes where the server's balance is whatever `state.balance` holds at the time of the call. */
function serverWith(state: { balance: number; threshold?: number | null }): Handlers {
  return {
    "credits.balance": () => ({ balance: state.balance, held: 0, spendable: state.balance }),
    "credits.lowBalance": () => status(state.balance, { threshold: state.threshold ?? 5_000 }),
  };
}

afterEach(() => window.sessionStorage.clear());

/** credits.lowBalance has answered and nothing is in flight (the banner has had its data). */
function answered(queryClient: QueryClient): boolean {
  return (
    queryClient.isFetching() === 0 &&
    queryClient.getQueryCache().find({ queryKey: [["credits", "lowBalance"]], exact: false })?.state.status ===
      "success"
  );
}

describe("low-balance banner", () => {
  it("shows the balance and a Buy credits link to /billing while the balance is below the threshold", async () => {
    renderApp(<LowBalanceBanner />, { handlers: serverWith({ balance: 3_200 }) });
    const banner = await screen.findByTestId("low-balance-banner");
    expect(banner).toHaveTextContent("Your balance is low: 3,200 credits left.");
    expect(banner).toHaveAttribute("role", "status");
    expect(screen.getByRole("link", { name: "Buy credits" })).toHaveAttribute("href", "/billing");
  });

  it("while a reply holds credits it shows the header's spendable number, not the owned balance", async () => {
    renderApp(<LowBalanceBanner />, {
      handlers: {
        "credits.balance": () => ({ balance: 50, held: 30, spendable: 20 }),
        "credits.lowBalance": () => status(50),
      },
    });
    await waitFor(() =>
      expect(screen.getByTestId("low-balance-banner")).toHaveTextContent("Your balance is low: 20 credits left."),
    );
  });

  it("is absent at or above the threshold, and when alerts are off", async () => {
    const { queryClient, unmount } = renderApp(<LowBalanceBanner />, { handlers: serverWith({ balance: 5_000 }) });
    await waitFor(() => expect(answered(queryClient)).toBe(true));
    expect(screen.queryByTestId("low-balance-banner")).not.toBeInTheDocument();
    unmount();

    const off = renderApp(<LowBalanceBanner />, {
      handlers: {
        ...serverWith({ balance: 10 }),
        "credits.lowBalance": () => status(10, { enabled: false, threshold: null }),
      },
    });
    await waitFor(() => expect(answered(off.queryClient)).toBe(true));
    expect(screen.queryByTestId("low-balance-banner")).not.toBeInTheDocument();
  });

  it("appears when a reply takes the balance below the threshold, without a reload (follows credits.balance)", async () => {
    const server = { balance: 5_100 };
    const { queryClient } = renderApp(<LowBalanceBanner />, { handlers: serverWith(server) });
    await waitFor(() => expect(answered(queryClient)).toBe(true));
    expect(screen.queryByTestId("low-balance-banner")).not.toBeInTheDocument();
    server.balance = 4_700;
    // What the chat does after a reply: invalidate the balance.
    await act(() => queryClient.invalidateQueries({ queryKey: [["credits", "balance"]] }));
    expect(await screen.findByTestId("low-balance-banner")).toHaveTextContent("4,700");
  });

  it("dismissed, it stays hidden for this browser session; back above the threshold, the next low shows it again", async () => {
    const server = { balance: 3_200 };
    const first = renderApp(<LowBalanceBanner />, { handlers: serverWith(server) });
    await userEvent.click(await screen.findByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("low-balance-banner")).not.toBeInTheDocument();
    expect(window.sessionStorage.getItem(LOW_BALANCE_DISMISSED_KEY)).toBe("1");
    first.unmount();

    // Another page of the same session: still hidden.
    const second = renderApp(<LowBalanceBanner />, { handlers: serverWith(server) });
    await waitFor(() => expect(answered(second.queryClient)).toBe(true));
    expect(screen.queryByTestId("low-balance-banner")).not.toBeInTheDocument();

    // A purchase brings it back above: the dismissal is forgotten, so the next crossing shows the banner.
    server.balance = 53_200;
    await act(() => second.queryClient.invalidateQueries({ queryKey: [["credits", "balance"]] }));
    await waitFor(() => expect(window.sessionStorage.getItem(LOW_BALANCE_DISMISSED_KEY)).toBeNull());
    server.balance = 1_000;
    await act(() => second.queryClient.invalidateQueries({ queryKey: [["credits", "balance"]] }));
    expect(await screen.findByTestId("low-balance-banner")).toHaveTextContent("1,000");
  });

  it("on /billing it has no link to the page it is on", async () => {
    renderApp(<LowBalanceBanner buyLink={false} />, { handlers: serverWith({ balance: 3_200 }) });
    await screen.findByTestId("low-balance-banner");
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
  });

  it.each(LOCALES)("%s: translated, number in the locale's format, no raw keys", async (locale) => {
    const messages = await loadMessages(locale);
    renderApp(<LowBalanceBanner />, { handlers: serverWith({ balance: 3_200 }), locale, messages });
    const banner = await screen.findByTestId("low-balance-banner");
    const text = banner.textContent ?? "";
    expect(text).toContain(new Intl.NumberFormat(locale).format(3_200));
    expect(text).toContain(messages.lowBalance.buy);
    expect(text).toContain(messages.lowBalance.dismiss);
    expect(text).not.toMatch(/lowBalance\.|\{balance/);
    if (locale !== "en") expect(text).not.toContain("Your balance is low");
  });
});

describe("low-balance setting (account page)", () => {
  function handlers(current: Status, saved: unknown[]): Handlers {
    return {
      "credits.lowBalance": () => current,
      "credits.setLowBalanceAlert": (input) => {
        saved.push(input);
        if (input.mode === "off") return { ...current, enabled: false, threshold: null, low: false };
        const threshold = input.mode === "custom" ? input.threshold! : current.defaultThreshold;
        return { ...current, enabled: true, custom: input.mode === "custom" ? threshold : null, threshold };
      },
    };
  }

  it("shows the effective default when unset and saves a custom threshold", async () => {
    const saved: unknown[] = [];
    renderApp(<LowBalanceSection />, {
      handlers: handlers(status(20_000, { defaultThreshold: 20_000, threshold: 20_000 }), saved),
    });
    const field = await screen.findByLabelText("Threshold (credits)");
    await waitFor(() => expect(field).toBeEnabled());
    expect(field).toHaveValue("");
    expect(field).toHaveAccessibleDescription(/20,000 credits/);
    expect(screen.getByTestId("low-balance-status")).toHaveTextContent("You are alerted below 20,000 credits.");
    await userEvent.type(field, "2,500");
    await userEvent.click(screen.getByRole("button", { name: "Save alert" }));
    expect(await screen.findByTestId("low-balance-saved")).toHaveTextContent("Alert saved.");
    expect(saved).toEqual([{ mode: "custom", threshold: 2_500 }]);
    expect(screen.getByTestId("low-balance-status")).toHaveTextContent("below 2,500 credits");
  });

  it("off is explicit: unchecking sends mode off; an empty field means the default", async () => {
    const saved: unknown[] = [];
    renderApp(<LowBalanceSection />, { handlers: handlers(status(9_000), saved) });
    const toggle = await screen.findByRole("checkbox", { name: "Alert me when my balance is low" });
    await waitFor(() => expect(toggle).toBeEnabled());
    await userEvent.click(screen.getByRole("button", { name: "Save alert" }));
    await screen.findByTestId("low-balance-saved");
    await userEvent.click(toggle);
    await userEvent.click(screen.getByRole("button", { name: "Save alert" }));
    await waitFor(() =>
      expect(screen.getByTestId("low-balance-status")).toHaveTextContent("Low-balance alerts are off."),
    );
    expect(saved).toEqual([{ mode: "default" }, { mode: "off" }]);
  });

  it("a threshold that is not a whole number of credits is refused before any request", async () => {
    const saved: unknown[] = [];
    const { calls } = renderApp(<LowBalanceSection />, { handlers: handlers(status(9_000), saved) });
    const field = await screen.findByLabelText("Threshold (credits)");
    await waitFor(() => expect(field).toBeEnabled());
    for (const bad of ["12.5", "-3", "0", "abc", "100000001"]) {
      await userEvent.clear(field);
      await userEvent.type(field, bad);
      await userEvent.click(screen.getByRole("button", { name: "Save alert" }));
      expect(await screen.findByTestId("low-balance-error"), bad).toHaveTextContent("Enter a whole number of credits");
      expect(field).toHaveAttribute("aria-invalid", "true");
    }
    expect(calls.some((c) => c.path === "credits.setLowBalanceAlert")).toBe(false);
  });

  it("a BAD_REQUEST from the server shows the same clear message", async () => {
    renderApp(<LowBalanceSection />, {
      handlers: {
        "credits.lowBalance": () => status(9_000),
        "credits.setLowBalanceAlert": () => {
          throw trpcError("BAD_REQUEST", 400);
        },
      },
    });
    const field = await screen.findByLabelText("Threshold (credits)");
    await waitFor(() => expect(field).toBeEnabled());
    await userEvent.type(field, "4000");
    await userEvent.click(screen.getByRole("button", { name: "Save alert" }));
    expect(await screen.findByTestId("low-balance-error")).toHaveTextContent("Enter a whole number of credits");
  });
});
