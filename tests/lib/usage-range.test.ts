import { describe, expect, it } from "vitest";

import { daysOf, parseUtcDay, presetRange, rangeProblem, resolveRange } from "~/lib/usage-range";

const NOW = new Date("2026-03-10T23:59:00Z");

describe("usage ranges", () => {
  it("reads only real calendar days", () => {
    expect(parseUtcDay("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    for (const bad of [
      "2026-02-29",
      "2026-13-01",
      "2026-00-10",
      "26-01-01",
      "2026-1-1",
      "",
      "1969-12-31",
      "x".repeat(10),
    ])
      expect(parseUtcDay(bad), bad).toBeNull();
  });

  it("refuses from > to, more than 366 days, and non-dates", () => {
    expect(rangeProblem({ from: "2026-03-02", to: "2026-03-01" })).toBe("from_after_to");
    expect(rangeProblem({ from: "2025-01-01", to: "2026-01-01" })).toBeNull(); // 366 days
    expect(rangeProblem({ from: "2025-01-01", to: "2026-01-02" })).toBe("too_long");
    expect(rangeProblem({ from: "2026-03-01", to: "" })).toBe("invalid_date");
    expect(rangeProblem({ from: "2026-03-01", to: "2026-03-01" })).toBeNull();
  });

  it("presets end today (UTC) and include it", () => {
    expect(presetRange(7, NOW)).toEqual({ from: "2026-03-04", to: "2026-03-10" });
    expect(daysOf(presetRange(7, NOW))).toHaveLength(7);
  });

  it("resolves a URL to a preset, a custom range or a problem", () => {
    expect(resolveRange({}, NOW)).toEqual({ from: "2026-02-09", to: "2026-03-10", preset: 30, problem: null });
    expect(resolveRange({ days: "90" }, NOW)).toMatchObject({ from: "2025-12-11", preset: 90 });
    expect(resolveRange({ days: "12" }, NOW)).toMatchObject({ preset: 30 });
    expect(resolveRange({ from: "2026-03-04", to: "2026-03-10" }, NOW)).toMatchObject({ preset: 7, problem: null });
    expect(resolveRange({ from: "2026-01-01", to: "2026-01-31" }, NOW)).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
      preset: null,
      problem: null,
    });
    expect(resolveRange({ from: "2026-02-01", to: "2026-01-01" }, NOW)).toMatchObject({ problem: "from_after_to" });
    expect(resolveRange({ from: "<script>".repeat(5), to: "2026-01-01" }, NOW)).toEqual({
      from: "",
      to: "2026-01-01",
      preset: null,
      problem: "invalid_date",
    });
    expect(resolveRange({ from: ["a", "b"], to: "2026-01-01" }, NOW)).toMatchObject({ problem: "invalid_date" });
  });
});
