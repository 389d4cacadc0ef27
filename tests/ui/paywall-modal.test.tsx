import { useQuery } from "@tanstack/react-query";
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { PaywallModal } from "~/components/paywall/paywall-modal";
import { onPaymentRequired, reportPaymentRequired } from "~/trpc/paywall-events";
import { api } from "~/trpc/react";

import { renderApp, trpcError } from "./helpers/render-app";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, replace: vi.fn(), refresh: vi.fn() }) }));

function Page({ children }: { children?: React.ReactNode }) {
  return (
    <>
      <button type="button">composer</button>
      {children}
      <PaywallModal />
    </>
  );
}

beforeEach(() => push.mockReset());

describe("PaywallModal", () => {
  it("is closed until something reports PAYMENT_REQUIRED", async () => {
    renderApp(<Page />);
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
    act(() => reportPaymentRequired());
    const dialog = await screen.findByRole("dialog", { name: "Insufficient Credits" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleDescription("You've run out of credits. Purchase more to continue chatting.");
    expect(dialog).toHaveAttribute("data-testid", "paywall");
  });

  it("opens from a PAYMENT_REQUIRED mutation error through the real query client, with no handler at the call site", async () => {
    function Sender() {
      const send = api.chat.createConversation.useMutation();
      return (
        <button type="button" onClick={() => send.mutate({})}>
          send
        </button>
      );
    }
    renderApp(
      <Page>
        <Sender />
      </Page>,
      { handlers: { "chat.createConversation": () => Promise.reject(trpcError("PAYMENT_REQUIRED", 402)) } },
    );
    await userEvent.click(screen.getByText("send"));
    expect(await screen.findByTestId("paywall")).toBeInTheDocument();
  });

  it("opens from a PAYMENT_REQUIRED query error too, and not from other errors", async () => {
    function Reader({ code, status }: { code: string; status: number }) {
      useQuery({ queryKey: [code], queryFn: () => Promise.reject(trpcError(code, status)), retry: false });
      return null;
    }
    const reported = vi.fn();
    const off = onPaymentRequired(reported);
    const { unmount, queryClient } = renderApp(
      <Page>
        <Reader code="NOT_FOUND" status={404} />
      </Page>,
    );
    // The failure has reached the query cache (whose error handler opens the paywall) and was not taken for one.
    await waitFor(() => expect(queryClient.getQueryState(["NOT_FOUND"])?.status).toBe("error"));
    expect(reported).not.toHaveBeenCalled();
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
    off();
    unmount();
    renderApp(
      <Page>
        <Reader code="PAYMENT_REQUIRED" status={402} />
      </Page>,
    );
    expect(await screen.findByTestId("paywall")).toBeInTheDocument();
  });

  it("moves focus in, traps Tab and Shift+Tab, and Escape closes it and returns focus", async () => {
    const user = userEvent.setup();
    renderApp(<Page />);
    const composer = screen.getByText("composer");
    composer.focus();
    act(() => reportPaymentRequired());
    const buy = await screen.findByTestId("paywall-buy");
    const cancel = screen.getByTestId("paywall-cancel");
    await waitFor(() => expect(buy).toHaveFocus());
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab();
    expect(buy).toHaveFocus();
    await user.tab({ shift: true });
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(buy).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
    await waitFor(() => expect(composer).toHaveFocus());
  });

  it("hides the page behind it from assistive technology while open, and a click outside closes it", async () => {
    const user = userEvent.setup();
    renderApp(<Page />);
    const composer = screen.getByText("composer");
    act(() => reportPaymentRequired());
    await screen.findByTestId("paywall");
    expect(composer.closest('[aria-hidden="true"]')).not.toBeNull();
    await waitFor(() => expect(screen.getByTestId("paywall-buy")).toHaveFocus());
    await user.click(screen.getByTestId("paywall-overlay"));
    await waitFor(() => expect(screen.queryByTestId("paywall")).not.toBeInTheDocument());
    expect(composer.closest('[aria-hidden="true"]')).toBeNull();
    expect(push).not.toHaveBeenCalled();
  });

  it("Cancel closes it; Buy Credits goes to /billing", async () => {
    const user = userEvent.setup();
    renderApp(<Page />);
    act(() => reportPaymentRequired());
    await user.click(await screen.findByTestId("paywall-cancel"));
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
    expect(push).not.toHaveBeenCalled();

    act(() => reportPaymentRequired());
    await user.click(await screen.findByRole("button", { name: "Buy Credits" }));
    expect(push).toHaveBeenCalledWith("/billing");
    expect(screen.queryByTestId("paywall")).not.toBeInTheDocument();
  });
});
