/**
 * The Dockerfile without Docker (no daemon on CI machines): its structure, the files it copies
 * from the build context, the migrate job run as that stage would run it, and the runtime
 * image assembled from the production build exactly as its COPY --from=build lines say, started
 * with its CMD and ENV from its own folder, probed with its HEALTHCHECK, and stopped with SIGTERM.
 * Not exercised here: the base image, `npm ci` and `next build` inside it (npm test runs the
 * same build on this machine), and compose.yaml's services.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { freePort } from "../../scripts/launcher/ports.mjs";
import { createEmptyPostgresDb, testDbKinds } from "../helpers/test-db";
import {
  copiesOf,
  envOf,
  execForm,
  ignoredBy,
  lineage,
  parseDockerfile,
  readDockerignore,
  stage,
  workdirOf,
} from "./dockerfile";

const stages = parseDockerfile(readFileSync("Dockerfile", "utf8"));
const ignore = readDockerignore(".dockerignore");
const distDir = process.env.NEXT_DIST_DIR || ".next";
const built = existsSync(path.join(distDir, "BUILD_ID")) && existsSync(path.join(distDir, "standalone", "server.js"));
// `npm test` builds first and then sets TALLY_STATIC_SCAN=1: there a missing build fails instead of skipping.
const required = process.env.TALLY_STATIC_SCAN === "1";
const START_TIMEOUT_MS = 180_000;

const temps: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `tally-${label}-`));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file under `p` (a file or folder), repository-relative. */
function filesUnder(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(path.relative(".", e.parentPath), e.name));
}

/** COPY from the build context into `root` (which stands for the stage's WORKDIR), as Docker does. */
function copyFromContext(root: string, workdir: string, sources: string[], dest: string): void {
  const to = path.join(root, path.relative(workdir, path.resolve(workdir, dest)));
  const intoFolder = dest.endsWith("/") || dest === "." || dest === "./";
  for (const src of sources) {
    if (statSync(src).isDirectory())
      cpSync(src, to, { recursive: true }); // a folder's contents
    else cpSync(src, intoFolder ? path.join(to, path.basename(src)) : to);
  }
}

describe("the Dockerfile", () => {
  it("has a non-root runtime stage without package-manager steps, with a HEALTHCHECK, SIGTERM as stop signal and `node server.js` as command", () => {
    const runtime = stage(stages, "runtime");
    expect(stages.at(-1)?.name, "the default target is the runtime image").toBe("runtime");
    const user = runtime.instructions.filter((i) => i.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.instructions.filter((i) => i.op === "RUN")).toEqual([]);
    expect(copiesOf(runtime).every((c) => c.from === "build")).toBe(true);
    expect(execForm(runtime, "HEALTHCHECK").join(" ")).toContain("/api/health");
    expect(runtime.instructions.find((i) => i.op === "STOPSIGNAL")?.args).toBe("SIGTERM");
    expect(execForm(runtime, "CMD")).toEqual(["node", "server.js"]);
    expect(envOf(lineage(stages, "runtime"))).toMatchObject({
      NODE_ENV: "production",
      HOSTNAME: "0.0.0.0",
      MALLOC_ARENA_MAX: "2",
    });
  });

  it("migrates in a separate target (not when the app starts), as a non-root user", () => {
    const migrate = stage(stages, "migrate");
    expect(execForm(migrate, "CMD")).toEqual(["node", "--import", "tsx", "scripts/db-migrate.ts"]);
    expect(migrate.instructions.filter((i) => i.op === "USER").at(-1)?.args).toBe("node");
  });

  it("copies only files the build context has (none of them kept out by .dockerignore)", () => {
    const fromContext = stages.flatMap((s) =>
      copiesOf(s)
        .filter((c) => !c.from)
        .flatMap((c) => c.sources),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const src of fromContext.filter((s) => s !== ".")) {
      expect(existsSync(src), `${src} exists`).toBe(true);
      expect(
        filesUnder(src).filter((f) => ignoredBy(ignore, f)),
        `${src} is not kept out of the context`,
      ).toEqual([]);
    }
    // The context leaves out local state and secrets.
    for (const f of [
      ".env",
      "node_modules/next/package.json",
      ".next/BUILD_ID",
      ".data/pglite/PG_VERSION",
      "src/generated/prisma/client.ts",
    ]) {
      expect(ignoredBy(ignore, f), f).toBe(true);
    }
  });

  it("compose.yaml builds only targets the Dockerfile has, and the app waits for the migrate job", () => {
    const compose = readFileSync("compose.yaml", "utf8");
    const targets = [...compose.matchAll(/target:\s*(\S+)/g)].map((m) => m[1]);
    expect(targets.sort()).toEqual(["migrate", "runtime"]);
    expect(compose).toMatch(/migrate:\s*\n\s*condition: service_completed_successfully/);
  });

  it("the deps stage's postinstall (prisma generate) works with only the files that stage copies", () => {
    const chain = lineage(stages, "deps");
    const root = tempDir("deps");
    for (const s of chain)
      for (const c of copiesOf(s).filter((x) => !x.from)) copyFromContext(root, workdirOf(chain), c.sources, c.dest);
    symlinkSync(path.resolve("node_modules"), path.join(root, "node_modules")); // what `npm ci` installs
    const postinstall = (
      JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: { postinstall: string } }
    ).scripts.postinstall;
    const [cmd, ...args] = postinstall.split(" ");
    const run = spawnSync(cmd === "node" ? process.execPath : cmd!, args, {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(path.join(root, "src/generated/prisma/client.ts"))).toBe(true);
  }, 120_000);

  it.runIf(testDbKinds().includes("postgres"))(
    "the migrate target's command, run with only the files that stage copies, migrates a fresh PostgreSQL database; a second run applies nothing",
    async () => {
      const chain = lineage(stages, "migrate");
      const workdir = workdirOf(chain);
      const root = tempDir("migrate");
      for (const s of chain)
        for (const c of copiesOf(s).filter((x) => !x.from)) copyFromContext(root, workdir, c.sources, c.dest);
      symlinkSync(path.resolve("node_modules"), path.join(root, "node_modules")); // stands in for `npm ci`
      const db = await createEmptyPostgresDb();
      try {
        const [cmd, ...args] = execForm(stage(stages, "migrate"), "CMD");
        const run = () =>
          spawnSync(cmd === "node" ? process.execPath : cmd!, args, {
            cwd: root,
            env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATABASE_URL: db.url },
            encoding: "utf8",
          });
        const first = run();
        expect(first.status, first.stderr).toBe(0);
        expect(first.stdout).toMatch(/db:migrate on PostgreSQL: [1-9]\d* applied, 0 already applied/);
        const second = run();
        expect(second.status, second.stderr).toBe(0);
        expect(second.stdout).toMatch(/: 0 applied, [1-9]\d* already applied/);
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        const tables = await client.query(
          `SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_name = 'CreditLedger'`,
        );
        await client.end();
        expect(tables.rows[0]).toEqual({ n: 1 });
      } finally {
        await db.drop();
      }
    },
    120_000,
  );
});

describe.runIf(built || required)("the runtime image, assembled from the production build", () => {
  it("has a standalone build to assemble", () => {
    expect(built, `no standalone build in ${distDir}: npm test builds one first`).toBe(true);
  });

  it.runIf(built)(
    "starts from its own folder alone (PGlite, migrations and static files inside it), passes its HEALTHCHECK, serves pages and assets, and exits 0 on SIGTERM",
    async () => {
      const chain = lineage(stages, "runtime");
      const workdir = workdirOf(chain);
      const root = tempDir("runtime");
      // The build stage's /app is this repository; its `.next` is the build folder used here.
      for (const c of copiesOf(stage(stages, "runtime"))) {
        for (const src of c.sources) {
          const from = path.relative(workdir, src).replace(/^\.next(?=\/|$)/, distDir);
          const to = path.join(
            root,
            path.relative(workdir, path.resolve(workdir, c.dest)).replace(/^\.next(?=\/|$)/, distDir),
          );
          cpSync(from, to, { recursive: true });
        }
      }
      expect(existsSync(path.join(root, "node_modules")), "standalone brings its own node_modules").toBe(true);

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        ...envOf(chain),
        PATH: process.env.PATH ?? "",
        HOME: root,
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        APP_URL: base,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        // Relative to the image's folder: the embedded database is opened, migrated and served from there.
        PGLITE_DATA_DIR: ".data/pglite",
        JOB_SWEEP_INTERVAL_SECONDS: "0",
        JOB_RECONCILE_INTERVAL_SECONDS: "0",
        SHUTDOWN_GRACE_SECONDS: "5",
        NODE_ENV: "production",
      } as const;
      const [cmd, ...args] = execForm(stage(stages, "runtime"), "CMD");
      const child = spawn(cmd === "node" ? process.execPath : cmd!, args, {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (b: Buffer) => (output += b.toString()));
      child.stderr.on("data", (b: Buffer) => (output += b.toString()));
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const exited = new Promise<void>((resolve) =>
        child.once("exit", (code, signal) => ((exit = { code, signal }), resolve())),
      );

      try {
        const [hcmd, ...hargs] = execForm(stage(stages, "runtime"), "HEALTHCHECK");
        const healthcheck = () =>
          spawnSync(hcmd === "node" ? process.execPath : hcmd!, hargs, { env, encoding: "utf8" }).status;
        const deadline = Date.now() + START_TIMEOUT_MS - 30_000;
        let healthy = false;
        while (!exit && !healthy && Date.now() < deadline) {
          healthy = healthcheck() === 0;
          if (!healthy) await new Promise((r) => setTimeout(r, 250));
        }
        expect(healthy, `HEALTHCHECK never passed:\n${output}`).toBe(true);
        expect(
          existsSync(path.join(root, ".data/pglite/PG_VERSION")),
          "the embedded database lives in the image's folder",
        ).toBe(true);

        expect((await fetch(`${base}/api/health/live`)).status).toBe(200);
        const page = await fetch(`${base}/auth`);
        expect(page.status).toBe(200);
        const asset = /\/_next\/static\/[^"'\s]+\.(?:js|css)/.exec(await page.text())?.[0];
        expect(asset, "the page links a static asset").toBeDefined();
        expect((await fetch(`${base}${asset}`)).status).toBe(200);
        expect((await fetch(`${base}/favicon.svg`)).status).toBe(200);
      } finally {
        if (!exit) child.kill("SIGTERM");
        await exited;
      }
      expect(exit, output).toEqual({ code: 0, signal: null });
    },
    START_TIMEOUT_MS,
  );
});

describe.skipIf(built || required)("the runtime image, assembled from the production build", () => {
  it.skip(`is not started: no standalone build in ${distDir} (npm test builds one first and then requires this suite)`, () => {});
});
