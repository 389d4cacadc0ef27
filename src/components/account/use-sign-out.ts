"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { api } from "~/trpc/react";

/**
 * Signs out here, or everywhere (every session of the account ends server-side first), then goes
 * home. Shared by the account menu and the account page.
 */
export function useSignOut() {
  const router = useRouter();
  const everywhere = api.auth.signOutEverywhere.useMutation();
  const [signingOut, setSigningOut] = useState(false);

  async function doSignOut(allDevices = false) {
    setSigningOut(true);
    if (allDevices) await everywhere.mutateAsync().catch(() => undefined);
    await signOut({ redirect: false });
    router.replace("/");
    router.refresh();
  }

  return { signingOut, signOut: doSignOut };
}
