import { ATTR, SERVICE_NAME_ATTR } from '@auditlens/contract';

/** What {@link seedAccessOtlp} records. */
export interface AccessSeed {
  readonly lokiUrl: string;
  readonly count: number;
  /** Inclusive, ms. */
  readonly fromMs: number;
  /** Exclusive, ms. */
  readonly toMs: number;
  /** Records per OTLP request. The default value is 5000. */
  readonly batch?: number;
  /** Called after each request with the events taken so far. Default: none. */
  readonly onProgress?: (taken: number) => void;
}

type Kv = { key: string; value: { stringValue: string } | { intValue: string } };

const BRANDS = ['Acme', 'Beta', 'Gamma', 'Delta'];
const SOURCES = ['form', 'form', 'form', 'google', 'microsoft', 'okta', 'saml', 'github'];
const USERS = 3000;
const IPS = 20_000;

/** A deterministic pseudo-random sequence (mulberry32), so every run seeds the same values. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kv = (key: string, value: string): Kv => ({ key, value: { stringValue: value } });

/** The n-th address of 10.0.0.0/8. */
const address = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/**
 * Records `count` access events straight to Loki's `/otlp/v1/logs` as OTLP/JSON in large requests, spread over
 * [fromMs, toMs) oldest first, with the attributes `@auditlens/emitter` writes for an access event (the names from
 * `@auditlens/contract`). Values have the spread of a busy help desk: 3000 users (a few much more active than the
 * rest), 20,000 client addresses, four brands, two portals, eight login sources, five actions (one in ten a failed
 * login). Much faster than the emitter for hundreds of thousands of events: the next request is built while one is
 * on its way.
 */
export async function seedAccessOtlp(s: AccessSeed): Promise<void> {
  const batch = s.batch ?? 5000;
  const next = random(13);
  const span = s.toMs - s.fromMs;
  let taken = 0;
  const makeRequest = (first: number, n: number): string => {
    const records = [];
    for (let i = first; i < first + n; i++) {
      const r = next();
      // Zipf-like: user k is picked about 1/k as often as user 1.
      const user = Math.min(USERS - 1, Math.floor(Math.exp(next() * Math.log(USERS)) - 1));
      const action =
        r < 0.6
          ? 'login'
          : r < 0.85
            ? 'logout'
            : r < 0.95
              ? 'login_failed'
              : r < 0.975
                ? 'impersonation_start'
                : 'impersonation_end';
      const portal = next() < 0.7 ? 'agent' : 'customer';
      const source = SOURCES[Math.floor(next() * SOURCES.length)]!;
      const tsNs = BigInt(s.fromMs) * 1_000_000n + BigInt(Math.floor(((i + next()) / s.count) * span * 1e6));
      const name = `user${user}`;
      records.push({
        timeUnixNano: String(tsNs),
        observedTimeUnixNano: String(tsNs),
        severityNumber: action === 'login_failed' ? 13 : 9,
        severityText: action === 'login_failed' ? 'WARN' : 'INFO',
        body: { stringValue: `${name} ${action.replace('_', ' ')} the ${portal} portal (${source})` },
        attributes: [
          kv(ATTR.eventId, `0190${tsNs.toString(16).slice(-12)}-${i.toString(16).padStart(8, '0')}`),
          kv(ATTR.clientAddress, address(Math.floor(next() * IPS))),
          kv(ATTR.userAgent, 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'),
          kv(ATTR.sessionId, `s-${(i * 31) % 50_000}`),
          kv(ATTR.brand, BRANDS[user % BRANDS.length]!),
          kv(ATTR.userId, `u-${user}`),
          kv(ATTR.userName, name),
          kv(ATTR.userEmail, `${name}@acme.test`),
          kv(ATTR.action, action),
          kv(ATTR.outcome, action === 'login_failed' ? 'failure' : 'success'),
          kv(ATTR.portal, portal),
          kv(ATTR.loginSource, source),
        ],
      });
    }
    return JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [kv(SERVICE_NAME_ATTR, 'helpdesk'), kv(ATTR.logType, 'access')] },
          scopeLogs: [{ scope: { name: '@auditlens/emitter', version: '0.1.0' }, logRecords: records }],
        },
      ],
    });
  };
  const push = async (body: string, n: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${s.lokiUrl}/otlp/v1/logs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      if (res.ok) break;
      const reason = (await res.text()).slice(0, 300);
      // Loki refuses with 429/5xx while its ingester catches up; anything else is a bug in the request.
      if ((res.status !== 429 && res.status < 500) || attempt >= 10)
        throw new Error(`seeding Loki: ${res.status} ${reason}`);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    taken += n;
    s.onProgress?.(taken);
  };
  let inFlight: Promise<void> | undefined;
  for (let first = 0; first < s.count; first += batch) {
    const n = Math.min(batch, s.count - first);
    const body = makeRequest(first, n);
    await inFlight;
    inFlight = push(body, n);
  }
  await inFlight;
}
