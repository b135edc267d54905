// What someone with write access to Loki can do besides pushing through the collector: delete entries through
// the compactor's delete API (`/loki/api/v1/delete`, Loki 3.7) and push records of their own.

/** Asks Loki to delete the entries matching `query` between two times (seconds since the epoch). */
export async function requestDeletion(
  lokiUrl: string,
  query: string,
  startSec: number,
  endSec: number
): Promise<void> {
  const params = new URLSearchParams({ query, start: String(startSec), end: String(endSec) });
  const answer = await fetch(`${lokiUrl}/loki/api/v1/delete?${params}`, { method: 'POST' });
  if (answer.status !== 204)
    throw new Error(`Loki refused the delete request: ${answer.status} ${await answer.text()}`);
}

/** The delete requests Loki knows, with their status (`received`, `processed`). */
export async function deletionRequests(
  lokiUrl: string
): Promise<Array<{ request_id: string; query: string; status: string }>> {
  const answer = await fetch(`${lokiUrl}/loki/api/v1/delete`);
  return (await answer.json()) as Array<{ request_id: string; query: string; status: string }>;
}

/** How many entries `query` returns between two times (ns), read forward in one page of up to 5000. */
export async function countEntries(
  lokiUrl: string,
  query: string,
  start: bigint,
  end: bigint
): Promise<number> {
  const params = new URLSearchParams({
    query,
    start: String(start),
    end: String(end),
    limit: '5000',
    direction: 'forward',
  });
  const answer = await fetch(`${lokiUrl}/loki/api/v1/query_range?${params}`);
  const body = (await answer.json()) as { data: { result: Array<{ values: unknown[] }> } };
  return body.data.result.reduce((n, s) => n + s.values.length, 0);
}

/** Pushes an OTLP JSON request straight to Loki, as an attacker holding its write credentials would. */
export async function pushOtlpJson(lokiUrl: string, request: unknown): Promise<void> {
  const answer = await fetch(`${lokiUrl}/otlp/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (answer.status >= 300) throw new Error(`Loki refused the push: ${answer.status} ${await answer.text()}`);
}

/** Waits until `condition` holds, checking every `everyMs`; throws after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 1000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
