import type { CheckoutSession, LineItem } from "./objects";

/** Server-rendered look-alike of Stripe Checkout in test mode: same field ids and labels, no external assets. */

export type FieldName = "email" | "cardNumber" | "cardExpiry" | "cardCvc" | "billingName";
export interface FormState {
  values: Partial<Record<FieldName | "paymentMethod", string>>;
  errors: Partial<Record<FieldName, string>>;
}

export const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

export function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1f36;background:#fff}
.app{display:flex;min-height:100vh}.summary{flex:1;background:#f7f8f9;padding:48px 56px;display:flex;justify-content:flex-end}
.payment{flex:1;padding:48px 56px;box-shadow:-16px 0 32px -24px rgba(0,0,0,.18)}.inner{width:100%;max-width:380px}
.top{display:flex;align-items:center;gap:10px;margin-bottom:32px}.back{color:#1a1f36;text-decoration:none;font-weight:500;display:flex;gap:8px;align-items:center}
.back:hover .biz{text-decoration:underline}.badge{background:#ffde92;color:#8a4200;font-size:11px;font-weight:700;letter-spacing:.04em;padding:2px 6px;border-radius:4px}
.label{color:#596171;font-weight:500;font-size:16px;margin:0}.amount{font-size:36px;font-weight:600;margin:4px 0 24px;letter-spacing:-.02em}
.items{list-style:none;padding:0;margin:0;border-top:1px solid #e3e8ee}.items li{display:flex;justify-content:space-between;padding:12px 0;border-bottom:1px solid #e3e8ee}
.qty{color:#596171;font-size:12px}.total{display:flex;justify-content:space-between;font-weight:600;padding-top:12px}
h2{font-size:16px;font-weight:500;margin:0 0 12px}.field{margin-bottom:20px}label{display:block;color:#30313d;font-size:13px;font-weight:500;margin-bottom:6px}
input[type=text],input[type=email]{width:100%;font:inherit;font-size:15px;padding:10px 12px;border:1px solid #e0e0e0;border-radius:6px;box-shadow:0 1px 1px rgba(0,0,0,.03);outline:none}
input:focus{border-color:#0570de;box-shadow:0 0 0 3px rgba(5,112,222,.25)}input[readonly]{background:#f7f8f9;color:#596171}
.card-group input{border-radius:0}.card-group #cardNumber{border-radius:6px 6px 0 0}.card-row{display:flex}.card-row input{margin-top:-1px}
.card-row #cardExpiry{border-radius:0 0 0 6px}.card-row #cardCvc{border-radius:0 0 6px 0;margin-left:-1px}
.invalid{border-color:#df1b41!important;color:#df1b41}.field-error{color:#df1b41;font-size:13px;margin-top:6px}
.methods{border:1px solid #e0e0e0;border-radius:6px;padding:4px 12px;margin:0 0 20px}.methods label{display:flex;gap:8px;align-items:center;font-size:14px;padding:8px 0;margin:0;cursor:pointer}
.pay{width:100%;border:0;border-radius:6px;background:#0074d4;color:#fff;font:inherit;font-size:16px;font-weight:600;padding:12px;cursor:pointer;box-shadow:0 1px 2px rgba(0,0,0,.1)}
.pay:hover{background:#0062b5}.pay:disabled{opacity:.6;cursor:wait}.hint{color:#596171;font-size:12px;margin-top:16px}
.footer{color:#596171;font-size:12px;margin-top:40px}.status{max-width:440px;margin:15vh auto;padding:0 24px;text-align:center}
.status a{color:#0074d4}
@media (max-width:820px){.app{flex-direction:column}.summary,.payment{padding:24px;justify-content:center;box-shadow:none}.inner{max-width:none}}
`;

export function layout(title: string, body: string, script = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}${script ? `<script>${script}</script>` : ""}</body></html>`;
}

function field(name: FieldName, label: string, state: FormState, attrs: string): string {
  const error = state.errors[name];
  return `<div class="field"><label for="${name}">${label}</label>
<input id="${name}" name="${name}" ${attrs} value="${escapeHtml(state.values[name])}"${error ? ` class="invalid" aria-invalid="true" aria-describedby="${name}-error"` : ""}>
${error ? `<div class="field-error" id="${name}-error" role="alert">${escapeHtml(error)}</div>` : ""}</div>`;
}

function cardFields(state: FormState): string {
  const errors = (["cardNumber", "cardExpiry", "cardCvc"] as const).filter((name) => state.errors[name]);
  const cls = (name: FieldName) => (state.errors[name] ? ` class="invalid" aria-invalid="true"` : "");
  return `<div class="field" id="card-fields"><label for="cardNumber">Card information</label><div class="card-group">
<input type="text" id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value="${escapeHtml(state.values.cardNumber)}"${cls("cardNumber")}>
<div class="card-row"><input type="text" id="cardExpiry" name="cardExpiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="${escapeHtml(state.values.cardExpiry)}"${cls("cardExpiry")}>
<input type="text" id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" value="${escapeHtml(state.values.cardCvc)}"${cls("cardCvc")}></div></div>
${errors.map((name) => `<div class="field-error" id="${name}-error" role="alert">${escapeHtml(state.errors[name])}</div>`).join("")}</div>`;
}

export function checkoutPage(
  session: CheckoutSession,
  items: LineItem[],
  businessName: string,
  state: FormState,
): string {
  const total = formatAmount(session.amount_total ?? 0, session.currency ?? "usd");
  const delayed = state.values.paymentMethod === "delayed";
  const back = session.cancel_url
    ? `<a class="back" data-testid="business-link" href="${escapeHtml(session.cancel_url)}">&larr; <span class="biz">${escapeHtml(businessName)}</span></a>`
    : `<span class="back" data-testid="business-link"><span class="biz">${escapeHtml(businessName)}</span></span>`;
  const lines = items
    .map(
      (item) =>
        `<li><span>${escapeHtml(item.description)}<br><span class="qty">Qty ${item.quantity}</span></span><span>${formatAmount(item.amount_total, item.currency)}</span></li>`,
    )
    .join("");
  const emailAttrs = `type="email" autocomplete="email" placeholder="email@example.com"${session.customer_email ? " readonly" : ""}`;
  // One main landmark and one h1 ("Pay <business>"), as on Stripe's own page.
  const body = `<main class="app"><section class="summary" aria-label="Order summary"><div class="inner">
<div class="top">${back}<span class="badge" data-testid="test-mode-badge">TEST MODE</span></div>
<h1 class="label">Pay ${escapeHtml(businessName)}</h1>
<div class="amount" data-testid="product-summary-total-amount">${total}</div>
<ul class="items" data-testid="line-items">${lines}</ul>
<div class="total"><span>Total due</span><span>${total}</span></div>
<div class="footer">Powered by the local Stripe emulator · no real money moves</div></div></section>
<section class="payment" aria-label="Payment"><div class="inner"><form method="post" action="/c/pay/${escapeHtml(session.id)}" novalidate>
<h2>Contact information</h2>
${field("email", "Email", state, emailAttrs)}
<h2>Payment method</h2>
<fieldset class="methods"><legend class="hint">Choose how to pay</legend>
<label><input type="radio" name="paymentMethod" value="card" id="payment-method-card"${delayed ? "" : " checked"}> Card</label>
<label><input type="radio" name="paymentMethod" value="delayed" id="payment-method-delayed" data-testid="delayed-payment-option"${delayed ? " checked" : ""}> Bank transfer (delayed) — test</label></fieldset>
${cardFields(state)}
${field("billingName", "Cardholder name", state, `type="text" autocomplete="cc-name" placeholder="Full name on card"`)}
<button type="submit" class="pay" data-testid="hosted-payment-submit-button">Pay</button>
<p class="hint">Test mode: pay with 4242 4242 4242 4242, any future date and any CVC. A bank transfer stays pending until it is settled through the emulator.</p>
</form></div></section></main>`;
  const script = `(function(){var f=document.querySelector("form"),c=document.getElementById("card-fields");
function s(){var d=document.getElementById("payment-method-delayed").checked;c.style.display=d?"none":"";}
document.querySelectorAll('input[name=paymentMethod]').forEach(function(r){r.addEventListener("change",s)});s();
f.addEventListener("submit",function(){f.querySelector("button").disabled=true;});})();`;
  return layout(`${businessName} – checkout`, body, script);
}

export function statusPage(title: string, message: string, link?: { href: string; label: string }): string {
  return layout(
    title,
    `<main class="status"><span class="badge">TEST MODE</span><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${
      link ? `<p><a href="${escapeHtml(link.href)}" data-testid="status-link">${escapeHtml(link.label)}</a></p>` : ""
    }</main>`,
  );
}

/**
 * The 3D Secure test step (like Stripe's "3D Secure 2 Test Page"): one form, the payer's answer is the button pressed.
 * `hidden` carries what the answering route needs (a client secret, a pending token).
 */
export function authenticationPage(input: {
  businessName: string;
  /** null: a card being set up for later, nothing charged now. */
  amount: { value: number; currency: string } | null;
  action: string;
  hidden: Record<string, string>;
}): string {
  const what = input.amount
    ? `a payment of <strong>${formatAmount(input.amount.value, input.amount.currency)}</strong>`
    : "your card for future payments";
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  const button = (outcome: "complete" | "fail", label: string, style: string) =>
    `<button type="submit" name="outcome" value="${outcome}" class="pay" style="width:auto;margin:6px;padding:12px 20px;${style}" data-testid="3ds-${outcome}">${label}</button>`;
  return layout(
    "3D Secure authentication",
    `<main class="status" data-testid="3ds-page"><span class="badge">TEST MODE</span><h1 id="auth-title">3D Secure authentication</h1>
<p id="auth-detail">${escapeHtml(input.businessName)} asks your bank to confirm ${what}.</p>
<p class="hint">This is a test page of the local Stripe emulator: choose the bank's answer.</p>
<form method="post" action="${escapeHtml(input.action)}" aria-labelledby="auth-title" aria-describedby="auth-detail">${hidden}
${button("complete", "Complete authentication", "")}
${button("fail", "Fail authentication", "background:#df1b41")}</form></main>`,
  );
}
