import type { EmulatorContext } from "./context";
import { authenticationPage, statusPage } from "./hosted-page-html";
import type { PaymentIntent } from "./objects";
import { finishAuthentication } from "./payment-intents";
import { route, type Reply } from "./router";

/**
 * The 3D Secure page behind `next_action.redirect_to_url.url` (like Stripe's test-mode "3D Secure 2 Test Page"): the
 * payer completes or fails authentication, the intent succeeds (charge + events) or returns to requires_payment_method
 * (`payment_intent.payment_failed`), and the browser goes back to `return_url` with Stripe's query parameters.
 */

const html = (status: number, body: string): Reply => ({ status, html: body });
const notFound = () => html(404, statusPage("Authentication not found", "This link is not valid."));

/** Only the intent's exact client secret opens its page. */
function intentFor(ctx: EmulatorContext, id: string | undefined, secret: unknown): PaymentIntent | null {
  const intent = ctx.store.state.paymentIntents[id ?? ""];
  return intent?.client_secret && intent.client_secret === secret ? intent : null;
}

function returnUrlOf(intent: PaymentIntent): string | null {
  return intent.next_action?.type === "redirect_to_url" ? intent.next_action.redirect_to_url.return_url : null;
}

function authPage(ctx: EmulatorContext, intent: PaymentIntent): string {
  return authenticationPage({
    businessName: ctx.businessName,
    amount: { value: intent.amount, currency: intent.currency },
    action: `/3ds/authenticate/${intent.id}`,
    hidden: { client_secret: intent.client_secret ?? "" },
  });
}

export const authenticationRoutes = [
  route("page", "GET", "/3ds/authenticate/:id", (ctx, req) => {
    const intent = intentFor(ctx, req.params.id, req.query.client_secret);
    if (!intent) return notFound();
    if (intent.status !== "requires_action")
      return html(200, statusPage(`Status: ${intent.status}`, "This payment needs no authentication now."));
    return html(200, authPage(ctx, intent));
  }),
  route("page", "POST", "/3ds/authenticate/:id", (ctx, req) => {
    const intent = intentFor(ctx, req.params.id, req.body.client_secret);
    if (!intent) return notFound();
    if (intent.status !== "requires_action")
      return html(200, statusPage(`Status: ${intent.status}`, "This payment needs no authentication now."));
    const outcome = req.body.outcome;
    if (outcome !== "complete" && outcome !== "fail")
      return html(400, statusPage("Choose an answer", "Complete or fail the authentication."));
    const returnUrl = returnUrlOf(intent);
    const succeeded = finishAuthentication(ctx, intent, outcome === "complete").status === "succeeded";
    if (!returnUrl) {
      return html(
        200,
        statusPage(succeeded ? "Authentication complete" : "Authentication failed", "You can close this page."),
      );
    }
    const back = new URL(returnUrl);
    back.searchParams.set("payment_intent", intent.id);
    back.searchParams.set("payment_intent_client_secret", intent.client_secret ?? "");
    back.searchParams.set("redirect_status", succeeded ? "succeeded" : "failed");
    return { status: 303, location: back.toString() };
  }),
];
