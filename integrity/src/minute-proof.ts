import type { LokiEntry } from '@auditlens/loki';
import { parseChainEntry } from './chain-entry';
import { ChainState, type ChainRun } from './chain-state';
import type { Checkpoint } from './checkpoint-entry';

/** The runs of one chain (one producer's `service_name` and chain id). */
export interface ChainRuns {
  readonly service: string;
  readonly chainId: string;
  readonly runs: readonly ChainRun[];
}

/**
 * What verifying the records of one stretch of time proved, kept instead of the records: how many were read,
 * how many carry no chain, and per chain the runs of linked, unaltered records.
 */
export interface StretchProof {
  readonly records: number;
  readonly withoutChain: number;
  readonly chains: readonly ChainRuns[];
}

/**
 * Verifies `entries` (every record of a log type in a stretch of time, any order) on their own, watching the seqs
 * `checkpoints` name; undefined when anything but linked, unaltered runs was found (a broken link, an altered,
 * unreadable or duplicated record), so that the stretch is read again whenever it is reported.
 */
export function proveStretch(
  entries: readonly LokiEntry[],
  checkpoints: readonly Checkpoint[]
): StretchProof | undefined {
  const chains = new Map<string, { service: string; state: ChainState }>();
  let withoutChain = 0;
  for (const e of entries) {
    const parsed = parseChainEntry(e);
    if (parsed.kind === 'unchained') {
      withoutChain++;
      continue;
    }
    if (parsed.kind === 'malformed') return undefined;
    const { service, chainId } = parsed.entry;
    const key = `${service}\u0000${chainId}`;
    let chain = chains.get(key);
    if (!chain) {
      chain = { service, state: new ChainState(chainId) };
      for (const c of checkpoints)
        if (c.service === service && c.statement.chainId === chainId) chain.state.addCheckpoint(c);
      chains.set(key, chain);
    }
    chain.state.add(parsed.entry, true);
  }
  const out: ChainRuns[] = [];
  for (const { service, state } of chains.values()) {
    const runs = state.runs();
    if (!runs) return undefined;
    out.push({ service, chainId: state.id, runs });
  }
  return { records: entries.length, withoutChain, chains: out };
}
