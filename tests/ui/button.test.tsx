import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { BUTTON_VARIANTS, Button, type ButtonVariant } from "~/components/ui/button";

import { contrast } from "./helpers/tailwind-contrast";

const COLOUR = /^(white|black|[a-z]+-\d+)$/;
const PAGE = { light: "white", dark: "gray-950" } as const;

/** The text and background colour a variant shows in one mode and state, resolved the way Tailwind's variants stack. */
function coloursOf(variant: ButtonVariant, mode: "light" | "dark", state: "" | "hover:" | "aria-selected:") {
  const classes = BUTTON_VARIANTS[variant].split(/\s+/);
  const pick = (kind: "text" | "bg") => {
    const prefixes = mode === "dark" ? [`dark:${state}`, "dark:", state, ""] : [state, ""];
    for (const prefix of prefixes) {
      const colour = classes
        .filter((c) => c.startsWith(`${prefix}${kind}-`))
        .map((c) => c.slice(prefix.length + kind.length + 1))
        .find((name) => COLOUR.test(name));
      if (colour) return colour;
    }
    return undefined;
  };
  return { text: pick("text"), bg: pick("bg") ?? PAGE[mode] };
}

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

describe("Button", () => {
  it("is a type=button by default, so it never submits the form it sits in; type=submit does", async () => {
    const onSubmit = vi.fn((e: React.FormEvent) => e.preventDefault());
    render(
      <form onSubmit={onSubmit}>
        <Button>plain</Button>
        <Button type="submit">send</Button>
      </form>,
    );
    await userEvent.click(screen.getByRole("button", { name: "plain" }));
    expect(onSubmit).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "send" }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it("forwards its ref and every button prop, and a disabled one ignores clicks", async () => {
    const ref = createRef<HTMLButtonElement>();
    const onClick = vi.fn();
    render(
      <Button
        ref={ref}
        variant="danger"
        size="sm"
        className="mt-3"
        data-testid="x"
        aria-label="Delete chat"
        disabled
        onClick={onClick}
      >
        ×
      </Button>,
    );
    const button = screen.getByRole("button", { name: "Delete chat" });
    expect(ref.current).toBe(button);
    expect(button).toHaveAttribute("data-testid", "x");
    expect(button).toBeDisabled();
    expect(button.className).toContain("mt-3");
    expect(button.className).toContain("focus-visible:outline-2");
    await userEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });

  describe.each(Object.keys(BUTTON_VARIANTS) as ButtonVariant[])("variant %s", (variant) => {
    it.each(["light", "dark"] as const)(
      "keeps its text at ≥ 4.5:1 in %s mode, at rest, hovered and selected",
      (mode) => {
        for (const state of ["", "hover:", "aria-selected:"] as const) {
          const { text, bg } = coloursOf(variant, mode, state);
          const shown = text ?? (mode === "dark" ? "gray-100" : "gray-900");
          expect(
            contrast(shown, bg),
            `${variant} ${mode} ${state || "rest"}: ${shown} on ${bg}`,
          ).toBeGreaterThanOrEqual(4.5);
        }
      },
    );
  });
});
