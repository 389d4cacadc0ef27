import { headers } from "next/headers";

/** The signing-in browser's User-Agent, or null outside a request (tests calling next-auth's handlers directly). */
export async function requestUserAgent(): Promise<string | null> {
  try {
    return (await headers()).get("user-agent");
  } catch {
    return null;
  }
}
