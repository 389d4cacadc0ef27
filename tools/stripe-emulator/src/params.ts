import { z } from "zod";

import { stripeErrors } from "./errors";

/** zod building blocks for form-encoded params (every value arrives as a string) and their Stripe error mapping. */
const INVALID_INTEGER = "Invalid integer";
export const intParam = z.preprocess(
  (value) => (typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value),
  z.number({ error: INVALID_INTEGER }).int(INVALID_INTEGER),
);
export const positiveIntParam = intParam.pipe(z.number().int().positive());
export const boolParam = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
export const idParam = z.string().min(1).max(255);

export const metadataParam = z
  .union([
    z.literal("").transform(() => ({}) as Record<string, string>),
    z.record(
      z.string().max(40, "Metadata keys can be at most 40 characters"),
      z.string().max(500, "Metadata values can be at most 500 characters"),
    ),
  ])
  .refine((m) => Object.keys(m).length <= 50, "Metadata can have at most 50 keys");

export const expandParam = z.array(z.string().min(1)).optional();

const rangeParam = z.union([
  intParam,
  z.object({ gt: intParam, gte: intParam, lt: intParam, lte: intParam }).partial().strict(),
]);
export const listParams = {
  limit: intParam
    .pipe(z.number().int().min(1, "limit must be between 1 and 100").max(100, "limit must be between 1 and 100"))
    .optional(),
  starting_after: idParam.optional(),
  ending_before: idParam.optional(),
  created: rangeParam.optional(),
  expand: expandParam,
};
export type Range = z.output<typeof rangeParam>;

export function paramName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (i === 0 ? String(p) : `[${String(p)}]`)).join("");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Validates params and throws the error Stripe would send (missing, unknown or invalid parameter). */
export function parseParams<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw stripeErrors.invalid("Invalid request");
  if (issue.code === "unrecognized_keys")
    throw stripeErrors.unknownParam(paramName([...issue.path, issue.keys[0] ?? ""]));
  const param = paramName(issue.path);
  if (valueAt(input, issue.path) === undefined) throw stripeErrors.missingParam(param);
  if (issue.code === "invalid_type" && issue.expected === "array")
    throw stripeErrors.invalidParam(param, `Invalid array: ${param}`);
  if (issue.code === "invalid_type" && issue.expected === "object")
    throw stripeErrors.invalidParam(param, `Invalid hash: ${param}`);
  if (issue.message === INVALID_INTEGER) {
    throw stripeErrors.invalidParam(
      param,
      `Invalid integer: ${String(valueAt(input, issue.path))}`,
      "parameter_invalid_integer",
    );
  }
  throw stripeErrors.invalidParam(param, `Invalid ${param}: ${issue.message}`);
}

export function inRange(value: number, range: Range | undefined): boolean {
  if (range === undefined) return true;
  if (typeof range === "number") return value === range;
  return (
    (range.gt === undefined || value > range.gt) &&
    (range.gte === undefined || value >= range.gte) &&
    (range.lt === undefined || value < range.lt) &&
    (range.lte === undefined || value <= range.lte)
  );
}
