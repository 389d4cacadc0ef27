/**
 * A tokenizer-free token count. Runs of ASCII letters/digits count one token per 4 characters;
 * every other visible character (punctuation, CJK, emoji, accented letters) counts as one token.
 * That errs high against real BPE tokenizers, which is the safe side for a reservation.
 */
const TOKEN = /\s*(?:[A-Za-z0-9]{1,4}|[^\sA-Za-z0-9])/gu;

/** Splits text into token-sized pieces that concatenate back to the text (bar trailing blanks). */
export function splitTokens(text: string): string[] {
  const pieces = text.match(TOKEN) ?? [];
  const tail = text.slice(pieces.join("").length);
  if (tail && pieces.length > 0) pieces[pieces.length - 1] += tail;
  return pieces;
}

export function countTokens(text: string): number {
  return splitTokens(text).length;
}

/** Per-message framing tokens (role markers) that chat formats add. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
