"use client";

import { useTranslations } from "next-intl";

import type { RouterOutputs } from "~/trpc/react";

export type ModelOffer = RouterOutputs["chat"]["models"][number];

/** A model's name in the reader's language: the Demo models are named by the app, others by their configuration. */
export function useModelName() {
  const t = useTranslations("chat");
  return (model: Pick<ModelOffer, "id" | "label" | "demo">) =>
    model.demo ? (model.id === "demo-pro" ? t("demoModelPro") : t("demoModel")) : model.label;
}
