"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";

import { api, type RouterOutputs } from "~/trpc/react";

type ChatStreamEvent = RouterOutputs["chat"]["send"] extends AsyncIterable<infer E> ? E : never;

export interface LiveExchange {
  conversationId: string;
  replaces?: string[];
  userContent: string;
  assistantText: string;
  status: "sending" | "streaming" | "complete" | "stopped" | "error";
  error?: string;
  /** What the finished reply cost, from the "done" event (until the stored reply replaces the live copy). */
  creditsCharged?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** The team paying this reply (absent: the user's own balance). */
  payerName?: string;
  /** The ids the server gave this exchange's two messages (from the "start" event). */
  userMessageId?: string;
  assistantMessageId?: string;
}

export interface SendInput {
  conversationId: string;
  /** The user message the reply answers (for a regenerate: the last one, unchanged). */
  content: string;
  /** send (default): a new exchange; regenerate / edit: replaces the last exchange, metered like a send. */
  mode?: "send" | "regenerate" | "edit";
  /** Stored messages this exchange replaces: hidden while its live copy shows. */
  replaces?: string[];
  /** The model the user picked (absent: the conversation's last choice, else the default). */
  modelId?: string;
  /** The balance the user picked: a team's id, null for their own (absent: the conversation's last choice). */
  payerTeamId?: string | null;
  /** The paying team's name, for the reply while it streams (absent: the user's own balance). */
  payerName?: string;
}

function openStream(client: ReturnType<typeof api.useUtils>["client"], input: SendInput, signal: AbortSignal) {
  const { conversationId, content } = input;
  const choices = {
    ...(input.modelId ? { modelId: input.modelId } : {}),
    ...(input.payerTeamId !== undefined ? { payerTeamId: input.payerTeamId } : {}),
  };
  if (input.mode === "regenerate") return client.chat.regenerate.mutate({ conversationId, ...choices }, { signal });
  if (input.mode === "edit") return client.chat.editLast.mutate({ conversationId, content, ...choices }, { signal });
  return client.chat.send.mutate({ conversationId, content, ...choices }, { signal });
}

type DoneEvent = Extract<ChatStreamEvent, { type: "done" }>;

/**
 * Sends one message and follows the streamed reply. Runs inside a react-query mutation so the
 * global cache handler sees a PAYMENT_REQUIRED rejection (and opens the paywall) like any other.
 * `onStarted` fires once the server accepted the message (credits reserved).
 */
export function useChatStream({
  onStarted,
  onError,
}: {
  onStarted: (input: SendInput) => void;
  onError: (input: SendInput, error: unknown) => void;
}) {
  const utils = api.useUtils();
  const controllerRef = useRef<AbortController | null>(null);
  const [live, setLive] = useState<LiveExchange | null>(null);

  const mutation = useMutation({
    mutationFn: async (input: SendInput): Promise<DoneEvent | null> => {
      const controller = new AbortController();
      controllerRef.current = controller;
      setLive({
        conversationId: input.conversationId,
        replaces: input.replaces,
        userContent: input.content,
        assistantText: "",
        status: "sending",
        payerName: input.payerName,
      });
      try {
        const events = await openStream(utils.client, input, controller.signal);
        for await (const event of events) {
          if (event.type === "start") {
            setLive(
              (l) =>
                l && {
                  ...l,
                  status: "streaming",
                  userMessageId: event.userMessageId,
                  assistantMessageId: event.assistantMessageId,
                },
            );
            onStarted(input);
          } else if (event.type === "delta") {
            setLive((l) => l && { ...l, assistantText: l.assistantText + event.text });
          } else {
            setLive(
              (l) =>
                l && {
                  ...l,
                  status: event.status,
                  error: event.error,
                  creditsCharged: event.creditsCharged,
                  inputTokens: event.usage.inputTokens,
                  outputTokens: event.usage.outputTokens,
                },
            );
            return event;
          }
        }
        return null;
      } catch (error) {
        // The stop button: the server saves what was generated and charges only that.
        if (controller.signal.aborted) {
          setLive((l) => l && { ...l, status: "stopped" });
          return null;
        }
        throw error;
      } finally {
        controllerRef.current = null;
      }
    },
    onError: (error, input) => {
      setLive(null);
      onError(input, error);
    },
    onSettled: async (_data, _error, input) => {
      await Promise.all([
        utils.chat.messages.invalidate({ conversationId: input.conversationId }),
        utils.chat.listConversations.invalidate(),
        utils.credits.balance.invalidate(),
        // A pool's spendable (and the user's limits) moved too, for the payer chooser.
        utils.teams.list.invalidate(),
        // The conversation's history (and the balance) changed: every quote is priced again.
        utils.chat.quote.invalidate(),
      ]);
      // The billing page's history and chart hold this charge too (refetched when next shown).
      void utils.credits.history.invalidate();
      void utils.credits.spentPerDay.invalidate();
      // The reply may have taken spendable below the auto top-up threshold: see the top-up it triggered.
      void utils.autoTopUp.get.invalidate();
      // The persisted messages are loaded now; drop the live copy so nothing shows twice.
      setLive(null);
    },
  });

  const stop = useCallback(() => controllerRef.current?.abort(), []);

  return { send: mutation.mutate, stop, live, isSending: mutation.isPending };
}
