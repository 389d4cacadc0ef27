import { z } from "zod";

import { needsAuthentication, validateCardFields } from "./cards";
import { holdForAuthentication, takePendingAuthentication } from "./checkout-authentication";
import type { EmulatorContext } from "./context";
import { authenticationPage, checkoutPage, statusPage, type FormState } from "./hosted-page-html";
import type { CheckoutSession } from "./objects";
import { expireIfDue, paySession, type PayInput } from "./payments";
import { route, type Reply } from "./router";

export const successUrlFor = (session: CheckoutSession) =>
  session.success_url?.replaceAll("{CHECKOUT_SESSION_ID}", session.id) ?? null;

const formFields = z.object({
  email: z.string().default(""),
  cardNumber: z.string().default(""),
  cardExpiry: z.string().default(""),
  cardCvc: z.string().default(""),
  billingName: z.string().default(""),
  paymentMethod: z.enum(["card", "delayed"]).catch("card"),
});

const html = (status: number, body: string): Reply => ({ status, html: body });

function inactivePage(ctx: EmulatorContext, session: CheckoutSession): Reply {
  if (session.status === "complete") {
    const success = successUrlFor(session);
    return html(
      200,
      statusPage(
        "Payment complete",
        session.payment_status === "paid"
          ? "This checkout session is already paid."
          : "Your payment is processing. You will be notified when it settles.",
        success ? { href: success, label: `Return to ${ctx.businessName}` } : undefined,
      ),
    );
  }
  return html(
    410,
    statusPage(
      "This checkout session has expired",
      "The payment page is no longer available. Start a new purchase to pay.",
      session.cancel_url ? { href: session.cancel_url, label: `Return to ${ctx.businessName}` } : undefined,
    ),
  );
}

function lookup(ctx: EmulatorContext, id: string | undefined): CheckoutSession | null {
  const session = ctx.store.state.sessions[id ?? ""];
  return session ? expireIfDue(ctx, session) : null;
}

const notFound = () =>
  html(404, statusPage("Checkout session not found", "Something went wrong: this payment link is not valid."));

function render(ctx: EmulatorContext, session: CheckoutSession, state: FormState, status = 200): Reply {
  return html(status, checkoutPage(session, ctx.store.state.lineItems[session.id] ?? [], ctx.businessName, state));
}

export const hostedRoutes = [
  route("page", "GET", "/c/pay/:id", (ctx, req) => {
    const session = lookup(ctx, req.params.id);
    if (!session) return notFound();
    if (session.status !== "open") return inactivePage(ctx, session);
    return render(ctx, session, { values: { email: session.customer_email ?? "" }, errors: {} });
  }),
  route("page", "POST", "/c/pay/:id", (ctx, req) => {
    const session = lookup(ctx, req.params.id);
    if (!session) return notFound();
    if (session.status !== "open") return inactivePage(ctx, session);
    const values = formFields.parse(req.body);
    if (session.customer_email) values.email = session.customer_email;
    const delayed = values.paymentMethod === "delayed";
    const errors: FormState["errors"] = delayed
      ? {}
      : validateCardFields({ number: values.cardNumber, expiry: values.cardExpiry, cvc: values.cardCvc });
    if (!values.email.trim()) errors.email = "Your email is incomplete.";
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) errors.email = "Your email address is invalid.";
    if (!values.billingName.trim()) errors.billingName = "Your name is incomplete.";
    if (Object.keys(errors).length > 0) return render(ctx, session, { values, errors }, 400);

    const input: PayInput = {
      card: values.cardNumber,
      expiry: values.cardExpiry,
      email: values.email.trim(),
      name: values.billingName.trim(),
      delayed,
    };
    if (!delayed && needsAuthentication(values.cardNumber)) {
      const token = holdForAuthentication(ctx, { sessionId: session.id, input, values });
      return html(
        200,
        authenticationPage({
          businessName: ctx.businessName,
          amount:
            session.mode === "setup" ? null : { value: session.amount_total ?? 0, currency: session.currency ?? "usd" },
          action: `/c/pay/${session.id}/authenticate`,
          hidden: { token },
        }),
      );
    }
    return pay(ctx, session, input, values);
  }),
  /** The payer's answer to 3D Secure: Complete pays (or saves the card) as usual; Fail leaves the session open. */
  route("page", "POST", "/c/pay/:id/authenticate", (ctx, req) => {
    const session = lookup(ctx, req.params.id);
    if (!session) return notFound();
    if (session.status !== "open") return inactivePage(ctx, session);
    const pending = takePendingAuthentication(ctx, session.id, req.body.token);
    if (!pending) {
      return render(ctx, session, { values: { email: session.customer_email ?? "" }, errors: {} }, 400);
    }
    const outcome = req.body.outcome === "complete" ? "complete" : "fail";
    return pay(ctx, session, { ...pending.input, authentication: outcome }, pending.values);
  }),
];

function pay(ctx: EmulatorContext, session: CheckoutSession, input: PayInput, values: FormState["values"]): Reply {
  const result = paySession(ctx, session, input);
  if (!result.ok) return render(ctx, session, { values, errors: { [result.error.field]: result.error.message } }, 402);
  const success = successUrlFor(result.session);
  return success ? { status: 303, location: success } : inactivePage(ctx, result.session);
}
