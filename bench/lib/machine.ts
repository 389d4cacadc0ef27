import { readFileSync } from "node:fs";
import os from "node:os";

export function machineDetails(): Record<string, string> {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return {
    CPU: cpu.trim(),
    Cores: String(os.availableParallelism()),
    Memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
    "Load average (1/5/15 min) at start": os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(" / "),
    Node: process.version,
    OS: `${os.type()} ${os.release()}`,
    Date: new Date().toISOString(),
  };
}
