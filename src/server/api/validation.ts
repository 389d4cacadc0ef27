import { z } from "zod";

// PostgreSQL text cannot hold NUL, and other C0 controls (bar tab/newline) are never meaningful input.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// A lone UTF-16 surrogate is not text: it would be stored silently replaced by U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Trimmed user text of bounded length with no control characters. */
export function text(opts: { min?: number; max: number }) {
  return z
    .string()
    .trim()
    .min(opts.min ?? 1)
    .max(opts.max)
    .refine((s) => !CONTROL_CHARS.test(s), { message: "Text contains control characters." })
    .refine((s) => !LONE_SURROGATE.test(s), { message: "Text is not valid Unicode." });
}

/** An opaque record id (cuid / uuid). */
export const recordId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "Invalid id.");
