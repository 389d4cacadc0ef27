import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { CreditsDisplay } from "~/components/header/credits-display";

import { loadMessages, renderApp } from "./helpers/render-app";

const balance = () => ({ balance: 1234567, held: 0, spendable: 1234567 });

describe("CreditsDisplay", () => {
  it("shows the balance formatted for en with the raw number in data-balance", async () => {
    renderApp(<CreditsDisplay signedIn />, { handlers: { "credits.balance": balance } });
    const el = await screen.findByTestId("credits-balance");
    expect(el).toHaveAttribute("data-balance", "1234567");
    expect(el).toHaveTextContent("1,234,567");
  });

  it.each([
    ["de", "1.234.567"],
    ["fr", "1\u202f234\u202f567"],
    ["ja", "1,234,567"],
  ] as const)("formats for %s", async (locale, text) => {
    renderApp(<CreditsDisplay signedIn />, {
      locale,
      messages: await loadMessages(locale),
      handlers: { "credits.balance": balance },
    });
    const el = await screen.findByTestId("credits-balance");
    expect(el.textContent).toContain(text);
    expect(el).toHaveAttribute("data-balance", "1234567");
  });

  it.each([
    ["en", "1,234,567 credits"],
    ["ja", "1,234,567 クレジット"],
    ["de", "1.234.567 Credits"],
  ] as const)(
    "%s: the unit is part of the visible text at every width, with no coloured dot beside it",
    async (locale, text) => {
      renderApp(<CreditsDisplay signedIn />, {
        locale,
        messages: await loadMessages(locale),
        handlers: { "credits.balance": balance },
      });
      const el = await screen.findByTestId("credits-balance");
      const visible = [...el.childNodes]
        .filter((n) => !(n instanceof HTMLElement && n.classList.contains("sr-only")))
        .map((n) => n.textContent)
        .join("");
      expect(visible).toBe(text);
      // Nothing hides the unit on small screens or cuts the text short.
      expect(el.closest("[title]")!.querySelector(".hidden, .truncate, svg")).toBeNull();
      expect(el.closest("[title]")!.className).not.toMatch(/(^|\s)w-\d/);
    },
  );

  it("shows a fixed-size skeleton (no testid, no number) while loading", () => {
    renderApp(<CreditsDisplay signedIn />, { handlers: { "credits.balance": () => new Promise(() => {}) } });
    expect(screen.getByTestId("credits-balance-loading")).toBeInTheDocument();
    expect(screen.queryByTestId("credits-balance")).not.toBeInTheDocument();
  });

  it("renders nothing and asks nothing when signed out", async () => {
    const { container, calls, queryClient } = renderApp(<CreditsDisplay signedIn={false} />, {
      handlers: { "credits.balance": balance },
    });
    // The display has subscribed to the balance query (an enabled one would be fetching from then on) and left it idle.
    const balanceQueries = () =>
      queryClient
        .getQueryCache()
        .findAll()
        .map((q) => ({ observers: q.getObserversCount(), fetchStatus: q.state.fetchStatus }));
    await waitFor(() => expect(balanceQueries()).toEqual([{ observers: 1, fetchStatus: "idle" }]));
    expect(container).toBeEmptyDOMElement();
    expect(calls).toEqual([]);
  });

  it("updates when credits.balance is invalidated (after a reply or a purchase)", async () => {
    let current = 100;
    const { queryClient } = renderApp(<CreditsDisplay signedIn />, {
      handlers: { "credits.balance": () => ({ balance: current, held: 0, spendable: current }) },
    });
    expect(await screen.findByTestId("credits-balance")).toHaveAttribute("data-balance", "100");
    current = 50100;
    await queryClient.invalidateQueries();
    await waitFor(() => expect(screen.getByTestId("credits-balance")).toHaveAttribute("data-balance", "50100"));
  });

  it("shows what can be spent (the paywall's 'available'), not the balance that includes held credits", async () => {
    renderApp(<CreditsDisplay signedIn />, {
      handlers: { "credits.balance": () => ({ balance: 3_582, held: 1_200, spendable: 2_382 }) },
    });
    const el = await screen.findByTestId("credits-balance");
    expect(el).toHaveAttribute("data-balance", "2382");
    expect(el).toHaveTextContent("2,382 credits");
    expect(el).not.toHaveTextContent("3,582");
  });

  it("while replies hold credits: '1,200 held' beside the number, a button that explains them and closes on Escape", async () => {
    const user = userEvent.setup();
    renderApp(<CreditsDisplay signedIn />, {
      handlers: { "credits.balance": () => ({ balance: 3_582, held: 1_200, spendable: 2_382 }) },
    });
    const held = await screen.findByTestId("credits-held");
    expect(held).toHaveAttribute("data-held", "1200");
    expect(held).toHaveAccessibleName("1,200 held");
    expect(held).toHaveAttribute("aria-expanded", "false");
    // Not inside the number: the number stays the spendable amount alone.
    expect(screen.getByTestId("credits-balance")).not.toContainElement(held);
    const explain = screen.getByTestId("credits-held-explain");
    expect(explain).not.toBeVisible();
    expect(held).toHaveAttribute("aria-controls", explain.id);

    await user.click(held);
    expect(held).toHaveAttribute("aria-expanded", "true");
    expect(explain).toBeVisible();
    expect(explain).toHaveTextContent(
      "1,200 credits are held by replies in progress: each reply sets aside its largest possible cost, and what it doesn’t use comes back when it finishes. Your balance including held credits: 3,582 credits.",
    );
    await user.keyboard("{Escape}");
    expect(held).toHaveAttribute("aria-expanded", "false");
    expect(explain).not.toBeVisible();
    await user.click(held);
    await user.click(document.body);
    expect(explain).not.toBeVisible();
    // Nothing in the box hides or cuts text, and no icon (journey 15 checks the same at 360 px).
    expect(held.closest("[title]")!.querySelector(".hidden, .truncate, svg")).toBeNull();
  });

  it.each([
    ["ja", "1,200 確保中", "1,200 クレジット"],
    ["de", "1.200 reserviert", "1.200 Credits"],
    ["fr", "1\u202f200 réservés", "1\u202f200 crédits"],
  ] as const)(
    "%s: the held line and its explanation are translated, with plural forms",
    async (locale, line, amount) => {
      renderApp(<CreditsDisplay signedIn />, {
        locale,
        messages: await loadMessages(locale),
        handlers: { "credits.balance": () => ({ balance: 3_582, held: 1_200, spendable: 2_382 }) },
      });
      const held = await screen.findByTestId("credits-held");
      expect(held.textContent).toBe(line);
      expect(screen.getByTestId("credits-held-explain").textContent).toContain(amount);
    },
  );

  it("nothing held: no held line", async () => {
    renderApp(<CreditsDisplay signedIn />, { handlers: { "credits.balance": balance } });
    await screen.findByTestId("credits-balance");
    expect(screen.queryByTestId("credits-held")).not.toBeInTheDocument();
  });
});
