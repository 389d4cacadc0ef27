"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useEffectEvent, useRef, useState } from "react";

import { isPaymentRequired } from "~/trpc/query-client";
import { api } from "~/trpc/react";

import { Composer } from "./composer";
import { ConversationList } from "./conversation-list";
import { conversationPath } from "./conversation-path";
import { useConversationRoute } from "./conversation-route";
import { MessageActions } from "./message-actions";
import { MessageBubble } from "./message-bubble";
import { MessageEditor } from "./message-editor";
import { ModelLabel } from "./model-label";
import { useModelName } from "./model-name";
import { ModelPicker } from "./model-picker";
import { useMyTeams } from "./my-teams";
import { PayerPicker } from "./payer-picker";
import { QuoteLine } from "./quote-line";
import { ReplyAnnouncer } from "./reply-announcer";
import { clearUnsent, saveUnsent, useUnsentMessage } from "./unsent-message";
import { UnsentNotice } from "./unsent-notice";
import { useChatStream, type SendInput } from "./use-chat-stream";
import { useRestoredUnsent } from "./use-restored-unsent";
import { Button, buttonClasses } from "~/components/ui/button";
import { onPersonalPaymentRequested } from "~/components/paywall/pay-personally";

type Failure = { input: SendInput; kind: "send" | "rate" | "payment" };

const RESEND_AFTER_RESTART_MS = 500;
/** How often a reply stored as still being written is loaded again while none streams here. */
const SETTLING_REPLY_POLL_MS = 1000;
const FAILURE_TEXT = { send: "sendError", rate: "rateLimited", payment: "replaceUnpaid" } as const;

function errorCode(error: unknown): string | undefined {
  return (error as { data?: { code?: string } } | null)?.data?.code;
}

export function ChatView() {
  const t = useTranslations("chat");
  const utils = api.useUtils();
  const { conversationId: routeId, showConversation } = useConversationRoute();
  const [draft, setDraft] = useState("");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [showList, setShowList] = useState(false);
  const [editing, setEditing] = useState(false);
  const unsent = useUnsentMessage();
  const models = api.chat.models.useQuery(undefined, { staleTime: Infinity });
  const modelName = useModelName();
  // A model picked here, for one conversation (null: the one not created yet); the server then remembers it.
  const [choice, setChoice] = useState<{ conversationId: string | null; modelId: string } | null>(null);
  // Likewise the balance that pays (a team's id, null: the user's own); the server remembers it too.
  const [payerChoice, setPayerChoice] = useState<{ conversationId: string | null; teamId: string | null } | null>(null);
  const { teams } = useMyTeams();

  const conversations = api.chat.listConversations.useQuery();
  const list = conversations.data ?? [];
  // `/chat` alone shows the newest conversation and puts its id in the URL.
  const currentId = routeId ?? list[0]?.id ?? null;
  // Its title and what it has cost so far (replaced replies included), refetched after every reply.
  const current = list.find((c) => c.id === currentId);
  useEffect(() => {
    if (!routeId && currentId) showConversation(currentId, { replace: true });
  }, [routeId, currentId, showConversation]);
  const messages = api.chat.messages.useQuery({ conversationId: currentId ?? "" }, { enabled: !!currentId });
  const notFound = !!routeId && ["NOT_FOUND", "BAD_REQUEST"].includes(errorCode(messages.error) ?? "");
  const chosenModel = choice && choice.conversationId === currentId ? choice.modelId : undefined;
  const modelId = chosenModel ?? list.find((c) => c.id === currentId)?.modelId ?? undefined;
  const withModel = chosenModel ? { modelId: chosenModel } : {};
  const chosenPayer = payerChoice && payerChoice.conversationId === currentId ? payerChoice.teamId : undefined;
  // Not chosen here: the conversation's remembered payer (the server forgets a team the user has left).
  const payerTeamId = chosenPayer !== undefined ? chosenPayer : (current?.payerTeamId ?? null);
  const payerTeam = payerTeamId ? teams.find((team) => team.id === payerTeamId) : undefined;
  // What the chooser shows is what pays: a picked team the user is no longer in reads (and goes) as their own.
  const withPayer = chosenPayer !== undefined ? { payerTeamId: payerTeam ? payerTeam.id : null } : {};
  const nameOfModel = (id: string | null | undefined) => {
    const offer = id ? models.data?.find((m) => m.id === id) : undefined;
    return offer && modelName(offer);
  };

  const create = api.chat.createConversation.useMutation({
    onSuccess: (c) => {
      // A conversation just created has no messages: nothing to load when it is selected, and a
      // first message sent right away is not loaded back from the server while it streams.
      utils.chat.messages.setData({ conversationId: c.id }, []);
      void utils.chat.listConversations.invalidate();
    },
  });
  const rename = api.chat.renameConversation.useMutation({
    onSettled: () => {
      // Credit history rows name their conversation.
      void utils.credits.history.invalidate();
      return utils.chat.listConversations.invalidate();
    },
  });
  const remove = api.chat.deleteConversation.useMutation({
    onSuccess: ({ id }) => {
      // Gone from the list at once, so `/chat` does not open it again before the list reloads.
      utils.chat.listConversations.setData(undefined, (old) => old?.filter((c) => c.id !== id));
      if (id === currentId) showConversation(null, { replace: true });
      // Its credit history rows stay and now read "Deleted conversation".
      void utils.credits.history.invalidate();
      return utils.chat.listConversations.invalidate();
    },
  });

  // A server that is restarting refuses the message before writing anything; the next try
  // reaches another instance. Sent again once, automatically; after that the user decides.
  const resentAfterRestart = useRef(false);
  const { send, stop, live, isSending } = useChatStream({
    onStarted: (input) => {
      resentAfterRestart.current = false;
      if ((input.mode ?? "send") === "send") setDraft((d) => (d.trim() === input.content.trim() ? "" : d));
      clearUnsent();
    },
    onError: (input, error) => {
      if (errorCode(error) === "SERVICE_UNAVAILABLE" && !resentAfterRestart.current) {
        resentAfterRestart.current = true;
        setTimeout(() => send(input), RESEND_AFTER_RESTART_MS);
        return;
      }
      resentAfterRestart.current = false;
      if (isPaymentRequired(error) && input.mode && input.mode !== "send") {
        // The paywall opens from the global handler; the old exchange stays and this can be tried again.
        setFailure({ input, kind: "payment" });
        return;
      }
      if (isPaymentRequired(error)) {
        // The paywall opens from the global handler; here we only make sure the text survives.
        saveUnsent({ conversationId: input.conversationId, content: input.content });
        return;
      }
      setFailure({ input, kind: errorCode(error) === "TOO_MANY_REQUESTS" ? "rate" : "send" });
    },
  });

  // "New conversation" clicked and not created yet: a message sent meanwhile goes to it, not to the
  // conversation still shown.
  const creatingNew = useRef<Promise<string | null> | null>(null);
  const waitingForNew = useRef(false);
  const startNewConversation = () => {
    const created: Promise<string | null> = create.mutateAsync({}).then(
      (c) => {
        showConversation(c.id);
        return c.id;
      },
      () => null, // the mutation's error state shows it; a message sent meanwhile stays where it was
    );
    creatingNew.current = created;
    void created.finally(() => {
      if (creatingNew.current === created) creatingNew.current = null;
    });
  };

  async function sendContent(content: string, conversationId: string | null, payerOverride?: { payerTeamId: null }) {
    const text = content.trim();
    if (!text || isSending) return;
    setFailure(null);
    if (creatingNew.current) {
      // One message per click, however often Send is pressed while the conversation is created.
      if (waitingForNew.current) return;
      waitingForNew.current = true;
      const created = await creatingNew.current.finally(() => (waitingForNew.current = false));
      if (created) {
        send({ conversationId: created, content: text, ...payerOverride });
        return;
      }
    }
    let target = conversationId && list.some((c) => c.id === conversationId) ? conversationId : currentId;
    // The model and payer picked for the conversation shown (or for the one about to be created) go with it.
    const model = target === currentId ? withModel : {};
    const payer = payerOverride ?? (target === currentId ? { ...withPayer, payerName: payerTeam?.name } : {});
    if (!target) {
      try {
        target = (await create.mutateAsync({})).id;
      } catch {
        setFailure({ input: { conversationId: "", content: text }, kind: "send" });
        return;
      }
      // The empty chat becomes this conversation: Back should not return to a page that no longer exists.
      showConversation(target, { replace: true });
      if (chosenModel) setChoice({ conversationId: target, modelId: chosenModel });
      if (chosenPayer !== undefined) setPayerChoice({ conversationId: target, teamId: chosenPayer });
    } else if (target !== currentId) showConversation(target);
    send({ conversationId: target, content: text, ...model, ...payer });
  }

  // The paywall's "pay from my balance instead": this conversation switches to the user's own
  // balance and the refused message goes again (the last exchange's replacement, or the unsent message).
  const payPersonally = useEffectEvent(() => {
    setPayerChoice({ conversationId: currentId, teamId: null });
    if (failure?.kind === "payment") {
      setFailure(null);
      send({ ...failure.input, payerTeamId: null, payerName: undefined });
    } else if (unsent && unsent.conversationId === currentId) {
      void sendContent(draft.trim() ? draft : unsent.content, currentId, { payerTeamId: null });
    }
  });
  useEffect(() => onPersonalPaymentRequested(() => payPersonally()), []);

  const serverMessages = messages.data ?? [];
  const liveHere = live && live.conversationId === currentId ? live : null;
  // The exchange in progress is shown from its live copy only. The server saves both its messages
  // before the reply starts, so any load of this conversation meanwhile (the first one of a new
  // conversation, a refetch on focus) returns them too: they are left out until the live copy goes.
  const liveIds = new Set([liveHere?.userMessageId, liveHere?.assistantMessageId, ...(liveHere?.replaces ?? [])]);
  const shownMessages = liveHere ? serverMessages.filter((m) => !liveIds.has(m.id)) : serverMessages;
  const last = serverMessages[serverMessages.length - 1];
  const previousUser = [...serverMessages].reverse().find((m) => m.role === "user");
  const replyFailed = !liveHere && !isSending && last?.role === "assistant" && last.status === "error" && previousUser;
  // Regenerate and edit replace the last exchange once it has finished.
  const replaceable =
    !liveHere && !isSending && currentId && last?.role === "assistant" && last.status !== "streaming" && previousUser
      ? { user: previousUser, reply: last }
      : null;

  // A reply stored as still being written while none streams here (one just stopped, which the
  // server is settling; or one written from another tab) is loaded again until it has its final
  // status and charge.
  const settling = !liveHere && !isSending && !!currentId && last?.role === "assistant" && last.status === "streaming";
  useEffect(() => {
    if (!settling || !currentId) return;
    const timer = setInterval(
      () => void utils.chat.messages.invalidate({ conversationId: currentId }),
      SETTLING_REPLY_POLL_MS,
    );
    return () => clearInterval(timer);
  }, [settling, currentId, utils]);

  function replaceLast(mode: "regenerate" | "edit", content: string) {
    if (!replaceable || !currentId) return;
    setFailure(null);
    setEditing(false);
    send({
      conversationId: currentId,
      content,
      mode,
      replaces: [replaceable.user.id, replaceable.reply.id],
      ...withModel,
      ...withPayer,
      payerName: payerTeam?.name,
    });
  }

  useRestoredUnsent(unsent, currentId, draft, setDraft);

  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end" });
  }, [shownMessages.length, liveHere?.assistantText, currentId]);

  return (
    <div className="relative -mx-3 -my-6 flex h-[calc(100dvh-7.5rem)] min-h-[28rem] sm:mx-0 sm:my-0 sm:h-[calc(100dvh-7rem)] sm:rounded-xl sm:border sm:border-gray-200 sm:dark:border-gray-800">
      <aside
        className={`${showList ? "flex" : "hidden"} absolute inset-x-0 top-[2.75rem] bottom-0 z-20 w-full flex-col border-r border-gray-200 bg-white md:static md:flex md:h-auto md:w-64 md:shrink-0 dark:border-gray-800 dark:bg-gray-950`}
      >
        <ConversationList
          conversations={list}
          loading={conversations.isPending}
          activeId={currentId}
          creating={create.isPending}
          onSelect={() => setShowList(false)}
          onNew={() => {
            startNewConversation();
            setShowList(false);
          }}
          onRename={(id, title) => rename.mutate({ id, title })}
          onDelete={(id) => remove.mutate({ id })}
        />
      </aside>

      <section className="flex min-w-0 flex-1 flex-col">
        <div className="flex items-center justify-between gap-2 border-b border-gray-200 px-3 py-2 dark:border-gray-800">
          <Button
            variant="ghost"
            size="sm"
            className="md:hidden"
            onClick={() => setShowList((s) => !s)}
            aria-expanded={showList}
          >
            {showList ? t("hideConversations") : t("showConversations")}
          </Button>
          <h1 className="min-w-0 flex-1 truncate text-sm font-medium" data-testid="chat-title">
            {current?.title || t("untitled")}
          </h1>
          {current && (
            <span
              data-testid="chat-total"
              data-credits={current.creditsTotal}
              className="shrink-0 text-xs text-gray-600 tabular-nums dark:text-gray-300"
            >
              {t("conversationTotal", { count: current.creditsTotal })}
            </span>
          )}
          <ModelLabel modelId={modelId} />
        </div>

        {/* Focusable so the keyboard can scroll it; `relative` keeps the visually hidden labels inside it. */}
        <div
          className="relative flex-1 overflow-y-auto px-3 py-4"
          tabIndex={0}
          role="region"
          aria-label={t("messagesLabel")}
          data-testid="chat-messages"
        >
          {notFound ? (
            <div className="mx-auto mt-16 max-w-sm text-center" data-testid="chat-not-found">
              <h2 className="text-lg font-semibold">{t("notFound")}</h2>
              <Link
                href={conversationPath(null)}
                className={buttonClasses({ variant: "link", size: "sm", className: "mt-2" })}
              >
                {t("openLatest")}
              </Link>
            </div>
          ) : shownMessages.length === 0 && !liveHere && !messages.isFetching ? (
            <div className="mx-auto mt-16 max-w-sm text-center" data-testid="chat-empty">
              <h2 className="text-lg font-semibold">{t("emptyTitle")}</h2>
              <p className="mt-1 text-sm text-gray-500 dark:text-gray-400">{t("emptyBody")}</p>
            </div>
          ) : (
            <ol className="space-y-3">
              {shownMessages.map((m) =>
                editing && m.id === replaceable?.user.id ? (
                  <MessageEditor
                    key={m.id}
                    initial={m.content}
                    onSubmit={(content) => replaceLast("edit", content)}
                    onCancel={() => setEditing(false)}
                  />
                ) : (
                  <MessageBubble
                    key={m.id}
                    role={m.role}
                    content={m.content}
                    status={m.status}
                    cost={m}
                    modelName={m.role === "assistant" ? nameOfModel(m.model) : undefined}
                    paidBy={m.paidBy?.name}
                    actions={
                      m.status !== "streaming" && (
                        <MessageActions
                          role={m.role}
                          content={m.content}
                          onEdit={m.id === replaceable?.user.id ? () => setEditing(true) : undefined}
                          onRegenerate={
                            m.id === replaceable?.reply.id
                              ? () => replaceLast("regenerate", replaceable.user.content)
                              : undefined
                          }
                        />
                      )
                    }
                  />
                ),
              )}
              {liveHere && (
                <>
                  <MessageBubble
                    role="user"
                    content={liveHere.userContent}
                    status={liveHere.status === "sending" ? "sending" : "complete"}
                  />
                  <MessageBubble
                    role="assistant"
                    content={liveHere.assistantText}
                    status={liveHere.status}
                    cost={liveHere}
                    paidBy={liveHere.payerName}
                  />
                </>
              )}
            </ol>
          )}
          {messages.isError && !notFound && (
            <p className="mt-3 text-sm text-red-600 dark:text-red-400">{t("loadError")}</p>
          )}
          <div ref={endRef} />
        </div>

        {(failure || replyFailed) && (
          <div
            role="alert"
            className="mx-3 mb-2 flex flex-wrap items-center justify-between gap-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
          >
            <span>{failure ? t(FAILURE_TEXT[failure.kind]) : t("replyError")}</span>
            <Button
              variant="danger"
              size="sm"
              data-testid="chat-retry"
              onClick={() =>
                failure
                  ? failure.input.mode && failure.input.mode !== "send"
                    ? (setFailure(null), send(failure.input))
                    : void sendContent(failure.input.content, failure.input.conversationId || null)
                  : previousUser && void sendContent(previousUser.content, currentId)
              }
            >
              {t("retry")}
            </Button>
          </div>
        )}

        {unsent && !isSending && (
          <UnsentNotice
            unsent={unsent}
            conversationId={currentId}
            onResend={() => void sendContent(draft.trim() ? draft : unsent.content, currentId)}
            onDiscard={clearUnsent}
          />
        )}
        <ReplyAnnouncer sending={isSending} lastReply={last?.role === "assistant" ? last : undefined} />

        {!notFound && (
          <Composer
            value={draft}
            onChange={setDraft}
            sending={isSending}
            onStop={stop}
            onSend={() => void sendContent(draft, currentId)}
            picker={
              <div className="flex flex-col gap-2 sm:flex-row">
                <ModelPicker
                  value={modelId}
                  onChange={(id) => setChoice({ conversationId: currentId, modelId: id })}
                  spendable={payerTeam?.spendableForMe}
                />
                <PayerPicker
                  teams={teams}
                  value={payerTeam ? payerTeam.id : null}
                  onChange={(teamId) => setPayerChoice({ conversationId: currentId, teamId })}
                />
              </div>
            }
            quote={
              <QuoteLine conversationId={currentId} modelId={modelId} content={draft} {...withPayer} teams={teams} />
            }
          />
        )}
      </section>
    </div>
  );
}
