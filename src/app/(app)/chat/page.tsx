import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { conversationPath } from "~/components/chat/conversation-path";
import { api } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("header");
  return { title: t("chat") };
}

/** /chat opens the newest conversation; without any, the empty chat (the first message creates one). */
export default async function ChatPage() {
  // The layout redirects too, but a page renders alongside its layout: without this check a signed-out
  // visit would call a protected procedure and log an UNAUTHORIZED error.
  if (!(await currentUser())) redirect("/auth?callbackUrl=/chat");
  const [newest] = await api.chat.listConversations();
  if (newest) redirect(conversationPath(newest.id));
  return null;
}
