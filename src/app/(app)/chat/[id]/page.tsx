import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { api, HydrateClient } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("header");
  return { title: t("chat") };
}

async function isOwnConversation(conversationId: string): Promise<boolean> {
  try {
    await api.chat.messages({ conversationId });
    return true;
  } catch (error) {
    // Someone else's, unknown or malformed: one answer for all three, so nothing leaks.
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return false;
    throw error;
  }
}

/** Renders nothing itself: it loads this conversation's messages for the chat view in the layout. */
export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // The layout sends a signed-out visitor to sign in; this page renders alongside it and must not fail first.
  if (!(await currentUser())) redirect("/auth?callbackUrl=/chat");
  if (!(await isOwnConversation(id))) notFound();
  await api.chat.messages.prefetch({ conversationId: id });
  return <HydrateClient>{null}</HydrateClient>;
}
