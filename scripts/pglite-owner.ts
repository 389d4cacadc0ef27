// The embedded database's one owner, started by `npm run dev`/`npm run serve` (scripts/stack.mjs):
// opens PGLITE_DATA_DIR, migrates it and serves it on a free 127.0.0.1 port until SIGINT/SIGTERM.
// The app and the operator commands find it through `<dir>.owner.json`.
import { startPgliteOwner } from "~/server/database/pglite-owner";
import { describeThisProcess } from "~/server/database/pglite-owner-file";

const dir = process.env.PGLITE_DATA_DIR || ".data/pglite";
try {
  const owner = await startPgliteOwner(dir, { command: `${describeThisProcess()}, database owner` });
  console.log(`[tally] Database: embedded PGlite ${dir}, shared on 127.0.0.1:${owner.port} (pid ${process.pid}).`);
  process.send?.({ ready: true, port: owner.port });
  const stop = () =>
    void owner.stop().then(
      () => process.exit(0),
      (e: unknown) => (console.error(e), process.exit(1)),
    );
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Lose the parent (the stack) and keep serving nobody: stop instead.
  process.on("disconnect", stop);
} catch (error) {
  console.error(`[tally] ${(error as Error).message}`);
  process.exit(1);
}
