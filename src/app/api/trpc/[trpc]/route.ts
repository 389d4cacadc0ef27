import { env } from "~/env";
import { handleTrpcRequest } from "~/server/api/http-handler";
import { appRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";

const handler = (req: Request) =>
  handleTrpcRequest(req, {
    router: appRouter,
    createContext: () => createTRPCContext({ headers: req.headers }),
    appUrl: env.APP_URL,
  });

export { handler as GET, handler as POST };
