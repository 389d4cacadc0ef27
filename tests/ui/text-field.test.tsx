import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createRef } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { TextField } from "~/components/ui/text-field";

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

describe("TextField", () => {
  it("is named by its label alone; the hint describes it", () => {
    render(<TextField label="New password" hint="At least 10 characters." type="password" />);
    const field = screen.getByLabelText("New password");
    expect(field).toHaveAccessibleName("New password");
    expect(field).toHaveAccessibleDescription("At least 10 characters.");
    expect(field).not.toHaveAttribute("aria-invalid");
  });

  it("an error is announced, marks the field invalid and joins the hint in its description", () => {
    render(
      <TextField label="Email" hint="We never share it." error="Enter a valid email." errorTestId="email-error" />,
    );
    const field = screen.getByRole("textbox", { name: "Email" });
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription("We never share it. Enter a valid email.");
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a valid email.");
    expect(screen.getByTestId("email-error")).toBe(screen.getByRole("alert"));
  });

  it("forwards the ref and input props, keeps an id it is given and adds described-by ids from outside", async () => {
    const ref = createRef<HTMLInputElement>();
    render(
      <>
        <p id="form-problem">Too many attempts.</p>
        <TextField
          ref={ref}
          id="email"
          label="Email"
          name="email"
          autoComplete="email"
          invalid
          aria-describedby="form-problem"
        />
      </>,
    );
    const field = screen.getByLabelText("Email");
    expect(ref.current).toBe(field);
    expect(field).toHaveAttribute("id", "email");
    expect(field).toHaveAttribute("autocomplete", "email");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription("Too many attempts.");
    await userEvent.type(field, "ada@example.com");
    expect(field).toHaveValue("ada@example.com");
  });
});
