import path from "node:path";

import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import loadConfig from "next/dist/server/config";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

// Next 16 forwards the browser console to `next dev`'s terminal unless told not to (default: warnings
// and errors, which include the chat's failed sends and their text). The effective config is what
// Next itself resolves from next.config.mjs, defaults and deprecated options included.
describe("next dev's browser console forwarding", () => {
  it("is off, so nothing typed in the browser reaches the dev server's output", async () => {
    const config = await loadConfig(PHASE_DEVELOPMENT_SERVER, root, { silent: true });
    const logging = config.logging === false ? false : config.logging?.browserToTerminal;
    expect(logging ?? false).toBe(false);
  });
});
