import type { EmulatorContext } from "./context";
import { stripeErrors } from "./errors";
import { listObject, type CheckoutSession } from "./objects";

const SESSION_EXPANDABLE = new Set([
  "line_items",
  "payment_intent",
  "payment_intent.latest_charge",
  "customer",
  "invoice",
]);

/** `expand[]` for a Checkout Session: ids become the objects they name, line_items becomes a list. */
export function expandSession(ctx: EmulatorContext, session: CheckoutSession, expand: string[] = []): object {
  const unknown = expand.find((path) => !SESSION_EXPANDABLE.has(path));
  if (unknown) throw stripeErrors.invalidParam("expand", `This property cannot be expanded (${unknown}).`);
  if (expand.length === 0) return session;
  const out: Record<string, unknown> = { ...session };
  const { state } = ctx.store;
  if (expand.includes("line_items")) {
    out.line_items = listObject(
      `/v1/checkout/sessions/${session.id}/line_items`,
      state.lineItems[session.id] ?? [],
      false,
    );
  }
  if (expand.includes("customer") && session.customer)
    out.customer = state.customers[session.customer] ?? session.customer;
  if (expand.includes("invoice") && session.invoice) out.invoice = state.invoices[session.invoice] ?? session.invoice;
  const wantsIntent = expand.includes("payment_intent") || expand.includes("payment_intent.latest_charge");
  const intent = session.payment_intent ? state.paymentIntents[session.payment_intent] : undefined;
  if (wantsIntent && intent) {
    const charge = intent.latest_charge ? state.charges[intent.latest_charge] : undefined;
    out.payment_intent =
      expand.includes("payment_intent.latest_charge") && charge ? { ...intent, latest_charge: charge } : intent;
  }
  return out;
}

/** List endpoints take `expand[]=data.x`. */
export function expandForList(expand: string[] = []): string[] {
  const bad = expand.find((path) => !path.startsWith("data."));
  if (bad)
    throw stripeErrors.invalidParam(
      "expand",
      `This property cannot be expanded (${bad}). List expansions start with "data.".`,
    );
  return expand.map((path) => path.slice("data.".length));
}
