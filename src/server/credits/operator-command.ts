/**
 * The operator's credits command (`npm run credits -- …`). Parses argv, writes ledger rows
 * through the same functions as the app, and returns the lines to print.
 */
import { randomUUID } from "node:crypto";

import type { DbOrTx } from "~/server/database/transaction";
import { DomainError } from "~/server/errors";

import { adjust, getBalance, grant } from "./ledger";
import type { LedgerRef } from "./account";
import { history } from "./history";
import { OPERATOR_REF_TYPE } from "./ref-types";

export const CREDITS_USAGE = `Usage:
  npm run credits -- show <email>
  npm run credits -- grant <email> <amount> --reason "<why>" [--ref <id>] [--team <teamId>]
  npm run credits -- adjust <email> <+/-amount> --reason "<why>" [--ref <id>] [--team <teamId>]
  npm run credits -- release-stale-holds
--ref makes the command idempotent: repeating it with the same ref changes nothing.
--team moves that team's pool instead of the user's own balance (the row names the user as who caused it).`;

export class UsageError extends DomainError {
  constructor(message: string) {
    super("usage", `${message}\n\n${CREDITS_USAGE}`);
  }
}

function parseAmount(raw: string | undefined, { signed }: { signed: boolean }): number {
  if (raw === undefined || !(signed ? /^[+-]?\d{1,10}$/ : /^\d{1,10}$/).test(raw)) {
    throw new UsageError(
      `Amount must be a whole number${signed ? " (may start with + or -)" : ""}: ${raw ?? "(missing)"}`,
    );
  }
  const n = Number(raw);
  if (n === 0) throw new UsageError("Amount must not be zero.");
  return n;
}

async function findUserId(db: DbOrTx, email: string | undefined): Promise<string> {
  if (!email) throw new UsageError("Missing <email>.");
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  if (!user) throw new UsageError(`No user with email ${email}.`);
  return user.id;
}

// Hand-rolled because node's parseArgs reads a negative amount ("-30") as an option.
type Options = { reason?: string; ref?: string; team?: string };

function parseArgv(argv: string[]): { values: Options; positionals: string[] } {
  const values: Options = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const option = /^--(reason|ref|team)(?:=(.*))?$/.exec(token);
    if (option) {
      const value = option[2] ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${option[1]} needs a value.`);
      values[option[1] as keyof Options] = value;
    } else if (token.startsWith("--")) {
      throw new UsageError(`Unknown option: ${token}`);
    } else {
      positionals.push(token);
    }
  }
  return { values, positionals };
}

export interface CreditsCommandDeps {
  /**
   * Closes holds whose work died. The caller supplies the server's own sweep (src/server/jobs):
   * a dead chat reply is settled from what it delivered, which this module cannot know.
   */
  sweepStaleHolds: () => Promise<string>;
}

export async function runCreditsCommand(db: DbOrTx, argv: string[], deps?: CreditsCommandDeps): Promise<string[]> {
  const { values, positionals } = parseArgv(argv);
  const [command, email, amountRaw] = positionals;
  if (values.team !== undefined && command !== "grant" && command !== "adjust")
    throw new UsageError("--team applies to grant and adjust only.");

  switch (command) {
    case "show": {
      const userId = await findUserId(db, email);
      const b = await getBalance(db, userId);
      const recent = await history(db, userId, { limit: 10 });
      return [
        `${email}: balance ${b.balance}, held ${b.held}, spendable ${b.spendable}`,
        ...recent.items.map(
          (e) =>
            `  ${e.createdAt.toISOString()}  ${String(e.amount).padStart(9)}  → ${e.balanceAfter}  ${e.reason}  ${e.refType}:${e.refId}${e.note ? `  (${e.note})` : ""}`,
        ),
      ];
    }
    case "grant":
    case "adjust": {
      const reason = values.reason?.trim();
      if (!reason) throw new UsageError("--reason is required.");
      const userId = await findUserId(db, email);
      const amount = parseAmount(amountRaw, { signed: command === "adjust" });
      const ref: LedgerRef = { refType: OPERATOR_REF_TYPE, refId: values.ref ?? randomUUID() };
      const teamId = values.team?.trim() || null;
      if (values.team !== undefined && !teamId) throw new UsageError("--team needs a team id.");
      const result =
        command === "grant"
          ? await grant(db, { userId, teamId, amount, reason: "adjustment", note: reason, ...ref })
          : await adjust(db, { userId, teamId, amount, note: reason, ...ref });
      const account = teamId ? `team ${teamId} (by ${email})` : email;
      return [
        result.created
          ? `${command === "grant" ? "Granted" : "Adjusted"} ${result.entry.amount} credits to ${account}; balance now ${result.entry.balanceAfter} (ref ${ref.refId}).`
          : `Nothing changed: ref ${ref.refId} was already applied (entry ${result.entry.id}).`,
      ];
    }
    case "release-stale-holds": {
      if (!deps) throw new UsageError("release-stale-holds needs the server's sweep.");
      return [await deps.sweepStaleHolds()];
    }
    default:
      throw new UsageError(command ? `Unknown command: ${command}` : "Missing command.");
  }
}
