"use client";

import { api, type RouterOutputs } from "~/trpc/react";

export type MyTeam = RouterOutputs["teams"]["list"][number];

/** The caller's teams (teams.list: role, what they can spend from each pool); empty while loading or when it fails. */
export function useMyTeams(): { teams: MyTeam[]; loaded: boolean } {
  const list = api.teams.list.useQuery(undefined, { staleTime: 30_000, retry: false });
  return { teams: list.data ?? [], loaded: list.isSuccess };
}

/** An admin or the owner buys for the team and changes its limits; a member only spends. */
export function managesTeam(team: Pick<MyTeam, "role"> | undefined): boolean {
  return team?.role === "owner" || team?.role === "admin";
}

/** Where a team's admin buys `packId` for it, and where they change members' limits (the team pages). */
export function teamBuyHref(teamId: string, packId?: string): string {
  const base = `/teams/${encodeURIComponent(teamId)}`;
  return packId ? `${base}?pack=${encodeURIComponent(packId)}` : base;
}

export function teamLimitsHref(teamId: string): string {
  return `/teams/${encodeURIComponent(teamId)}#members`;
}
