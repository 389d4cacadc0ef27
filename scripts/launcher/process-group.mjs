// The children of a long-running launcher (dev, serve, e2e): one dead part stops the whole stack,
// and stopping the launcher (signal or exit) stops every child.

/**
 * @param {string} tag prefix of the launcher's lines, e.g. "tally" or "e2e"
 */
export function createProcessGroup(tag) {
  /** @type {{ name: string, child: import("node:child_process").ChildProcess }[]} */
  const members = [];
  let stopping = false;

  const running = () => members.filter(({ child }) => child.exitCode === null && child.signalCode === null);

  /**
   * Stops every child with SIGTERM, waits for them (the database owner closes PGlite cleanly; up to
   * 10 s), then exits with `code`.
   * @param {number} [code]
   */
  function stopAll(code = 0) {
    if (stopping) return;
    stopping = true;
    const alive = running();
    for (const { child } of alive) child.kill("SIGTERM");
    const exited = alive.map(({ child }) => new Promise((resolve) => child.once("exit", resolve)));
    void Promise.all(exited).then(() => process.exit(code));
    setTimeout(() => process.exit(code), 10_000).unref();
  }

  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));
  // Whatever ends this process, no child outlives it.
  process.on("exit", () => {
    for (const { child } of running()) child.kill("SIGTERM");
  });

  return {
    /**
     * Watches a child: when it exits on its own, the whole stack stops. With `ready`, an exit before
     * it settles is left to the starter to report (it knows the remedy); the child is still stopped
     * with the stack.
     * @template {import("node:child_process").ChildProcess} C
     * @param {string} name @param {C} child @param {Promise<unknown>} [ready] @returns {C}
     */
    add(name, child, ready) {
      members.push({ name, child });
      let started = !ready;
      void ready?.then(() => (started = true));
      child.on("exit", (code, signal) => {
        if (stopping || !started) return;
        console.error(`[${tag}] ${name} exited (${signal ?? code}); stopping.`);
        stopAll(code ?? 1);
      });
      return child;
    },
    stopAll,
    get stopping() {
      return stopping;
    },
  };
}
