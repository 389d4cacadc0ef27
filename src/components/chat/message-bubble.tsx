"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

import { Markdown } from "./markdown";

export type BubbleStatus = "sending" | "streaming" | "complete" | "stopped" | "error";

/** What a finished reply cost: its credits, and the tokens they pay for when known. */
export interface ReplyCost {
  creditsCharged?: number | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
}

/** A stopped reply shows what it was charged, even 0; a failed one only when it charged something. */
function showsCost(status: BubbleStatus, credits: number | null | undefined): credits is number {
  if (credits == null || status === "sending" || status === "streaming") return false;
  return status !== "error" || credits > 0;
}

export function MessageBubble({
  role,
  content,
  status,
  cost,
  modelName,
  paidBy,
  actions,
}: {
  /** The model that wrote this reply, by name. */
  modelName?: string;
  /** The team whose pool paid this reply, by name (absent: the user's own balance). */
  paidBy?: string;
  role: "user" | "assistant";
  content: string;
  status: BubbleStatus;
  /** A reply's cost (from the stored message, or from the stream's done event while it is live). */
  cost?: ReplyCost;
  /** Shown under the bubble (message-actions.tsx). */
  actions?: ReactNode;
}) {
  const t = useTranslations("chat");
  const isUser = role === "user";
  const credits = cost?.creditsCharged;
  const costLabel = !isUser && showsCost(status, credits) && (
    <span
      data-testid="message-cost"
      data-credits={credits}
      // The tokens the credits pay for, when known: input and output.
      title={
        cost?.inputTokens != null && cost.outputTokens != null
          ? t("replyTokens", { input: cost.inputTokens, output: cost.outputTokens })
          : undefined
      }
      className="tabular-nums"
    >
      {t("charged", { count: credits })}
    </span>
  );
  return (
    <li
      data-testid="chat-message"
      data-role={role}
      data-status={status}
      className={`flex flex-col ${isUser ? "items-end" : "items-start"}`}
    >
      <div
        className={`max-w-[min(42rem,88%)] rounded-2xl px-4 py-2.5 ${
          isUser ? "bg-blue-600 text-white" : "bg-gray-100 text-gray-900 dark:bg-gray-800 dark:text-gray-100"
        }`}
      >
        <span className="sr-only">{isUser ? t("you") : t("assistant")}: </span>
        {isUser ? (
          <p className="break-words whitespace-pre-wrap">{content}</p>
        ) : content ? (
          <Markdown streaming={status === "streaming"}>{content}</Markdown>
        ) : status === "sending" || status === "streaming" ? (
          <p className="animate-pulse text-gray-500 dark:text-gray-400">{t("thinking")}</p>
        ) : null}
        {!isUser && (status === "stopped" || status === "error" || costLabel || modelName || paidBy) && (
          <p className="mt-1 flex flex-wrap gap-x-2 text-xs text-gray-500 dark:text-gray-400">
            {status === "stopped" && <span>{t("stopped")}</span>}
            {status === "error" && <span className="text-red-600 dark:text-red-400">{t("replyError")}</span>}
            {costLabel}
            {modelName && <span data-testid="reply-model">{modelName}</span>}
            {paidBy && <span data-testid="reply-payer">{t("paidBy", { team: paidBy })}</span>}
          </p>
        )}
      </div>
      {actions}
    </li>
  );
}
