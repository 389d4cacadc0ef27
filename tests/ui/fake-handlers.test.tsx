import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { CreditsDisplay } from "~/components/header/credits-display";

import { renderApp, type Handlers } from "./helpers/render-app";

describe("UI test fakes are typed from the router", () => {
  it("answer the procedure the component calls, with that procedure's output", async () => {
    const handlers: Handlers = { "credits.balance": () => ({ balance: 1234, held: 0, spendable: 1234 }) };
    const { calls } = renderApp(<CreditsDisplay signedIn />, { handlers });
    expect(await screen.findByText(/1,234/)).toBeInTheDocument();
    expect(calls.map((c) => c.path)).toEqual(["credits.balance"]);
  });

  it("refuse, at compile time, an output or a procedure the router does not have", () => {
    // @ts-expect-error: credits.balance answers { balance, held, spendable }, not a bare number.
    const wrongOutput: Handlers = { "credits.balance": () => 1234 };
    // @ts-expect-error: the router has no such procedure.
    const unknownProcedure: Handlers = { "credits.nothing": () => null };
    expect([wrongOutput, unknownProcedure].map(Object.keys)).toEqual([["credits.balance"], ["credits.nothing"]]);
  });
});
