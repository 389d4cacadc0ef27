/** Just enough of a Dockerfile and a .dockerignore to replay their steps without Docker. */
import { readFileSync } from "node:fs";

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === "FROM") {
      const [, from = "", name = ""] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

export function stage(stages: Stage[], name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

/** The stage and the stages it is built FROM, base first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage(stages, name); s; s = stages.find((x) => x.name === s!.from)) chain.unshift(s);
  return chain;
}

export interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

export function copiesOf(s: Stage): Copy[] {
  return s.instructions
    .filter((i) => i.op === "COPY")
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
      const paths = words.filter((w) => !w.startsWith("--"));
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
    });
}

export function envOf(chain: Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of chain) {
    for (const i of s.instructions.filter((x) => x.op === "ENV")) {
      for (const [, k, v] of i.args.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
    }
  }
  return env;
}

/** The exec-form command of CMD (or of HEALTHCHECK ... CMD) in the stage. */
export function execForm(s: Stage, op: "CMD" | "HEALTHCHECK"): string[] {
  const i = s.instructions.filter((x) => x.op === op).at(-1);
  if (!i) throw new Error(`stage ${s.name} has no ${op}`);
  const json = op === "CMD" ? i.args : i.args.slice(i.args.indexOf("CMD ") + 4);
  return JSON.parse(json) as string[];
}

export function workdirOf(chain: Stage[]): string {
  return chain.flatMap((s) => s.instructions.filter((i) => i.op === "WORKDIR")).at(-1)?.args ?? "/";
}

/** Whether .dockerignore keeps `file` (context-relative) out of the build context: rooted patterns, `*` and `**`. */
export function ignoredBy(patterns: string[], file: string): boolean {
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*\*\//g, "\u0000")
        .replace(/\*/g, "[^/]*")
        .replace(/\u0000/g, "(.*/)?")}(/.*)?$`,
    );
  return patterns.some((p) => toRegex(p).test(file));
}

export function readDockerignore(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}
