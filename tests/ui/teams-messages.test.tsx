import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { LOCALES } from "~/i18n/locales";
import { CLIENT_NAMESPACES } from "~/i18n/client-messages";
import { ASSIGNABLE_ROLES, LIMIT_PERIODS, TEAM_ROLES } from "~/lib/teams";
import { TEAM_EVENT_ACTIONS } from "~/server/teams/contract";
import type { TeamErrorKey } from "~/components/teams/team-errors";

type Tree = { [key: string]: string | Tree };

function load(locale: string): Tree {
  return JSON.parse(readFileSync(path.join(process.cwd(), "messages", `${locale}.json`), "utf8")) as Tree;
}

function lookup(tree: Tree, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node as Tree | undefined)?.[part], tree);
}

const SOURCE_DIR = path.join(process.cwd(), "src", "components", "teams");

/** Every literal key the team components pass to t("…"), with the namespace each file reads. */
function literalKeys(): string[] {
  const keys = new Set<string>();
  for (const file of readdirSync(SOURCE_DIR)) {
    const source = readFileSync(path.join(SOURCE_DIR, file), "utf8");
    const namespaces = new Map<string, string>();
    for (const [, name, ns] of source.matchAll(/const (\w+) = useTranslations\("([\w.]+)"\)/g))
      namespaces.set(name!, ns!);
    for (const [, fn, key] of source.matchAll(/\b(t\w*)\("([\w.]+)"/g)) {
      const ns = namespaces.get(fn!);
      if (ns) keys.add(`${ns}.${key}`);
    }
  }
  return [...keys].sort();
}

const ERROR_KEYS: TeamErrorKey[] = ["forbidden", "notFound", "conflict", "tooMany", "invalid", "generic"];
/** Keys the components build from values (roles, periods, actions, states, errors). */
const DYNAMIC_KEYS = [
  ...TEAM_ROLES.map((r) => `teams.role.${r}`),
  ...ASSIGNABLE_ROLES.map((r) => `teams.role.${r}`),
  ...LIMIT_PERIODS.flatMap((p) => [`teams.period.${p}`, `teams.limitLabel.${p}`]),
  ...TEAM_EVENT_ACTIONS.map((a) => `teams.activity.action.${a}`),
  ...["invalid", "expired", "revoked", "accepted", "wrongEmail"].map((s) => `teams.accept.state.${s}`),
  ...ERROR_KEYS.map((k) => `teams.error.${k}`),
  ...["nameRequired", "nameTooLong"].map((k) => `teams.create.${k}`),
  ...["success", "canceled", "pending", "pendingSlow", "failed", "error"].map((k) => `teams.return.${k}`),
  "header.teams",
];

describe("teams messages", () => {
  it("the scan finds the components' keys (so an empty list cannot pass)", () => {
    expect(literalKeys().length).toBeGreaterThan(60);
    expect(literalKeys()).toContain("teams.invite.copy");
  });

  it.each(LOCALES)("%s has every key the team pages use, as a non-empty string", (locale) => {
    const messages = load(locale);
    const missing = [...literalKeys(), ...DYNAMIC_KEYS].filter((key) => {
      const value = lookup(messages, key);
      return typeof value !== "string" || value.trim() === "";
    });
    expect(missing).toEqual([]);
  });

  it("travels to the browser (client namespace)", () => {
    expect(CLIENT_NAMESPACES).toContain("teams");
  });

  it("German says Credits and Kontostand, never Guthaben", () => {
    const german = JSON.stringify(load("de").teams);
    expect(german).not.toMatch(/Guthaben/i);
    expect(german).toMatch(/Kontostand/);
  });
});
