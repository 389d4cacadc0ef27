import type { Metadata, Viewport } from "next";
import { getTranslations } from "next-intl/server";

import { AppDocument } from "~/app/_lib/app-document";

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

/**
 * The root layout of every app page. It sits in the (app) route group so that the benchmark's bare
 * page ((bare)/bench/bare, compiled only into benchmark builds) can have a root layout of its own.
 */
export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return <AppDocument>{children}</AppDocument>;
}
