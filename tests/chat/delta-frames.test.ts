import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { deltaFramer } from "~/server/chat/delta-frames";

describe("deltaFramer: a reply's pieces, at most one frame per frameMs", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (frameMs: number) => {
    const frames: string[] = [];
    const framer = deltaFramer(
      (t) => frames.push(t),
      frameMs,
      () => Date.now(),
    );
    return { frames, framer };
  };

  it("sends the first piece at once, merges the pieces of the next frameMs, and loses none", () => {
    const { frames, framer } = setup(25);
    framer.push("Hel");
    expect(frames).toEqual(["Hel"]);
    vi.advanceTimersByTime(5);
    framer.push("lo");
    vi.advanceTimersByTime(5);
    framer.push(", ");
    expect(frames).toEqual(["Hel"]);
    vi.advanceTimersByTime(15);
    expect(frames).toEqual(["Hel", "lo, "]);
    framer.push("wor");
    framer.push("ld");
    framer.flush();
    expect(frames).toEqual(["Hel", "lo, ", "world"]);
    vi.advanceTimersByTime(100);
    expect(frames.join("")).toBe("Hello, world");
    expect(frames).toHaveLength(3);
  });

  it("a piece that comes frameMs or more after the last frame goes out at once (a slow model is not delayed)", () => {
    const { frames, framer } = setup(25);
    framer.push("a");
    vi.advanceTimersByTime(30);
    framer.push("b");
    vi.advanceTimersByTime(40);
    framer.push("c");
    expect(frames).toEqual(["a", "b", "c"]);
  });

  it("a fast stream gets one frame per frameMs", () => {
    const { frames, framer } = setup(25);
    for (let i = 0; i < 100; i++) {
      framer.push("x");
      vi.advanceTimersByTime(5);
    }
    framer.flush();
    expect(frames.join("")).toBe("x".repeat(100));
    // 500 ms of pieces every 5 ms: the first at once, then one frame per 25 ms.
    expect(frames.length).toBeGreaterThanOrEqual(20);
    expect(frames.length).toBeLessThanOrEqual(22);
  });

  it("0 sends every piece as it comes; empty pieces send nothing; flush with nothing waiting sends nothing", () => {
    const { frames, framer } = setup(0);
    framer.push("a");
    framer.push("");
    framer.push("b");
    framer.flush();
    expect(frames).toEqual(["a", "b"]);
  });
});
