import { DomainError } from "~/server/errors";

/** This instance is shutting down: the client should send the message again (another instance answers). */
export class ServiceDrainingError extends DomainError {
  constructor() {
    super("service_draining", "This server is restarting; send the message again.", "SERVICE_UNAVAILABLE");
  }
}
