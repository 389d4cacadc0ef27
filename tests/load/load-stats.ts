/** Counts of everything a load run did, and every server error it saw. */
export class LoadStats {
  readonly responses = new Map<string, number>();
  readonly refusals = new Map<string, number>();
  readonly serverErrors: string[] = [];
  readonly harnessErrors: string[] = [];
  readonly counters = {
    users: 0,
    chatsSent: 0,
    chatsCompleted: 0,
    chatsStopped: 0,
    checkouts: 0,
    paid: 0,
    declined: 0,
    abandoned: 0,
    duplicateDeliveries: 0,
    confirms: 0,
    reads: 0,
    autoTopUpUsers: 0,
    teams: 0,
    teamChats: 0,
    teamPurchases: 0,
    limitRefusals: 0,
    personalAfterLimit: 0,
  };

  bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** A fetch that records the status of every answer, by target ("app" or "emulator"). */
  countingFetch(base: typeof fetch, targets: Record<string, string>): typeof fetch {
    return async (input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const target = Object.entries(targets).find(([, origin]) => origin === url.origin)?.[0] ?? url.origin;
      const res = await base(input, init);
      this.bump(this.responses, `${target} ${res.status}`);
      if (target === "app" && res.status >= 500)
        this.serverErrors.push(`${init?.method ?? "GET"} ${url.pathname} → ${res.status}`);
      return res;
    };
  }

  summary(): string[] {
    const sorted = (m: Map<string, number>) =>
      [...m.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ");
    return [
      `activity   ${Object.entries(this.counters)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
      `responses  ${sorted(this.responses) || "none"}`,
      `refusals   ${sorted(this.refusals) || "none"}`,
    ];
  }
}
