import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/**
 * Base of every expected failure a domain module reports. `code` is stable and machine
 * readable (the UI translates it); `trpcCode` is how the API layer reports it.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly trpcCode: TRPC_ERROR_CODE_KEY = "BAD_REQUEST",
  ) {
    super(message);
    this.name = new.target.name;
  }
}
