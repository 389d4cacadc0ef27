/**
 * The StripeEvent records of processed deliveries, written in groups: while one statement is in
 * flight, every record that arrives waits for it and then goes out, with the others, in the next
 * one. A lone delivery writes its record at once, as before; a storm writes its records in a few
 * statements instead of one each (every statement costs the app a round trip). A delivery still
 * answers only once its own record is written, and a failed statement fails exactly the deliveries
 * whose records it carried (5xx: Stripe retries them).
 *
 * Committed without waiting for its WAL flush: a record lost in a database crash only means a
 * redelivery is processed again, which the ledger's refs make a no-op (and what it records was
 * committed before). Concurrent deliveries of one event all process it (none found it recorded),
 * and each records its outcome: the one that credited it is kept over a twin that then found the
 * credit already there, within a group as in the table.
 */
import { Prisma } from "~/generated/prisma/client";
import { commitWithoutFlush } from "~/server/database/commit-without-flush";
import { driverRows } from "~/server/database/driver-rows";
import type { Db } from "~/server/db";

import type { FulfilResult } from "./fulfil-checkout-session";

export interface EventRecord {
  id: string;
  type: string;
  outcome: string;
}

/** The outcome a twin records once the credit was already there: any other outcome of the event wins over it. */
const ALREADY_CREDITED = "already_credited" satisfies FulfilResult["kind"];

interface Group {
  records: Map<string, EventRecord>;
  written: Promise<void>;
  settle(error?: unknown): void;
}

interface Writer {
  busy: boolean;
  waiting: Group | null;
}

const writers = new WeakMap<Db, Writer>();

function newGroup(): Group {
  let settle!: Group["settle"];
  const written = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  return { records: new Map(), written, settle };
}

function keep(records: Map<string, EventRecord>, record: EventRecord): void {
  const held = records.get(record.id);
  if (!held || (held.outcome === ALREADY_CREDITED && record.outcome !== ALREADY_CREDITED))
    records.set(record.id, record);
}

async function insertRecords(db: Db, records: EventRecord[]): Promise<void> {
  await driverRows(
    db,
    Prisma.sql`INSERT INTO "StripeEvent" (id, type, outcome)
               SELECT r.id, r.type, r.outcome
                 FROM unnest(${records.map((r) => r.id)}::text[], ${records.map((r) => r.type)}::text[],
                             ${records.map((r) => r.outcome)}::text[]) AS r(id, type, outcome)
                 ${commitWithoutFlush(db)}
               ON CONFLICT (id) DO UPDATE SET outcome = EXCLUDED.outcome
                 WHERE "StripeEvent".outcome = ${ALREADY_CREDITED} AND EXCLUDED.outcome <> ${ALREADY_CREDITED}`,
  );
}

async function drain(db: Db, writer: Writer): Promise<void> {
  writer.busy = true;
  try {
    while (writer.waiting) {
      const group = writer.waiting;
      writer.waiting = null;
      try {
        await insertRecords(db, [...group.records.values()]);
        group.settle();
      } catch (error) {
        group.settle(error);
      }
    }
  } finally {
    writer.busy = false;
  }
}

/** Resolves once `record` is written (alone, or with the records that arrived while the statement before it ran). */
export function recordEvent(db: Db, record: EventRecord): Promise<void> {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = { busy: false, waiting: null }));
  const group = (writer.waiting ??= newGroup());
  keep(group.records, record);
  if (!writer.busy) void drain(db, writer);
  return group.written;
}
