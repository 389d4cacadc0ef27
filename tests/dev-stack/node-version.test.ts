import { readFileSync } from "node:fs";
import path from "node:path";

import semver from "semver";
import { describe, expect, it } from "vitest";

import { supportedNodeRange, unsupportedNodeMessage } from "../../scripts/node-version-check.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;
const pkg = readJson("package.json") as { engines: { node: string }; dependencies: Record<string, string> };

// Only `prisma dev` (a local Prisma Postgres, which Tally never runs) uses it; npm warns about it on Node 20.
const NOT_RUN_BY_TALLY = new Set(["@prisma/streams-local"]);

describe("supported Node.js versions: one truth", () => {
  it("package.json engines is what the startup check enforces", () => {
    expect(supportedNodeRange()).toBe(pkg.engines.node);
    expect(semver.validRange(pkg.engines.node)).not.toBeNull();
  });

  it("every runtime dependency (and the Prisma CLI that migrates) runs on every version the range allows", () => {
    const names = [...Object.keys(pkg.dependencies), "prisma"].filter((name) => !NOT_RUN_BY_TALLY.has(name));
    const needs = names.flatMap((name) => {
      const range = (readJson(`node_modules/${name}/package.json`).engines as { node?: string } | undefined)?.node;
      return range ? [{ name, range }] : [];
    });
    expect(needs.length).toBeGreaterThan(3);
    for (const { name, range } of needs)
      expect(semver.subset(pkg.engines.node, range), `${name} needs ${range}`).toBe(true);
  });

  it("the lockfile's root package agrees", () => {
    const lock = readJson("package-lock.json") as { packages: Record<string, { engines?: { node?: string } }> };
    expect(lock.packages[""]?.engines?.node).toBe(pkg.engines.node);
  });

  it("npm run dev refuses an unsupported Node.js with one line naming the range, and accepts supported ones", () => {
    for (const old of ["18.20.4", "20.18.3", "21.7.3", "22.11.0"]) {
      expect(unsupportedNodeMessage(old)).toBe(
        `[tally] Node.js ${old} is not supported: Tally needs Node.js ${pkg.engines.node} (e.g. the current 22 LTS). Install one (nvm install 22) and run again.`,
      );
    }
    for (const ok of ["20.19.0", "22.12.0", "24.3.0", process.versions.node])
      expect(unsupportedNodeMessage(ok)).toBeNull();
  });
});
