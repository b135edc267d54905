import type { LogType } from '@auditlens/contract';
import { buildLogQuery, readAllEntries, type LokiClient, type LokiEntry } from '@auditlens/loki';
import type { SettledConsumer } from '../../src/follower/settled-batch';

const MINUTE_NS = 60_000_000_000n;

/**
 * A test's stand-in for the follower's reading (issue 23): every record of a log type in [fromNs, toNs) read from
 * the real Loki forward, unfiltered, and handed to `consumer` as batches of `minutes` whole minutes, in time order,
 * as the follower contract (`follower/settled-batch.ts`) describes. Not the follower: no cursor, no lease.
 */
export async function feedSettled(
  loki: LokiClient,
  consumer: SettledConsumer,
  logType: LogType,
  fromNs: bigint,
  toNs: bigint,
  minutes = 10
): Promise<number> {
  if (fromNs % MINUTE_NS !== 0n || toNs % MINUTE_NS !== 0n) throw new RangeError('whole minutes only');
  let events = 0;
  for (let start = fromNs; start < toNs; start += BigInt(minutes) * MINUTE_NS) {
    const end = start + BigInt(minutes) * MINUTE_NS < toNs ? start + BigInt(minutes) * MINUTE_NS : toNs;
    const entries: LokiEntry[] = [];
    for await (const page of readAllEntries(loki, { query: buildLogQuery(logType), start, end }))
      entries.push(...page.entries);
    events += entries.length;
    await consumer.consume({ logType, fromNs: start, toNs: end, entries });
  }
  return events;
}
