import type { CaseReport } from "./report";

/**
 * The bench reference routes must not exist in a normal server. This process runs without
 * TALLY_BENCH_ROUTES, so calling the handlers here shows what any other server answers.
 */
export async function checkRoutesGated(report: CaseReport): Promise<void> {
  const [constant, session, balance, chat, memory] = await Promise.all([
    import("~/app/api/bench/constant/route.bench"),
    import("~/app/api/bench/session/route.bench"),
    import("~/app/api/bench/balance/route.bench"),
    import("~/app/api/bench/chat/route.bench"),
    import("~/app/api/bench/memory/route.bench"),
  ]);
  const statuses = [
    constant.GET().status,
    (await session.GET()).status,
    (await balance.GET()).status,
    (await chat.POST(new Request("http://127.0.0.1/api/bench/chat", { method: "POST", body: "{}" }))).status,
    memory.GET().status,
  ];
  report.check(
    "bench routes answer 404 without TALLY_BENCH_ROUTES=1",
    statuses.every((s) => s === 404),
    statuses.join("/"),
  );
}

export async function checkPageGated(report: CaseReport): Promise<void> {
  const pages = await Promise.all([
    import("~/app/(app)/bench/reference/page.bench"),
    import("~/app/(bare)/bench/bare/page.bench"),
  ]);
  const digests = pages.map((page) => {
    try {
      page.default();
    } catch (error) {
      return (error as { digest?: string }).digest;
    }
    return undefined;
  });
  report.check(
    "/bench/reference and /bench/bare are notFound() without TALLY_BENCH_ROUTES=1",
    digests.every((d) => d?.endsWith(";404") === true),
    digests.map(String).join(" / "),
  );
}
