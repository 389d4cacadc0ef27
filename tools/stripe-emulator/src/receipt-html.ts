import { escapeHtml, formatAmount, layout } from "./hosted-page-html";

/** The pages behind `charge.receipt_url`, `invoice.hosted_invoice_url` and an intent's `client_secret`. */

export interface ReceiptLine {
  description: string;
  quantity: number;
  amount: number;
}

export interface ReceiptView {
  title: string;
  businessName: string;
  number: string;
  paidAt: number;
  currency: string;
  amount: number;
  refunded: number;
  method: string;
  email: string | null;
  lines: ReceiptLine[];
}

const date = (seconds: number) =>
  new Date(seconds * 1000).toLocaleDateString("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  });

export function receiptPage(view: ReceiptView): string {
  const money = (amount: number) => formatAmount(amount, view.currency);
  const lines = view.lines
    .map(
      (line) =>
        `<li><span>${escapeHtml(line.description)}<br><span class="qty">Qty ${line.quantity}</span></span><span>${money(line.amount)}</span></li>`,
    )
    .join("");
  return layout(
    `${view.title} from ${view.businessName}`,
    `<div class="status" data-testid="receipt"><span class="badge">TEST MODE</span>
<h1>${escapeHtml(view.title)} from ${escapeHtml(view.businessName)}</h1>
<p data-testid="receipt-number">${escapeHtml(view.number)}</p>
<div class="amount" data-testid="receipt-amount">${money(view.amount)}</div>
<p>Paid ${escapeHtml(date(view.paidAt))} · ${escapeHtml(view.method)}</p>
<ul class="items">${lines}</ul>
<div class="total"><span>Amount paid</span><span>${money(view.amount)}</span></div>
${view.refunded > 0 ? `<div class="total" data-testid="receipt-refunded"><span>Refunded</span><span>−${money(view.refunded)}</span></div>` : ""}
${view.email ? `<p class="hint">Sent to ${escapeHtml(view.email)}</p>` : ""}</div>`,
  );
}

export interface ConfirmView {
  action: string;
  heading: string;
  detail: string;
  errors: Partial<Record<"cardNumber" | "cardExpiry" | "cardCvc", string>>;
}

/** A card form for an intent that still needs a payment method (the page Stripe.js would show with the client secret). */
export function confirmPage(view: ConfirmView): string {
  const error = Object.values(view.errors)[0];
  return layout(
    view.heading,
    `<div class="status"><span class="badge">TEST MODE</span><h1>${escapeHtml(view.heading)}</h1><p>${escapeHtml(view.detail)}</p>
<form method="post" action="${escapeHtml(view.action)}" novalidate style="text-align:left">
<div class="field"><label for="cardNumber">Card information</label>
<input type="text" id="cardNumber" name="cardNumber" placeholder="1234 1234 1234 1234">
<input type="text" id="cardExpiry" name="cardExpiry" placeholder="MM / YY"><input type="text" id="cardCvc" name="cardCvc" placeholder="CVC"></div>
<div class="field"><label for="billingName">Cardholder name</label><input type="text" id="billingName" name="billingName"></div>
${error ? `<div class="field-error" role="alert">${escapeHtml(error)}</div>` : ""}
<button type="submit" class="pay" data-testid="confirm-submit-button">Confirm</button></form></div>`,
  );
}
