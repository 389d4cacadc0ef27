/** Stripe's error body (`{ error: {...} }`) and the HTTP status it comes with. */
export interface StripeErrorBody {
  type: "invalid_request_error" | "card_error" | "idempotency_error" | "api_error";
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  /** On a failed PaymentIntent confirmation: the intent as it was left, and the card tried (as Stripe sends them). */
  payment_intent?: unknown;
  payment_method?: unknown;
}

export class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

const invalid = (message: string, extra: Partial<StripeErrorBody> = {}, status = 400) =>
  new StripeHttpError(status, { type: "invalid_request_error", message, ...extra });

export const stripeErrors = {
  invalid,
  missingParam: (param: string) => invalid(`Missing required param: ${param}.`, { code: "parameter_missing", param }),
  unknownParam: (param: string) =>
    invalid(`Received unknown parameter: ${param}`, { code: "parameter_unknown", param }),
  invalidParam: (param: string, message: string, code?: string) =>
    invalid(message, { param, ...(code ? { code } : {}) }),
  noSuch: (kind: string, id: string, param?: string) =>
    invalid(`No such ${kind}: '${id}'`, { code: "resource_missing", ...(param ? { param } : {}) }, param ? 400 : 404),
  unrecognizedUrl: (method: string, path: string) =>
    invalid(
      `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      {},
      404,
    ),
  noApiKey: () =>
    invalid(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      {},
      401,
    ),
  badApiKey: (key: string) =>
    invalid(
      `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
      { code: "api_key_invalid" },
      401,
    ),
  idempotencyMismatch: (key: string) =>
    new StripeHttpError(400, {
      type: "idempotency_error",
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    }),
  card: (code: string, message: string, declineCode?: string, param?: string) =>
    new StripeHttpError(402, {
      type: "card_error",
      code,
      message,
      ...(declineCode ? { decline_code: declineCode } : {}),
      ...(param ? { param } : {}),
    }),
};
