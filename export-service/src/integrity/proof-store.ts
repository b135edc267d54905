import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import type { ChainRun, StretchProof } from '@auditlens/integrity';
import type { FollowerDb } from '../follower/follower-db';

const SCHEMA = [
  // One row per log type and minute with records: the proof of its records, NULL when they must be read again.
  `CREATE TABLE IF NOT EXISTS integrity_minutes (
     log_type TEXT NOT NULL, minute_ms BIGINT NOT NULL, proof TEXT, PRIMARY KEY (log_type, minute_ms))`,
  // The checkpoints of a log type's chains written in a minute, as read from Loki (verified when reported).
  `CREATE TABLE IF NOT EXISTS integrity_checkpoints (
     log_type TEXT NOT NULL, minute_ms BIGINT NOT NULL, entries TEXT NOT NULL, PRIMARY KEY (log_type, minute_ms))`,
];

/** A kept minute: its proof, or undefined when its records must be read again to report them. */
export interface KeptMinute {
  readonly minuteMs: number;
  readonly proof: StretchProof | undefined;
}

/** What the integrity consumer keeps per log type and minute, in the job store's database (both dialects). */
export class ProofStore {
  private constructor(private readonly db: FollowerDb) {}

  /** Creates the tables when absent, then the store. */
  static async open(db: FollowerDb): Promise<ProofStore> {
    for (const sql of SCHEMA) await db.run(sql);
    return new ProofStore(db);
  }

  /** Replaces what is kept for the minutes of [fromMs, toMs) (a repeat of the same batch changes nothing). */
  async replace(
    logType: LogType,
    fromMs: number,
    toMs: number,
    minutes: ReadonlyArray<KeptMinute>,
    checkpoints: ReadonlyMap<number, readonly LokiEntry[]>
  ): Promise<void> {
    for (const table of ['integrity_minutes', 'integrity_checkpoints'])
      await this.db.run(`DELETE FROM ${table} WHERE log_type = ? AND minute_ms >= ? AND minute_ms < ?`, [
        logType,
        fromMs,
        toMs,
      ]);
    for (const m of minutes)
      await this.db.run(
        `INSERT INTO integrity_minutes (log_type, minute_ms, proof) VALUES (?, ?, ?)
         ON CONFLICT (log_type, minute_ms) DO UPDATE SET proof = excluded.proof`,
        [logType, m.minuteMs, m.proof ? encodeProof(m.proof) : null]
      );
    for (const [minuteMs, entries] of checkpoints)
      await this.db.run(
        `INSERT INTO integrity_checkpoints (log_type, minute_ms, entries) VALUES (?, ?, ?)
         ON CONFLICT (log_type, minute_ms) DO UPDATE SET entries = excluded.entries`,
        [logType, minuteMs, encodeEntries(entries)]
      );
  }

  /** The kept minutes with records in [fromMs, toMs), in order. */
  async minutes(logType: LogType, fromMs: number, toMs: number): Promise<KeptMinute[]> {
    const rows = await this.db.all<{ minute_ms: number; proof: string | null }>(
      `SELECT minute_ms, proof FROM integrity_minutes WHERE log_type = ? AND minute_ms >= ? AND minute_ms < ?
       ORDER BY minute_ms`,
      [logType, fromMs, toMs]
    );
    return rows.map((r) => ({
      minuteMs: Number(r.minute_ms),
      proof: r.proof === null ? undefined : decodeProof(r.proof),
    }));
  }

  /** The kept checkpoint entries written in [fromMs, toMs), in order. */
  async checkpoints(logType: LogType, fromMs: number, toMs: number): Promise<LokiEntry[]> {
    const rows = await this.db.all<{ entries: string }>(
      `SELECT entries FROM integrity_checkpoints WHERE log_type = ? AND minute_ms >= ? AND minute_ms < ?
       ORDER BY minute_ms`,
      [logType, fromMs, toMs]
    );
    return rows.flatMap((r) => decodeEntries(r.entries));
  }

  /** Forgets minutes before `beforeMs`. */
  async expire(beforeMs: number): Promise<void> {
    for (const table of ['integrity_minutes', 'integrity_checkpoints'])
      await this.db.run(`DELETE FROM ${table} WHERE minute_ms < ?`, [beforeMs]);
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
