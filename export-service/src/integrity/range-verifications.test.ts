import { waitFor } from '@auditlens/testkit';
import { LimitReachedError } from '../domain-errors';
import { HttpLokiClient } from '@auditlens/loki';
import { LokiDouble } from '@auditlens/loki/double';
import { KeyRing } from '@auditlens/integrity';
import { RangeVerifications } from './range-verifications';

const HOUR = 3_600_000;
const T = Date.parse('2026-11-20T10:00:00Z');
const range = (hoursBack: number) => [new Date(T - hoursBack * HOUR), new Date(T)] as const;

describe('RangeVerifications', () => {
  let loki: LokiDouble;
  beforeEach(async () => {
    loki = await LokiDouble.start();
  });
  afterEach(async () => {
    await loki.stop();
  });

  it('shares a range asked again, and refuses with a 429 past its running and waiting verifications', async () => {
    const client = new HttpLokiClient({ url: loki.url, timeoutMs: 60_000 });
    const verifications = new RangeVerifications(client, new KeyRing(), { concurrency: 1, maxWaiting: 1 });
    // Loki holds the first verification's query: it runs, the next one waits.
    loki.hangNext(1);
    const running = verifications.verify('access', ...range(1));
    await waitFor(() => loki.hangingCount === 1, 'the first verification at Loki');
    const waiting = verifications.verify('access', ...range(2));
    // The same range again shares the running one: it neither runs nor waits.
    expect(verifications.verify('access', ...range(1))).toBe(running);
    await expect(verifications.verify('access', ...range(3))).rejects.toBeInstanceOf(LimitReachedError);
    await expect(verifications.verify('activity', ...range(3))).rejects.toMatchObject({
      name: 'LimitReachedError',
      retryAfterSeconds: 10,
    });
    // Loki goes away: the held query fails; the waiting one runs then and fails too. Neither is kept.
    await loki.stop();
    await expect(running).rejects.toThrow();
    await expect(waiting).rejects.toThrow();
    expect(verifications.verify('access', ...range(1))).not.toBe(running);
    await expect(verifications.verify('access', ...range(1))).rejects.toThrow();
  }, 60_000);
});
