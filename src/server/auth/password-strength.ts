/**
 * Password strength: zxcvbn-ts with its common-password and diceware lists, also penalising
 * the account's own email and name. Score 3 of 4 ("safely unguessable") is the floor.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";

import { WEAK_PASSWORD_MESSAGE } from "~/lib/password-rules";

export const MIN_PASSWORD_SCORE = 3;

let checker: ZxcvbnFactory | undefined;

export function passwordScore(password: string, userInputs: string[] = []): number {
  checker ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const inputs = userInputs.flatMap((s) => [s, ...s.split(/[@.\s_+-]+/)]).filter((s) => s.length >= 3);
  return checker.check(password, inputs).score;
}

/** A new password: bounded, at least 10 characters, and strong enough for zxcvbn. */
export const newPassword = z.string().min(10, "Use at least 10 characters.").max(128);

/** Adds the strength check to an object schema holding `password` (and optionally `email`/`name`). */
export function checkStrength(value: { password: string; email?: string; name?: string }, ctx: z.RefinementCtx): void {
  const inputs = [value.email, value.name].filter((s): s is string => Boolean(s));
  if (passwordScore(value.password, inputs) < MIN_PASSWORD_SCORE) {
    ctx.addIssue({ code: "custom", path: ["password"], message: WEAK_PASSWORD_MESSAGE });
  }
}
