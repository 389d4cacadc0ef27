import { TRPCError } from "@trpc/server";

/** Temporary body for a procedure whose domain module has not landed yet. */
export function notImplemented(): never {
  throw new TRPCError({ code: "NOT_IMPLEMENTED", message: "Not implemented yet." });
}
