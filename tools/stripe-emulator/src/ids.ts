import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomChars(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Ids shaped like Stripe's test-mode ids (`cs_test_…`, `pi_…`, `evt_…`). */
export const newId = (prefix: string, length = 24) => `${prefix}_${randomChars(length)}`;
export const newSessionId = () => `cs_test_${randomChars(58)}`;
export const newRequestId = () => newId("req", 14);

export const nowSeconds = () => Math.floor(Date.now() / 1000);
