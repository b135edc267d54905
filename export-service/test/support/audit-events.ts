import { randomUUID } from 'node:crypto';

/** One access event to push, and what identifies it in an export. */
export interface AccessEvent {
  /** ns since the epoch. */
  readonly ts: bigint;
  readonly id: string;
  readonly user: string;
}

type Kv = { key: string; value: { stringValue: string } };
const attrs = (o: Record<string, string>): Kv[] =>
  Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

/**
 * `count` access events spread evenly over [fromMs, toMs), users taken in turn from `users`, each with a unique
 * `audit.event_id` (a UUID, so partitioning by its last hex digits works as with the emitter's UUIDv7).
 */
export function accessEvents(
  count: number,
  fromMs: number,
  toMs: number,
  users: readonly string[]
): AccessEvent[] {
  const stepNs = (BigInt(toMs - fromMs) * 1_000_000n) / BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    ts: BigInt(fromMs) * 1_000_000n + BigInt(i) * stepNs,
    id: randomUUID(),
    user: users[i % users.length]!,
  }));
}

/**
 * Pushes events to Loki's OTLP endpoint (JSON), as the collector would: the resource carries `service.name`
 * (an index label, so each test reads only its own events) and `audit.log_type`. Batches of 2000 (under a
 * MB) stay far below Loki's 6 MB ingestion burst.
 */
export async function pushAccessEvents(
  lokiUrl: string,
  serviceName: string,
  events: readonly AccessEvent[]
): Promise<void> {
  for (let at = 0; at < events.length; at += 2000) {
    const records = events.slice(at, at + 2000).map((e) => ({
      timeUnixNano: String(e.ts),
      observedTimeUnixNano: String(e.ts),
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `${e.user} logged in to the agent portal` },
      attributes: attrs({
        'audit.log_type': 'access',
        'audit.event_id': e.id,
        'audit.action': 'login',
        'audit.outcome': 'success',
        'audit.portal': 'agent',
        'audit.brand': 'Acme',
        'audit.login_source': 'form',
        'user.name': e.user,
        'user.email': `${e.user}@acme.test`,
        'client.address': '203.0.113.7',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
      }),
    }));
    const body = {
      resourceLogs: [
        {
          resource: { attributes: attrs({ 'service.name': serviceName, 'audit.log_type': 'access' }) },
          scopeLogs: [{ scope: { name: '@auditlens/emitter', version: '0.1.0' }, logRecords: records }],
        },
      ],
    };
    // Loki answers 429 past its ingestion rate (4 MB/s as shipped); the collector then waits and retries.
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${lokiUrl}/otlp/v1/logs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status < 300) break;
      const text = await res.text();
      if (res.status !== 429 || attempt >= 30)
        throw new Error(`Loki refused the push: ${res.status} ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Waits until Loki answers all `count` events of `serviceName` in the range (pushes are read a moment later). */
export async function waitUntilQueryable(
  lokiUrl: string,
  serviceName: string,
  fromMs: number,
  toMs: number,
  count: number
): Promise<void> {
  const query = `sum(count_over_time({service_name="${serviceName}"}[${Math.ceil((toMs - fromMs) / 1000) + 60}s]))`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const params = new URLSearchParams({ query, time: String(Math.ceil(toMs / 1000) + 30) });
    const res = await fetch(`${lokiUrl}/loki/api/v1/query?${params}`);
    if (res.ok) {
      const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
      if (Number(body.data.result[0]?.value[1] ?? 0) >= count) return;
    }
    if (Date.now() > deadline) throw new Error(`Loki did not show the ${count} pushed events in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
