import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import type { ChainRun, StretchProof } from '@auditlens/integrity';
import type { Kysely } from 'kysely';
import { inWriteTransaction, type Database } from '../store/database';
import type { ProofTables } from './proof-migrations';

/** Rows per multi-row insert: a few values each, well within both databases' limits on bound values. */
const CHUNK = 500;

/** A kept minute: its proof, or undefined when its records must be read again to report them. */
export interface KeptMinute {
  readonly minuteMs: number;
  readonly proof: StretchProof | undefined;
}

/**
 * What the integrity consumer keeps per log type and minute, in the service's database (tables of
 * `INTEGRITY_PROOF_MIGRATIONS`, both dialects).
 */
export class ProofStore {
  private readonly db: Kysely<ProofTables>;

  /** The store on an open database that has had `INTEGRITY_PROOF_MIGRATIONS`; the database's owner closes it. */
  constructor(private readonly database: Database) {
    this.db = database.db.withTables<ProofTables>();
  }

  /**
   * Replaces what is kept for the minutes of [fromMs, toMs) (a repeat of the same batch changes nothing), in one
   * transaction: a report never reads the batch's minutes half replaced.
   */
  async replace(
    logType: LogType,
    fromMs: number,
    toMs: number,
    minutes: ReadonlyArray<KeptMinute>,
    checkpoints: ReadonlyMap<number, readonly LokiEntry[]>
  ): Promise<void> {
    await inWriteTransaction(this.database, async (trx) => {
      const db = trx.withTables<ProofTables>();
      for (const table of ['integrity_minutes', 'integrity_checkpoints'] as const)
        await db
          .deleteFrom(table)
          .where('log_type', '=', logType)
          .where('minute_ms', '>=', fromMs)
          .where('minute_ms', '<', toMs)
          .execute();
      const kept = minutes.map((m) => ({
        log_type: logType,
        minute_ms: m.minuteMs,
        proof: m.proof ? encodeProof(m.proof) : null,
      }));
      for (let i = 0; i < kept.length; i += CHUNK)
        await db
          .insertInto('integrity_minutes')
          .values(kept.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['log_type', 'minute_ms']).doUpdateSet((eb) => ({ proof: eb.ref('excluded.proof') }))
          )
          .execute();
      const entries = [...checkpoints].map(([minuteMs, e]) => ({
        log_type: logType,
        minute_ms: minuteMs,
        entries: encodeEntries(e),
      }));
      for (let i = 0; i < entries.length; i += CHUNK)
        await db
          .insertInto('integrity_checkpoints')
          .values(entries.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc
              .columns(['log_type', 'minute_ms'])
              .doUpdateSet((eb) => ({ entries: eb.ref('excluded.entries') }))
          )
          .execute();
    });
  }

  /** The kept minutes with records in [fromMs, toMs), in order. */
  async minutes(logType: LogType, fromMs: number, toMs: number): Promise<KeptMinute[]> {
    const rows = await this.db
      .selectFrom('integrity_minutes')
      .select(['minute_ms', 'proof'])
      .where('log_type', '=', logType)
      .where('minute_ms', '>=', fromMs)
      .where('minute_ms', '<', toMs)
      .orderBy('minute_ms')
      .execute();
    return rows.map((r) => ({
      minuteMs: Number(r.minute_ms),
      proof: r.proof === null ? undefined : decodeProof(r.proof),
    }));
  }

  /** The kept checkpoint entries written in [fromMs, toMs), in order. */
  async checkpoints(logType: LogType, fromMs: number, toMs: number): Promise<LokiEntry[]> {
    const rows = await this.db
      .selectFrom('integrity_checkpoints')
      .select('entries')
      .where('log_type', '=', logType)
      .where('minute_ms', '>=', fromMs)
      .where('minute_ms', '<', toMs)
      .orderBy('minute_ms')
      .execute();
    return rows.flatMap((r) => decodeEntries(r.entries));
  }

  /** Forgets minutes before `beforeMs`. */
  async expire(beforeMs: number): Promise<void> {
    for (const table of ['integrity_minutes', 'integrity_checkpoints'] as const)
      await this.db.deleteFrom(table).where('minute_ms', '<', beforeMs).execute();
    await this.db.deleteFrom('integrity_reread').where('to_ms', '<=', beforeMs).execute();
  }

  /** Marks [fromMs, toMs) of `logType` to be read from Loki by reports, as `mark` (idempotent). */
  async markReadAgain(logType: LogType, mark: string, fromMs: number, toMs: number): Promise<void> {
    await this.db
      .insertInto('integrity_reread')
      .values({ log_type: logType, mark, from_ms: fromMs, to_ms: toMs })
      .onConflict((oc) => oc.columns(['log_type', 'mark']).doNothing())
      .execute();
  }

  /** Clears the mark `mark` of `logType` (its minutes were proved again). */
  async clearReadAgain(logType: LogType, mark: string): Promise<void> {
    await this.db
      .deleteFrom('integrity_reread')
      .where('log_type', '=', logType)
      .where('mark', '=', mark)
      .execute();
  }

  /** The marked stretches of `logType` that overlap [fromMs, toMs), in order of their start. */
  async readAgain(
    logType: LogType,
    fromMs: number,
    toMs: number
  ): Promise<Array<{ fromMs: number; toMs: number }>> {
    const rows = await this.db
      .selectFrom('integrity_reread')
      .select(['from_ms', 'to_ms'])
      .where('log_type', '=', logType)
      .where('from_ms', '<', toMs)
      .where('to_ms', '>', fromMs)
      .orderBy('from_ms')
      .execute();
    return rows.map((r) => ({ fromMs: Number(r.from_ms), toMs: Number(r.to_ms) }));
  }
}

type Json = Record<string, unknown>;

function encodeProof(p: StretchProof): string {
  return JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

function decodeProof(text: string): StretchProof {
  const p = JSON.parse(text) as { records: number; withoutChain: number; chains: Json[] };
  return {
    records: p.records,
    withoutChain: p.withoutChain,
    chains: p.chains.map((c) => ({
      service: c.service as string,
      chainId: c.chainId as string,
      runs: (c.runs as Json[]).map((r): ChainRun => ({
        ...(r as unknown as ChainRun),
        firstTs: BigInt(r.firstTs as string),
        lastTs: BigInt(r.lastTs as string),
        minTs: BigInt(r.minTs as string),
        maxTs: BigInt(r.maxTs as string),
      })),
    })),
  };
}

function encodeEntries(entries: readonly LokiEntry[]): string {
  return JSON.stringify(entries.map((e) => ({ ...e, ts: String(e.ts) })));
}

function decodeEntries(text: string): LokiEntry[] {
  return (JSON.parse(text) as Array<Omit<LokiEntry, 'ts'> & { ts: string }>).map((e) => ({
    ...e,
    ts: BigInt(e.ts),
  }));
}
