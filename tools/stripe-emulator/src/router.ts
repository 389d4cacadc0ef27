import type { IncomingHttpHeaders } from "node:http";

import type { EmulatorContext } from "./context";
import type { FormObject } from "./form";
import { present } from "./shapes";

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  /** Stripe-style parsed query string. */
  query: FormObject;
  /** api: Stripe form body; control: JSON body; page: flat form fields. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  requestId: string;
  idempotencyKey: string | null;
}

export interface Reply {
  status: number;
  json?: unknown;
  html?: string;
  /** A file (e.g. an invoice PDF): sent as is, with its Content-Type in `headers`. */
  file?: Buffer;
  location?: string;
  headers?: Record<string, string>;
}

export type RouteKind = "api" | "page" | "control";

export interface Route {
  method: "GET" | "POST";
  kind: RouteKind;
  pattern: RegExp;
  keys: string[];
  handle(ctx: EmulatorContext, req: RouteRequest): Reply | Promise<Reply>;
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path.replace(/[.]/g, "\\.").replace(/:(\w+)/g, (_, key: string) => {
    keys.push(key);
    return "([^/]+)";
  });
  return { pattern: new RegExp(`^${source}/?$`), keys };
}

export function route(
  kind: RouteKind,
  method: Route["method"],
  path: string,
  handle: (ctx: EmulatorContext, req: RouteRequest) => Reply | Promise<Reply>,
): Route {
  return { kind, method, ...compile(path), handle };
}

/** A Stripe REST endpoint: the handler returns the object (200, shaped as Stripe's) or throws a StripeHttpError. */
export const api = (
  method: Route["method"],
  path: string,
  handle: (ctx: EmulatorContext, req: RouteRequest) => unknown,
): Route => route("api", method, path, (ctx, req) => ({ status: 200, json: present(ctx, handle(ctx, req)) }));

export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | "method" | null {
  let pathMatched = false;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (candidate.method !== method) continue;
    const params: Record<string, string> = {};
    candidate.keys.forEach((key, i) => (params[key] = decodeURIComponent(match[i + 1] ?? "")));
    return { route: candidate, params };
  }
  return pathMatched ? "method" : null;
}
