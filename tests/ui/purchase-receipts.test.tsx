import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { PurchaseHistory } from "~/components/billing/purchase-history";
import type { PurchaseStatus } from "~/generated/prisma/client";
import { LOCALES, type Locale } from "~/i18n/locales";
import type { RouterOutputs } from "~/trpc/react";

import { loadMessages, renderApp } from "./helpers/render-app";

type Row = RouterOutputs["billing"]["purchases"]["items"][number];

const RECEIPT = "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x";
const PDF = "https://pay.stripe.com/invoice/acct_1/test_2/pdf?s=ap";

function row(id: string, status: PurchaseStatus, links: Partial<Pick<Row, "receiptUrl" | "invoicePdfUrl">>): Row {
  const createdAt = new Date("2026-01-02T10:00:00Z");
  return {
    id,
    packId: "pro",
    credits: 200000,
    amountTotal: 1500,
    amountRefunded: 0,
    currency: "usd",
    status,
    createdAt,
    creditedAt: status === "pending" ? null : createdAt,
    receiptUrl: null,
    invoicePdfUrl: null,
    kind: "checkout" as const,
    triggerSpendable: null,
    failureMessage: null,
    ...links,
  };
}

async function renderRows(items: Row[], locale: Locale = "en") {
  renderApp(<PurchaseHistory />, {
    locale,
    messages: await loadMessages(locale),
    handlers: { "billing.purchases": () => ({ items, nextCursor: null }) },
  });
  const rows = await screen.findAllByTestId("purchase-row");
  return new Map(rows.map((r) => [r.dataset.status!, r]));
}

describe("purchase history: receipt and invoice links", () => {
  it("a paid purchase links its receipt (new tab, noopener) and its invoice PDF (a download)", async () => {
    const rows = await renderRows([row("p1", "paid", { receiptUrl: RECEIPT, invoicePdfUrl: PDF })]);
    const paid = within(rows.get("paid")!);
    const receipt = paid.getByRole("link", { name: "Receipt (opens in a new tab)" });
    expect(receipt).toHaveAttribute("href", RECEIPT);
    expect(receipt).toHaveAttribute("target", "_blank");
    expect(receipt.getAttribute("rel")?.split(" ")).toContain("noopener");
    const invoice = paid.getByRole("link", { name: "Invoice (PDF)" });
    expect(invoice).toHaveAttribute("href", PDF);
    expect(invoice).toHaveAttribute("download");
    expect(invoice).not.toHaveAttribute("target");
  });

  it("refunded and disputed purchases keep their receipt; a receipt without an invoice shows no invoice link; pending shows none", async () => {
    const rows = await renderRows([
      row("p1", "refunded", { receiptUrl: RECEIPT }),
      row("p2", "dispute_lost", { receiptUrl: RECEIPT, invoicePdfUrl: PDF }),
      row("p3", "pending", {}),
    ]);
    expect(within(rows.get("refunded")!).getByTestId("purchase-receipt")).toHaveAttribute("href", RECEIPT);
    expect(within(rows.get("refunded")!).queryByTestId("purchase-invoice-pdf")).toBeNull();
    expect(within(rows.get("dispute_lost")!).getByTestId("purchase-receipt")).toHaveAttribute("href", RECEIPT);
    expect(within(rows.get("dispute_lost")!).getByTestId("purchase-invoice-pdf")).toHaveAttribute("href", PDF);
    expect(within(rows.get("pending")!).queryByRole("link")).toBeNull();
  });

  it("renders no link for a URL that is not http(s), even if the server sent one", async () => {
    const rows = await renderRows([
      row("p1", "paid", { receiptUrl: "javascript:alert(1)", invoicePdfUrl: "data:application/pdf;base64,AAAA" }),
    ]);
    expect(within(rows.get("paid")!).queryByRole("link")).toBeNull();
  });

  it.each(LOCALES.filter((l) => l !== "en"))(
    "%s: the labels are translated, not English and not raw keys",
    async (locale) => {
      const messages = await loadMessages(locale);
      const rows = await renderRows([row("p1", "paid", { receiptUrl: RECEIPT, invoicePdfUrl: PDF })], locale);
      const receipt = within(rows.get("paid")!).getByTestId("purchase-receipt");
      const invoice = within(rows.get("paid")!).getByTestId("purchase-invoice-pdf");
      expect(receipt).toHaveTextContent(messages.billing.receipt);
      expect(receipt).toHaveTextContent(messages.billing.opensInNewTab);
      expect(invoice).toHaveTextContent(messages.billing.invoicePdf);
      for (const text of [receipt.textContent, invoice.textContent]) {
        expect(text).not.toMatch(/billing\.|Receipt|Invoice \(PDF\)|opens in a new tab/);
      }
    },
  );
});
