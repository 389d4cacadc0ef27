import { redirect } from "next/navigation";

import { VerifyEmailNotice } from "~/components/account/verify-email-notice";
import { AutoTopUpStatus } from "~/components/billing/auto-top-up/auto-top-up-status";
import { LowBalanceBanner } from "~/components/billing/low-balance-banner";
import { ChatView } from "~/components/chat/chat-view";
import { api, HydrateClient } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

/**
 * One chat view for /chat and every /chat/[id]: moving between conversations changes the URL,
 * not the view, so a streaming reply and the composer survive it. Each page only loads its data.
 */
export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  if (!(await currentUser())) redirect("/auth?callbackUrl=/chat");
  await api.chat.listConversations.prefetch();
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
