/** One entry read back from Loki: its nanosecond timestamp, line, and labels (with `keep`ed fields). */
export interface LokiEntry {
  readonly ns: bigint;
  readonly line: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface QueryRangeAnswer {
  data: { result: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> };
}

/**
 * Every entry a LogQL log query matches between `from` and now, read forward in pages (Loki's HTTP API,
 * `GET /loki/api/v1/query_range`), the next page starting just after the last timestamp seen.
 */
export async function readAll(lokiUrl: string, query: string, from: Date): Promise<LokiEntry[]> {
  const entries: LokiEntry[] = [];
  let start = BigInt(from.getTime()) * 1_000_000n;
  const end = BigInt(Date.now() + 60_000) * 1_000_000n;
  for (;;) {
    const params = new URLSearchParams({
      query,
      start: String(start),
      end: String(end),
      limit: '1000',
      direction: 'forward',
    });
    const response = await fetch(`${lokiUrl}/loki/api/v1/query_range?${params}`);
    if (!response.ok) throw new Error(`Loki answered ${response.status}: ${await response.text()}`);
    const page = ((await response.json()) as QueryRangeAnswer).data.result
      .flatMap((s) => s.values.map(([ns, line]) => ({ ns: BigInt(ns), line, labels: s.stream })))
      .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    entries.push(...page);
    if (page.length < 1000) return entries;
    start = page.at(-1)!.ns + 1n;
  }
}
