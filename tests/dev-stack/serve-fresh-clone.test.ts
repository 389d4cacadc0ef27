import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(path.join(os.tmpdir(), "tally-fresh-clone-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A fresh clone has no .data/ at all. `npm run serve` must create what it needs; here it stops at the
// missing production build (a separate folder), after the database part has run for real.
describe("npm run serve on a fresh clone without .data/", () => {
  it("creates the embedded database's folders instead of failing with ENOENT", async () => {
    const dataDir = path.join(scratch, "clone", ".data", "pglite");
    const { DATABASE_URL: _db, ...inherited } = process.env;
    const { output } = await new Promise<{ output: string }>((resolve) => {
      const child = spawn(process.execPath, ["scripts/stack.mjs", "start"], {
        cwd: root,
        env: {
          ...inherited,
          NODE_ENV: "production",
          PORT: "3347",
          PGLITE_DATA_DIR: dataDir,
          NEXT_DIST_DIR: path.join(scratch, "no-build"),
          SMTP_URL: "smtp://127.0.0.1:3348",
        },
      });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.stderr.on("data", (d: Buffer) => (text += d.toString()));
      child.on("exit", () => resolve({ output: text }));
    });
    expect(output).not.toContain("ENOENT");
    expect(output).toContain(`[tally] Database: embedded PGlite ${dataDir}, shared on 127.0.0.1:`);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    expect(output).toContain("No production build");
  });
});
