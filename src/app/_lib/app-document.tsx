import "@fontsource-variable/inter";
import "~/styles/globals.css";

import { headers } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";

import { SiteHeader } from "~/components/header/site-header";
import { PaywallModal } from "~/components/paywall/paywall-modal";
import { themeScript } from "~/components/theme/theme-script";
import { clientMessages } from "~/i18n/client-messages";
import type { Messages } from "~/i18n/messages";
import { NONCE_HEADER } from "~/server/http/security-headers.js";
import { TRPCReactProvider } from "~/trpc/react";

import { currentUser } from "./current-user";

/**
 * The app's document: html, the theme script, the header, the paywall and the client providers. The
 * root layout of every app page ((app)/layout.tsx) and the 404 for unknown URLs (global-not-found.tsx)
 * render it; only the benchmark's bare page ((bare)/, a floor for page weight) lives outside it.
 */
export async function AppDocument({ children }: { children: React.ReactNode }) {
  const [locale, user, requestHeaders, messages] = await Promise.all([
    getLocale(),
    currentUser(),
    headers(),
    getMessages(),
  ]);
  // Set by src/proxy.ts; the CSP runs no inline script without it.
  const nonce = requestHeaders.get(NONCE_HEADER) ?? undefined;
  return (
    // The theme script sets the `dark` class before hydration, so React must not fight over it.
    <html lang={locale} suppressHydrationWarning>
      <head>
        {/* Browsers hide a nonce from the DOM after parsing, so hydration must not compare it. */}
        <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-dvh font-sans">
        <NextIntlClientProvider messages={clientMessages(messages as Messages)}>
          <TRPCReactProvider>
            <SiteHeader user={user} />
            <main className="mx-auto w-full max-w-6xl px-3 py-6 sm:px-6">{children}</main>
            <PaywallModal />
          </TRPCReactProvider>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
