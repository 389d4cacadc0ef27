import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { VerifyEmailNotice } from "~/components/account/verify-email-notice";
import { AutoTopUpStatus } from "~/components/billing/auto-top-up/auto-top-up-status";
import { LowBalanceBanner } from "~/components/billing/low-balance-banner";
import { ChatView } from "~/components/chat/chat-view";
import { conversationIdFromPath } from "~/components/chat/conversation-path";
import { REQUEST_PATH_HEADER } from "~/server/http/request-path";
import { api, HydrateClient } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

/**
 * One chat view for /chat and every /chat/[id]: moving between conversations changes the URL,
 * not the view, so a streaming reply and the composer survive it. Each page only loads its data.
 *
 * The open conversation's messages are loaded here too, before the view renders: the page's data arrives
 * in its own stream chunk, and a server render of the view without them would not match the browser's,
 * which hydrates the page's data first (React's hydration error #418 on every reload of /chat/<id>).
 */
export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  if (!(await currentUser())) redirect("/auth?callbackUrl=/chat");
  const openId = conversationIdFromPath((await headers()).get(REQUEST_PATH_HEADER));
  // prefetch never throws: someone else's or an unknown id is left to the page's 404.
  await Promise.all([
    api.chat.listConversations.prefetch(),
    openId ? api.chat.messages.prefetch({ conversationId: openId }) : undefined,
  ]);
  return (
    <HydrateClient>
      {/* The page's data is hydrated before the view below reads it. */}
      {children}
      <VerifyEmailNotice />
      <LowBalanceBanner />
      <AutoTopUpStatus />
      <ChatView />
    </HydrateClient>
  );
}
