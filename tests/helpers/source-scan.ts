import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Every hand-written source file under src/ (generated Prisma client excluded), path relative to the repo. */
export function sourceFiles(): { file: string; text: string }[] {
  const files = readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .map((f) => path.join("src", f).split(path.sep).join("/"))
    .filter((f) => /\.(ts|tsx|js|mjs)$/.test(f) && !f.startsWith("src/generated/"));
  return files.map((file) => ({ file, text: readFileSync(path.join(ROOT, file), "utf8") }));
}

/** The text between the parentheses of each call matching `callee` (e.g. /\.purchase\.(\w+)\(/g). */
export function callArguments(text: string, callee: RegExp): { name: string; args: string }[] {
  const calls: { name: string; args: string }[] = [];
  for (const match of text.matchAll(callee)) {
    let depth = 1;
    let i = match.index + match[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")") depth--;
    }
    calls.push({ name: match[1] ?? "", args: text.slice(start, i - 1) });
  }
  return calls;
}
