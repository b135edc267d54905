import type { SettledBatch, SettledConsumer } from '../../follower/settled-batch';
import type { CountsStore } from './counts-store';
import { countMinutes, minuteOf } from './minute-counts';

/**
 * The follower's consumer that keeps counts: each settled batch becomes per-minute counts per counted field,
 * action and value (`minute-counts.ts`), which replace what was kept for those minutes (`CountsStore`), so a batch
 * delivered again changes nothing and one delivered again with late events adds just those.
 */
export class CountsConsumer implements SettledConsumer {
  readonly name = 'counts';

  constructor(private readonly store: CountsStore) {}

  async consume(batch: SettledBatch): Promise<void> {
    await this.store.replaceMinutes(batch.logType, countMinutes(batch));
  }

  async expire(beforeNs: bigint): Promise<void> {
    await this.store.expire(minuteOf(beforeNs));
  }
}
