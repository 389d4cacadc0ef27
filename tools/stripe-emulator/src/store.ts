import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import type {
  Charge,
  CheckoutSession,
  Customer,
  Dispute,
  Invoice,
  LineItem,
  PaymentIntent,
  PaymentMethod,
  Refund,
  SetupIntent,
  StripeEvent,
} from "./objects";

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  attempt: number;
  /** HTTP status received, or null when the endpoint could not be reached. */
  status: number | null;
  error?: string;
  manual: boolean;
  at: string;
}

export interface IdempotentResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** Everything the emulator knows. Records keep insertion order, so "newest first" is the reverse of it. */
export interface EmulatorState {
  customers: Record<string, Customer>;
  sessions: Record<string, CheckoutSession>;
  lineItems: Record<string, LineItem[]>;
  paymentIntents: Record<string, PaymentIntent>;
  charges: Record<string, Charge>;
  refunds: Record<string, Refund>;
  disputes: Record<string, Dispute>;
  paymentMethods: Record<string, PaymentMethod>;
  setupIntents: Record<string, SetupIntent>;
  invoices: Record<string, Invoice>;
  events: Record<string, StripeEvent>;
  deliveries: DeliveryAttempt[];
  idempotency: Record<string, IdempotentResponse>;
}

const emptyState = (): EmulatorState => ({
  customers: {},
  sessions: {},
  lineItems: {},
  paymentIntents: {},
  charges: {},
  refunds: {},
  disputes: {},
  paymentMethods: {},
  setupIntents: {},
  invoices: {},
  events: {},
  deliveries: [],
  idempotency: {},
});

/** In-memory state, optionally mirrored to a JSON file (dev) so purchases survive a restart. */
export class Store {
  state: EmulatorState;

  constructor(private readonly file?: string) {
    this.state = emptyState();
    if (file && existsSync(file)) {
      try {
        this.state = { ...emptyState(), ...(JSON.parse(readFileSync(file, "utf8")) as Partial<EmulatorState>) };
      } catch (error) {
        console.warn(`[stripe-emulator] ignoring unreadable state file ${file}: ${String(error)}`);
      }
    }
  }

  reset(): void {
    this.state = emptyState();
    this.save();
  }

  /** Synchronous write through a temporary file: a crash never leaves a half-written state file. */
  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }
}

export function newestFirst<T>(records: Record<string, T>): T[] {
  return Object.values(records).reverse();
}
