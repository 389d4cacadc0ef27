import { accountRouter } from "~/server/api/routers/account";
import { autoTopUpRouter } from "~/server/api/routers/auto-top-up";
import { authRouter } from "~/server/api/routers/auth";
import { billingRouter } from "~/server/api/routers/billing";
import { chatRouter } from "~/server/api/routers/chat";
import { creditsRouter } from "~/server/api/routers/credits";
import { teamsRouter } from "~/server/api/routers/teams";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  account: accountRouter,
  credits: creditsRouter,
  billing: billingRouter,
  autoTopUp: autoTopUpRouter,
  chat: chatRouter,
  teams: teamsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller, used by React Server Components and tests. */
export const createCaller = createCallerFactory(appRouter);
