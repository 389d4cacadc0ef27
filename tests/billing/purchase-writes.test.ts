import { describe, expect, it } from "vitest";

import { callArguments, sourceFiles } from "../helpers/source-scan";

const OWNER = "src/server/billing/purchase-status.ts";

/** Where a file writes Purchase.status: Prisma updates of purchases, creates that set a status, raw SQL. */
function statusWrites(text: string): string[] {
  const found = callArguments(text, /\.purchase\.(\w+)\(/g)
    .filter(
      ({ name, args }) =>
        /^(update|updateMany|updateManyAndReturn|upsert)$/.test(name) ||
        (/^(create|createMany)$/.test(name) && /\bstatus\b/.test(args)),
    )
    .map(({ name }) => `purchase.${name}`);
  for (const sql of text.matchAll(/(update|insert\s+into)\s+"?purchase"?\b/gi)) found.push(sql[0]);
  return found;
}

describe("Purchase.status has one writer", () => {
  it(`${OWNER} is the only file that writes a purchase's status`, () => {
    const writers = sourceFiles()
      .map(({ file, text }) => ({ file, writes: statusWrites(text) }))
      .filter(({ writes }) => writes.length > 0);
    expect(writers.filter(({ file }) => file !== OWNER)).toEqual([]);
    // The scan does see writes: the owner's own are found.
    expect(writers.find(({ file }) => file === OWNER)?.writes).toEqual([
      "purchase.update",
      "purchase.updateManyAndReturn",
      "purchase.updateMany",
      'UPDATE "Purchase',
    ]);
  });

  it("the scan catches each kind of write", () => {
    expect(statusWrites(`await tx.purchase.update({ where: { id }, data: { status: "paid" } })`)).toHaveLength(1);
    expect(statusWrites(`await db.purchase.createMany({ data: [{ id, status: "paid" }] })`)).toHaveLength(1);
    expect(statusWrites(`await tx.purchase.updateManyAndReturn({ where: { id }, data: { status } })`)).toHaveLength(1);
    expect(statusWrites(`await tx.$executeRaw\`UPDATE "Purchase" SET status = 'paid'\``)).toHaveLength(1);
    expect(statusWrites(`await db.purchase.createMany({ data: [{ id, credits: f(1) }] })`)).toEqual([]);
  });
});
