import "@fontsource-variable/inter";
import "~/styles/globals.css";

import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";

import { SiteHeader } from "~/components/header/site-header";
import { PaywallModal } from "~/components/paywall/paywall-modal";
import { themeScript } from "~/components/theme/theme-script";
import { NONCE_HEADER } from "~/server/http/security-headers.js";
import { TRPCReactProvider } from "~/trpc/react";

import { currentUser } from "./_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return {
    title: { default: t("appName"), template: `%s · ${t("appName")}` },
    icons: [{ rel: "icon", url: "/favicon.svg" }],
  };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#030712" },
  ],
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const [locale, user, requestHeaders] = await Promise.all([getLocale(), currentUser(), headers()]);
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
        <NextIntlClientProvider>
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
