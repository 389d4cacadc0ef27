// One truth for the Node.js versions Tally runs on: package.json "engines.node", which is Prisma's
// own range (the strictest of the packages the app runs). `npm run dev`/`npm run serve` check it
// before anything starts. (npm's EBADENGINE warning about @prisma/streams-local wanting Node ≥ 22
// concerns only the `prisma dev` command, which Tally never runs.)
import { readFileSync } from "node:fs";

import semver from "semver";

/** @returns {string} */
export function supportedNodeRange() {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return pkg.engines.node;
}

/**
 * The one-line refusal for an unsupported Node.js, or null when `version` is supported.
 * @param {string} version e.g. process.versions.node
 * @returns {string | null}
 */
export function unsupportedNodeMessage(version) {
  const range = supportedNodeRange();
  if (semver.satisfies(version, range)) return null;
  return `[tally] Node.js ${version} is not supported: Tally needs Node.js ${range} (e.g. the current 22 LTS). Install one (nvm install 22) and run again.`;
}
