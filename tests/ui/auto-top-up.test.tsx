import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { AutoTopUpPanel } from "~/components/billing/auto-top-up/auto-top-up-panel";
import type { Locale } from "~/i18n/locales";
import type { RouterInputs, RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp, trpcError, type Handlers } from "./helpers/render-app";

vi.mock("~/lib/navigate", () => ({ navigateTo: vi.fn() }));

type View = RouterOutputs["autoTopUp"]["get"];
type Settings = RouterInputs["autoTopUp"]["set"];

const VISA = { id: "pm_visa", brand: "visa", last4: "4242", expMonth: 8, expYear: 2031 };
const MC = { id: "pm_mc", brand: "mastercard", last4: "4444", expMonth: 1, expYear: 2030 };
const OFF: View = {
  available: true,
  enabled: false,
  settings: null,
  card: null,
  turnedOff: null,
  usedThisMonth: 0,
  inFlight: null,
};
const SETTINGS: Settings = { threshold: 5000, packId: "pro", monthlyLimit: 3, paymentMethodId: "pm_visa" };

function handlers(view: () => View, cards = [VISA], overrides: Handlers = {}): Handlers {
  return {
    "autoTopUp.get": view,
    "billing.products": () => ({
      mode: "emulator",
      products: [
        { id: "starter", credits: 50000, unitAmount: 500, currency: "usd" },
        { id: "pro", credits: 200000, unitAmount: 1500, currency: "usd" },
      ],
    }),
    "billing.savedCards": () => ({ available: true, cards }),
    ...overrides,
  };
}

/** A server that keeps the setting as autoTopUp.set / turnOff leave it. */
function server(initial: View = OFF) {
  let view = initial;
  const set = vi.fn((input: Settings): View => {
    view = { ...view, enabled: true, settings: input, card: VISA, turnedOff: null };
    return view;
  });
  const turnOff = vi.fn((): View => {
    view = { ...view, enabled: false };
    return view;
  });
  return { get: () => view, set, turnOff };
}

async function fill(fields: { threshold?: string; pack?: string; limit?: string; card?: string }) {
  if (fields.threshold !== undefined) {
    await userEvent.clear(screen.getByTestId("auto-top-up-threshold"));
    if (fields.threshold) await userEvent.type(screen.getByTestId("auto-top-up-threshold"), fields.threshold);
  }
  if (fields.pack !== undefined) await userEvent.selectOptions(screen.getByTestId("auto-top-up-pack"), fields.pack);
  if (fields.limit !== undefined) {
    await userEvent.clear(screen.getByTestId("auto-top-up-limit"));
    if (fields.limit) await userEvent.type(screen.getByTestId("auto-top-up-limit"), fields.limit);
  }
  if (fields.card !== undefined) await userEvent.selectOptions(screen.getByTestId("auto-top-up-card"), fields.card);
}

describe("auto top-up panel", () => {
  it("without a saved card: explains how to save one and offers no way to turn it on", async () => {
    renderApp(<AutoTopUpPanel />, { handlers: handlers(() => OFF, []) });
    expect(await screen.findByTestId("auto-top-up-no-card")).toHaveTextContent(
      "Auto top-up needs a saved card. Tick “Save my card for later payments” above when you buy a pack",
    );
    expect(screen.queryByTestId("auto-top-up-form")).not.toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("is off by default; every field is required and nothing is sent until all are valid", async () => {
    const s = server();
    const { calls } = renderApp(<AutoTopUpPanel />, {
      handlers: handlers(s.get, [VISA, MC], { "autoTopUp.set": s.set }),
    });
    const form = await screen.findByRole("form", { name: "Auto top-up settings" });
    expect(screen.getByTestId("auto-top-up-summary")).toHaveTextContent(
      "Fill in every field to see what auto top-up will do.",
    );
    await userEvent.click(within(form).getByRole("button", { name: "Turn on auto top-up" }));
    expect(screen.getByTestId("auto-top-up-threshold-error")).toHaveTextContent(
      "Enter a whole number of credits from 1 to 100,000,000.",
    );
    expect(screen.getByTestId("auto-top-up-pack-error")).toHaveTextContent("Choose a pack.");
    expect(screen.getByTestId("auto-top-up-limit-error")).toHaveTextContent("Enter a whole number from 1 to 31.");
    // Two cards: none is chosen for the user.
    expect(screen.getByTestId("auto-top-up-card-error")).toHaveTextContent("Choose one of your saved cards.");
    expect(screen.getByLabelText("When my balance drops below (credits)")).toHaveAttribute("aria-invalid", "true");

    await fill({ threshold: "12.5", pack: "pro", limit: "32", card: "pm_visa" });
    await userEvent.click(screen.getByTestId("auto-top-up-save"));
    expect(screen.getByTestId("auto-top-up-threshold-error")).toBeInTheDocument();
    expect(screen.getByTestId("auto-top-up-limit-error")).toBeInTheDocument();
    expect(screen.queryByTestId("auto-top-up-pack-error")).not.toBeInTheDocument();
    expect(calls.some((c) => c.path === "autoTopUp.set")).toBe(false);
    expect(s.set).not.toHaveBeenCalled();
  });

  it("the summary follows the fields; Save turns it on, the panel shows it, and Turn off keeps the setting", async () => {
    const s = server();
    renderApp(<AutoTopUpPanel />, {
      handlers: handlers(s.get, [VISA], { "autoTopUp.set": s.set, "autoTopUp.turnOff": s.turnOff }),
    });
    await screen.findByTestId("auto-top-up-form");
    // The only saved card is chosen already.
    expect(screen.getByTestId("auto-top-up-card")).toHaveValue("pm_visa");
    expect(screen.getByRole("option", { name: "Professional: 200,000 credits for $15.00" })).toBeInTheDocument();
    await fill({ threshold: "5,000", pack: "pro", limit: "3" });
    const summary = screen.getByTestId("auto-top-up-summary");
    expect(summary).toHaveAttribute("aria-live", "polite");
    expect(summary).toHaveTextContent(
      "When your balance drops below 5,000 credits we'll charge $15.00 for 200,000 credits, at most 3 times a month (up to $45.00).",
    );
    await fill({ limit: "1", pack: "starter" });
    expect(summary).toHaveTextContent("we'll charge $5.00 for 50,000 credits, at most once a month (up to $5.00).");
    await fill({ limit: "3", pack: "pro" });

    await userEvent.click(screen.getByRole("button", { name: "Turn on auto top-up" }));
    expect(s.set).toHaveBeenCalledWith(SETTINGS);
    const on = await screen.findByTestId("auto-top-up-on");
    expect(on).toHaveTextContent("Auto top-up is on.");
    expect(within(on).getByTestId("auto-top-up-on-summary")).toHaveTextContent(
      "When your balance drops below 5,000 credits we'll charge $15.00 for 200,000 credits, at most 3 times a month (up to $45.00).",
    );
    expect(within(on).getByTestId("auto-top-up-card-line")).toHaveTextContent(
      "Charges Visa •••• 4242 · Expires 08/2031",
    );
    expect(within(on).getByTestId("auto-top-up-used")).toHaveTextContent("0 of 3 top-ups used this month");

    await userEvent.click(within(on).getByRole("button", { name: "Turn off" }));
    expect(await screen.findByTestId("auto-top-up-turnedOffByYou")).toHaveTextContent("Auto top-up is off.");
    expect(s.turnOff).toHaveBeenCalledTimes(1);
    // Off again, with the last setting filled in: turning it back on is one click.
    expect(screen.getByTestId("auto-top-up-threshold")).toHaveValue("5000");
    expect(screen.getByTestId("auto-top-up-pack")).toHaveValue("pro");
    expect(screen.getByTestId("auto-top-up-limit")).toHaveValue("3");
    await userEvent.click(screen.getByRole("button", { name: "Turn on auto top-up" }));
    await screen.findByTestId("auto-top-up-on");
    expect(s.set).toHaveBeenCalledTimes(2);
  });

  it("on: Edit changes the setting; a refusal from the server shows next to the form and keeps what was typed", async () => {
    const s = server({ ...OFF, enabled: true, settings: SETTINGS, card: VISA, usedThisMonth: 2 });
    let refuse = true;
    renderApp(<AutoTopUpPanel />, {
      handlers: handlers(s.get, [VISA], {
        "autoTopUp.set": (input) =>
          refuse ? Promise.reject(trpcError("That card is no longer saved.", 400)) : s.set(input),
      }),
    });
    expect(await screen.findByTestId("auto-top-up-used")).toHaveTextContent("2 of 3 top-ups used this month");
    await userEvent.click(screen.getByRole("button", { name: "Edit" }));
    await fill({ threshold: "20000" });
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByTestId("auto-top-up-save-error")).toHaveTextContent(
      "Auto top-up could not be saved: That card is no longer saved.",
    );
    expect(screen.getByTestId("auto-top-up-threshold")).toHaveValue("20000");

    refuse = false;
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByTestId("auto-top-up-on-summary")).toHaveTextContent("below 20,000 credits");
    expect(s.set).toHaveBeenLastCalledWith({ ...SETTINGS, threshold: 20000 });
  });

  it("a field the server refuses (zod) is marked as that field", async () => {
    renderApp(<AutoTopUpPanel />, {
      handlers: handlers(() => OFF, [VISA], {
        "autoTopUp.set": () =>
          Promise.reject(
            trpcError("BAD_REQUEST", 400, { zodError: { formErrors: [], fieldErrors: { monthlyLimit: ["too big"] } } }),
          ),
      }),
    });
    await screen.findByTestId("auto-top-up-form");
    await fill({ threshold: "5000", pack: "pro", limit: "3" });
    await userEvent.click(screen.getByTestId("auto-top-up-save"));
    expect(await screen.findByTestId("auto-top-up-limit-error")).toBeInTheDocument();
    expect(screen.queryByTestId("auto-top-up-save-error")).not.toBeInTheDocument();
  });

  it("Tally turned it off: the notice names the reason and how to fix it, the form offers it again", async () => {
    renderApp(<AutoTopUpPanel />, {
      handlers: handlers(() => ({
        ...OFF,
        settings: SETTINGS,
        turnedOff: {
          reason: "card_declined",
          message: "Your card was declined.",
          at: new Date("2026-12-01T10:00:00Z"),
        },
        usedThisMonth: 1,
      })),
    });
    const notice = await screen.findByRole("alert");
    expect(notice).toHaveAttribute("data-testid", "auto-top-up-turned-off");
    expect(notice).toHaveTextContent("Auto top-up was turned off");
    expect(notice).toHaveTextContent("Your bank declined the card: Your card was declined.");
    expect(notice).toHaveTextContent("save another card");
    expect(notice).toHaveTextContent("then turn auto top-up back on");
    expect(screen.getByRole("button", { name: "Turn on auto top-up" })).toBeInTheDocument();
  });

  it("a removed card is named as the reason; a server without payments explains instead of offering", async () => {
    const { unmount } = renderApp(<AutoTopUpPanel />, {
      handlers: handlers(() => ({
        ...OFF,
        turnedOff: { reason: "card_removed", message: "", at: new Date() },
      })),
    });
    expect(await screen.findByTestId("auto-top-up-turned-off-reason")).toHaveTextContent(
      "The card it charged was removed.",
    );
    unmount();

    renderApp(<AutoTopUpPanel />, { handlers: handlers(() => ({ ...OFF, available: false })) });
    expect(await screen.findByTestId("auto-top-up-section")).toHaveTextContent(
      "Auto top-up is not available on this server right now.",
    );
    expect(screen.queryByTestId("auto-top-up-form")).not.toBeInTheDocument();
  });

  it.each<[Locale, string, string]>([
    [
      "de",
      "Wenn Ihr Kontostand unter 5.000 Credits fällt, berechnen wir 15,00 $ für 200.000 Credits, höchstens 3-mal pro Monat (bis zu 45,00 $).",
      "2 von 3 Aufladungen in diesem Monat genutzt",
    ],
    [
      "fr",
      "Quand votre solde passe sous 5 000 crédits, nous débiterons 15,00 $US pour 200 000 crédits, au plus 3 fois par mois (jusqu’à 45,00 $US).",
      "2 sur 3 recharges utilisées ce mois-ci",
    ],
    [
      "ja",
      "残高が 5,000 クレジットを下回ると、200,000 クレジットに対して $15.00 を請求します。1 か月に最大 3 回（最大 $45.00）です。",
      "今月は 3 回中 2 回使用済み",
    ],
  ])("%s: numbers and money in the summary and the count follow the locale", async (locale, sentence, used) => {
    renderApp(<AutoTopUpPanel />, {
      locale,
      messages: await loadMessages(locale),
      handlers: handlers(() => ({ ...OFF, enabled: true, settings: SETTINGS, card: VISA, usedThisMonth: 2 })),
    });
    const normalise = (text: string | null) => text?.replace(/[\u00a0\u202f]/g, " ");
    await waitFor(() => expect(normalise(screen.getByTestId("auto-top-up-on-summary").textContent)).toBe(sentence));
    expect(normalise(screen.getByTestId("auto-top-up-used").textContent)).toBe(used);
  });
});
