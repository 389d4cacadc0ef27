import { verifyEmail } from "~/server/auth/verification";
import type { Db } from "~/server/db";

import { latestMail, tokenOf } from "./mail";
import { callerFor } from "./trpc";

/** Signs up through the API and follows the mailed verification link, as a person would; returns the user id. */
export async function signUpVerified(
  db: Db,
  headers: Headers,
  input: { email: string; password: string; name?: string },
): Promise<string> {
  await callerFor(db, null, headers).auth.signUp(input);
  const email = input.email.trim().toLowerCase();
  const { id } = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  if ((await verifyEmail(db, tokenOf((await latestMail(db, email, "verify_email")).link))) !== "verified")
    throw new Error("verification failed");
  return id;
}
