/**
 * Stripe's form encoding: `line_items[0][price]=x`, `expand[]=a`, `metadata[userId]=1`.
 * Parsed into nested objects; objects whose keys are all indexes become arrays.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export class FormParseError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

function segmentsOf(rawKey: string): string[] {
  const match = KEY.exec(rawKey);
  if (!match) throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
  const rest = match[2] ? [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "") : [];
  const segments = [match[1] ?? "", ...rest];
  if (segments.some((s) => FORBIDDEN.has(s))) throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
  if (segments.slice(0, -1).some((s) => s === "")) {
    throw new FormParseError(`Invalid parameter name: ${rawKey} (use indexes like [0] inside nested arrays)`, rawKey);
  }
  return segments;
}

function insert(root: FormObject, rawKey: string, value: string): void {
  const segments = segmentsOf(rawKey);
  let node: FormObject = root;
  for (let i = 0; i < segments.length; i++) {
    let segment = segments[i] ?? "";
    const last = i === segments.length - 1;
    if (segment === "") segment = String(Object.keys(node).length);
    const existing = node[segment];
    if (last) {
      if (existing !== undefined && typeof existing !== "string") {
        throw new FormParseError(`Invalid ${rawKey}: it was also sent as a hash`, rawKey);
      }
      node[segment] = value;
      return;
    }
    if (existing === undefined) {
      const child: FormObject = {};
      node[segment] = child;
      node = child;
    } else if (typeof existing === "string") {
      throw new FormParseError(
        `Invalid ${rawKey}: ${segments.slice(0, i + 1).join(".")} was also sent as a string`,
        rawKey,
      );
    } else {
      node = existing as FormObject;
    }
  }
}

function arraysFromIndexes(value: FormValue): FormValue {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) converted[key] = arraysFromIndexes(value[key] as FormValue);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => converted[String(k)] as FormValue);
  }
  return converted;
}

export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(text)) insert(root, key, value);
  return arraysFromIndexes(root) as FormObject;
}
