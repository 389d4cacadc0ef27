import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { VerifyEmailNotice } from "~/components/account/verify-email-notice";
import { ChatView } from "~/components/chat/chat-view";

import { currentUser } from "../_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("header");
  return { title: t("chat") };
}

export default async function ChatPage() {
  if (!(await currentUser())) redirect("/auth?callbackUrl=/chat");
  return (
    <>
      <VerifyEmailNotice />
      <ChatView />
    </>
  );
}
