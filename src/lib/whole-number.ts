/**
 * A whole number as people type it into a field: digits, optionally grouped in threes
 * (5,000 · 5.000 · 5 000 · 5'000). "" = empty; null = not a whole number in [min, max] ("12.5" is not a count).
 */
export function parseWholeNumber(text: string, min: number, max: number): number | "" | null {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  const grouped = /^\d{1,3}([,.'’\s\u00a0\u202f]\d{3})+$/.test(trimmed);
  if (!grouped && !/^\d+$/.test(trimmed)) return null;
  const n = Number(trimmed.replace(/\D/g, ""));
  return n >= min && n <= max ? n : null;
}
