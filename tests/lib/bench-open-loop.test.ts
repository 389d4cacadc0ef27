import { describe, expect, it } from "vitest";

import { runOpenLoop, type OpenLoopKind } from "../../bench/lib/open-loop";

describe("bench open loop (case 9)", () => {
  it("starts every operation on schedule while earlier ones are still running, in the weighted mix", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const kinds: OpenLoopKind[] = ["read", "spend"].map((name, k) => ({
      name,
      weight: k === 0 ? 3 : 1,
      run: async () => {
        started.push(name);
        if (started.length === 40) release();
        await gate; // nothing finishes until the last one has started: a closed loop would stall here
      },
    }));
    const stats = await runOpenLoop({ ratePerSec: 2000, durationSec: 0.02, kinds, targets: 2, graceSec: 10 });
    expect(started).toHaveLength(40);
    expect(started.filter((n) => n === "read")).toHaveLength(30);
    expect(stats).toMatchObject({ sent: 40, failed: 0, unfinished: 0 });
    expect(stats.byKind.get("spend")?.done).toBe(10);
  });

  it("counts failures and 5xx apart from successes, per kind", async () => {
    let n = 0;
    const kinds: OpenLoopKind[] = [
      {
        name: "op",
        weight: 1,
        run: async () => {
          n++;
          if (n % 4 === 0) throw new Error("chat.send answered 503: draining");
          if (n % 4 === 1) return { serverError: true };
        },
      },
    ];
    const stats = await runOpenLoop({ ratePerSec: 1000, durationSec: 0.008, kinds, targets: 1, graceSec: 10 });
    expect(stats).toMatchObject({ sent: 8, failed: 4, serverErrors: 4 });
    expect(stats.byKind.get("op")).toMatchObject({ done: 4, failed: 4 });
    expect(stats.firstErrors[0]).toContain("503");
  });
});
