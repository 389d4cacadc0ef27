/**
 * The language a reply should be in: the one the user's message is written in, when that is
 * clear; else their UI locale. Scripts settle Japanese, Korean and Chinese; franc-min's trigram
 * scores settle the Latin-script locales, trusted only when one language clearly leads (short
 * messages often score two languages alike, and then the UI locale decides).
 */
import { francAll } from "franc-min";

import { DEFAULT_LOCALE, isLocale, type Locale } from "~/i18n/locales";

const LATIN: Record<string, Locale> = { eng: "en", spa: "es", fra: "fr", deu: "de", por: "pt-BR" };
/** Languages scoring at least this share of the best one are as likely as it. */
const CLOSE_SCORE = 0.9;
/** Fewer words than this say too little about their language ("second question" scores as French). */
const MIN_WORDS = 3;

const KANA = /[\u3040-\u30FF]/;
const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;
const HAN = /[\u4E00-\u9FFF]/;

export function replyLocale(text: string, uiLocale?: string): Locale {
  const fallback: Locale = isLocale(uiLocale) ? uiLocale : DEFAULT_LOCALE;
  if (KANA.test(text)) return "ja";
  if (HANGUL.test(text)) return "ko";
  // Kanji-only Japanese looks like Chinese: a Japanese reader's UI locale says which.
  if (HAN.test(text)) return fallback === "ja" ? "ja" : "zh-CN";
  if (text.trim().split(/\s+/).length < MIN_WORDS) return fallback;
  const scores = francAll(text, { only: Object.keys(LATIN), minLength: 3 });
  const best = scores[0];
  if (!best || best[0] === "und") return fallback;
  const likely = scores.filter(([, score]) => score >= best[1] * CLOSE_SCORE).map(([code]) => LATIN[code]!);
  if (likely.includes(fallback)) return fallback;
  return likely.length === 1 ? likely[0]! : fallback;
}
