import "@testing-library/jest-dom/vitest";

// jsdom has no layout and no ResizeObserver; recharts' ResponsiveContainer (the billing and usage charts) needs one.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;
