"use client";

import { useEffect } from "react";

import { api } from "~/trpc/react";

/**
 * Rendered once the email is confirmed: the header may have read the balance while the page was
 * still granting the bonus, so read it (and the verification status) again.
 */
export function VerifiedRefresh() {
  const utils = api.useUtils();
  useEffect(() => {
    void utils.credits.balance.invalidate();
    void utils.auth.status.invalidate();
  }, [utils]);
  return null;
}
