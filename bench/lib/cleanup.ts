/** Teardown steps (stop the server, drop the database) run once, newest first, also on failure and Ctrl-C. */
const tasks: { name: string; fn: () => Promise<void> | void }[] = [];
let running: Promise<void> | null = null;

export function onCleanup(name: string, fn: () => Promise<void> | void): void {
  tasks.unshift({ name, fn });
}

export function runCleanup(): Promise<void> {
  running ??= (async () => {
    for (const task of tasks.splice(0)) {
      try {
        await task.fn();
      } catch (error) {
        console.error(
          `[bench] cleanup "${task.name}" failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  })();
  return running;
}

export function cleanupOnSignals(): void {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // `on`, not `once`: signal-exit (loaded by a dependency) re-raises the signal when it finds
    // itself the only listener left, which would kill us before the cleanup finishes.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n[bench] ${signal}: cleaning up…`);
      void runCleanup().finally(() => process.exit(130));
    });
  }
}

/** Runs a harness's `main`, then its cleanup, and exits with main's code (1 on a throw, with the stack under `tag`). */
export function runHarness(tag: string, main: () => Promise<number>): void {
  main()
    .then(async (code) => {
      await runCleanup();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(`[${tag}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await runCleanup();
      process.exit(1);
    });
}
