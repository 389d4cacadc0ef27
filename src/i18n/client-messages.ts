import type { Messages } from "./messages";

/**
 * The message namespaces client components read (useTranslations in "use client" files): only these
 * travel to the browser with NextIntlClientProvider. Server components read the rest (mail, the 404
 * page, the demo model's replies, the pricing page) from the request config, so those stay on the
 * server. tests/i18n/client-messages.test.ts keeps this list in step with the client code.
 */
export const CLIENT_NAMESPACES = [
  "common",
  "header",
  "home",
  "auth",
  "chat",
  "paywall",
  "billing",
  "account",
  "error",
  "lowBalance",
  "autoTopUp",
  "modelPrices",
  "usage",
  "teams",
] as const satisfies readonly (keyof Messages)[];

export type ClientMessages = Pick<Messages, (typeof CLIENT_NAMESPACES)[number]>;

export function clientMessages(messages: Messages): ClientMessages {
  return Object.fromEntries(CLIENT_NAMESPACES.map((ns) => [ns, messages[ns]])) as ClientMessages;
}
