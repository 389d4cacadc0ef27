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
        console.error(`[bench] cleanup "${task.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return running;
}

export function cleanupOnSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n[bench] ${signal}: cleaning up…`);
      void runCleanup().finally(() => process.exit(130));
    });
  }
}
