import type ts from "typescript";

import type { StripeTypes } from "./stripe-types";

/**
 * Holds one object the emulator returned against Stripe's fixture of the same resource: every fixture key present (at
 * every depth; arrays by their first element), the same JSON type, null only where Stripe's types allow null, an id
 * only where the field is expandable, expanded objects against their own resource's fixture. Counts the fixture's field
 * paths, so a resource reads as "present / fixture fields" (top level and at every depth).
 */
export interface ShapeReport {
  total: number;
  present: number;
  topLevelTotal: number;
  topLevelPresent: number;
  problems: string[];
  /** Paths that are null here and not in the fixture (allowed: Stripe's types say nullable). */
  nulls: string[];
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const kindOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);
export const isObject = (value: unknown): value is JsonObject => kindOf(value) === "object";

/** How many field paths a fixture value holds, the key itself included. */
function countPaths(value: Json): number {
  if (isObject(value)) return 1 + Object.values(value).reduce<number>((sum, v) => sum + countPaths(v), 0);
  if (Array.isArray(value) && isObject(value[0])) return countPaths(value[0]);
  return 1;
}

export interface CompareOptions {
  types: StripeTypes;
  /** Top-level fields Stripe leaves out unless asked for with expand[] (checked on a request that asks). */
  onRequest?: ReadonlySet<string>;
  /** Fixture and Stripe type of a resource by its `object` value, for expanded objects. */
  fixtureFor: (object: string) => { fixture: JsonObject; type: ts.Type } | undefined;
}

export function compareShape(
  fixture: JsonObject,
  actual: unknown,
  type: ts.Type,
  options: CompareOptions,
): ShapeReport {
  const report: ShapeReport = {
    total: 0,
    present: 0,
    topLevelTotal: Object.keys(fixture).length,
    topLevelPresent: 0,
    problems: [],
    nulls: [],
  };
  if (!isObject(actual)) {
    report.problems.push(`(root): expected an object, got ${kindOf(actual)}`);
    report.total = countPaths(fixture) - 1;
    return report;
  }
  for (const key of Object.keys(fixture)) {
    const problems = report.problems.length;
    compareKey(fixture, actual, key, type, "", report, options);
    if (report.problems.length === problems) report.topLevelPresent += 1;
  }
  return report;
}

function compareObject(
  fixture: JsonObject,
  actual: JsonObject,
  type: ts.Type | undefined,
  prefix: string,
  report: ShapeReport,
  options: CompareOptions,
): void {
  for (const key of Object.keys(fixture)) compareKey(fixture, actual, key, type, prefix, report, options);
}

function compareKey(
  fixture: JsonObject,
  actual: JsonObject,
  key: string,
  type: ts.Type | undefined,
  prefix: string,
  report: ShapeReport,
  options: CompareOptions,
): void {
  const expected = fixture[key] as Json;
  const at = prefix ? `${prefix}.${key}` : key;
  const block = countPaths(expected);
  const whole = (ok: boolean, problem?: string) => {
    report.total += block;
    if (ok) report.present += block;
    else if (problem) report.problems.push(`${at}: ${problem}`);
  };
  // Polymorphic objects (payment_method_details, destination_details, …) carry the sub-object named by their `type`.
  // When ours is of another type, its own sub-object stands in for the fixture's.
  if (key === fixture.type && typeof actual.type === "string" && actual.type !== key && isObject(actual[actual.type]))
    return whole(true);
  if (!(key in actual)) return whole(prefix === "" && options.onRequest?.has(key) === true, "missing");
  const value = actual[key] as Json;
  const field = options.types.field(type, key);
  if (expected === null) return whole(true);
  if (value === null) {
    if (field?.nullable) report.nulls.push(at);
    return whole(
      field?.nullable === true,
      `null, but Stripe's type is ${field?.text ?? "unknown"} (fixture: ${kindOf(expected)})`,
    );
  }
  if (field?.expandable && typeof value === "string" && isObject(expected)) return whole(true);
  if (field?.expandable && isObject(value) && typeof expected === "string") {
    const nested = typeof value.object === "string" ? options.fixtureFor(value.object) : undefined;
    if (!nested) return whole(false, `expanded to an object of unknown kind ${String(value.object)}`);
    // Checked against its own resource's fixture; counted as the one path the fixture has here.
    const problems = report.problems.length;
    compareObject(nested.fixture, value, nested.type, at, scratch(report), options);
    return whole(report.problems.length === problems);
  }
  if (kindOf(expected) !== kindOf(value)) return whole(false, `${kindOf(value)}, Stripe sends ${kindOf(expected)}`);
  if (isObject(expected) && isObject(value)) {
    if (field?.freeForm || key === "metadata" || Object.keys(expected).length === 0) return whole(true);
    report.total += 1;
    report.present += 1;
    return compareObject(expected, value, field?.object, at, report, options);
  }
  if (Array.isArray(expected) && Array.isArray(value)) {
    const sample = expected[0];
    if (!isObject(sample)) return whole(true);
    if (value.length === 0) return whole(true);
    const element = field?.element ? options.types.describe(field.element).object : undefined;
    report.total += 1;
    report.present += 1;
    value.forEach((item, i) => {
      const target = i === 0 ? report : scratch(report);
      if (isObject(item)) compareObject(sample, item, element, `${at}[${i}]`, target, options);
      else report.problems.push(`${at}[${i}]: ${kindOf(item)}, Stripe sends object`);
    });
    return;
  }
  return whole(true);
}

/** A report that shares the problem list but not the counts (for checks that must not change the denominator). */
const scratch = (report: ShapeReport): ShapeReport => ({ ...report, total: 0, present: 0, nulls: [] });
