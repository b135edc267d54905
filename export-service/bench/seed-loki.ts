import { createAuditEmitter } from '@auditlens/emitter';

const USERS = ['jane', 'bob', 'priya', 'tom', 'li', 'ana', 'omar'];
const BRANDS = ['Acme', 'Beta'];

/**
 * Records `count` access events with @auditlens/emitter straight to Loki's /otlp, spread evenly over
 * [fromMs, toMs), oldest first; every seventh shares its timestamp with the one before. Resolves when Loki
 * has taken them all.
 */
export async function seedAccessEvents(
  lokiUrl: string,
  count: number,
  fromMs: number,
  toMs: number
): Promise<void> {
  const errors: string[] = [];
  const audit = createAuditEmitter({
    serviceName: 'helpdesk',
    endpoint: `${lokiUrl}/otlp`,
    maxQueueSize: 20_000,
    maxExportBatchSize: 2000,
    scheduledDelayMillis: 100,
    exportTimeoutMillis: 60_000,
    onError: (e) => errors.push(e.message),
  });
  const step = (toMs - fromMs) / count;
  for (let i = 0; i < count; i++) {
    const user = USERS[i % USERS.length]!;
    const failed = i % 10 === 0;
    audit.access({
      time: new Date(fromMs + Math.floor((i - (i % 7 === 6 ? 1 : 0)) * step)),
      user: { id: `u-${i % 997}`, name: user, email: `${user}@acme.test` },
      action: failed ? 'login_failed' : 'login',
      portal: i % 3 === 0 ? 'customer' : 'agent',
      loginSource: i % 4 === 0 ? 'google' : 'form',
      ip: `203.0.113.${i % 250}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
      brand: BRANDS[i % BRANDS.length],
      sessionId: `s-${i % 5003}`,
      ...(failed ? { reason: 'invalid_password' } : {}),
    });
    // The emitter drops what does not fit its queue; hand over a queue's worth at a time.
    if (i % 10_000 === 9_999) await audit.flush();
  }
  await audit.shutdown();
  const stats = audit.stats();
  if (errors.length > 0 || stats.exported !== count) {
    throw new Error(
      `seeding Loki: ${stats.exported} of ${count} events taken (${errors.slice(0, 3).join('; ')})`
    );
  }
}
