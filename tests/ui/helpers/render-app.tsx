import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { cleanup, render } from "@testing-library/react";
import { NextIntlClientProvider } from "next-intl";
import type { ReactElement } from "react";
import { afterEach } from "vitest";

import en from "../../../messages/en.json";
import type { Locale } from "~/i18n/locales";
import type { AppRouter } from "~/server/api/root";
import { createQueryClient } from "~/trpc/query-client";
import { api, type RouterInputs, type RouterOutputs } from "~/trpc/react";

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

type RouterName = keyof RouterOutputs & string;
/** "billing.products", "chat.send", …: every procedure the app's router has. */
export type ProcedurePath = { [R in RouterName]: `${R}.${keyof RouterOutputs[R] & string}` }[RouterName];
type At<Tree, P extends string> = P extends `${infer R}.${infer Q}`
  ? R extends keyof Tree
    ? Q extends keyof Tree[R]
      ? Tree[R][Q]
      : never
    : never
  : never;

/**
 * A fake for each procedure a test needs, typed from the router: its input is the procedure's
 * input and it must answer the procedure's output (or a promise of it, or throw), so a router
 * change that the UI would feel breaks the fake at compile time.
 */
export type Handlers = {
  [P in ProcedurePath]?: (input: At<RouterInputs, P>) => At<RouterOutputs, P> | Promise<At<RouterOutputs, P>>;
};
export interface Call {
  path: string;
  input: unknown;
}

/** A tRPC error as the client sees it after the server's error formatter. */
export function trpcError(
  code: string,
  httpStatus: number,
  extra: Record<string, unknown> = {},
): TRPCClientError<AppRouter> {
  return new TRPCClientError(code, {
    result: { error: { message: code, code: -32000, data: { code, httpStatus, path: "x", ...extra } } },
  } as never);
}

/** Terminal link answering from `handlers` in-process: the real tRPC client and react-query, no network. */
function fakeLink(handlers: Handlers, calls: Call[]): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({ path: op.path, input: op.input });
        const handler = handlers[op.path as ProcedurePath] as ((input: unknown) => unknown) | undefined;
        Promise.resolve()
          .then(() => {
            if (!handler) throw trpcError("NOT_IMPLEMENTED", 501);
            return handler(op.input);
          })
          .then((data) => {
            observer.next({ result: { type: "data", data } });
            observer.complete();
          })
          .catch((error: unknown) => observer.error(TRPCClientError.from(error as Error)));
      });
}

export async function loadMessages(locale: Locale) {
  return (await import(`../../../messages/${locale}.json`)).default as typeof en;
}

export function renderApp(
  ui: ReactElement,
  {
    handlers = {},
    locale = "en",
    messages = en,
    queryClient = createQueryClient(),
  }: { handlers?: Handlers; locale?: Locale; messages?: typeof en; queryClient?: QueryClient } = {},
) {
  const calls: Call[] = [];
  const client = api.createClient({ links: [fakeLink(handlers, calls)] });
  const result = render(
    <NextIntlClientProvider locale={locale} messages={messages} timeZone="UTC">
      <QueryClientProvider client={queryClient}>
        <api.Provider client={client} queryClient={queryClient}>
          {ui}
        </api.Provider>
      </QueryClientProvider>
    </NextIntlClientProvider>,
  );
  return { ...result, calls, queryClient };
}
