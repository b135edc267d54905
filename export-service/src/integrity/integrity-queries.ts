import { CHECKPOINT_LOG_TYPE, INTEGRITY_FIELDS, LOG_TYPE_LABEL, type LogType } from '@auditlens/contract';
import { buildSelector, quoteLogQL, type QueryOptions } from '@auditlens/loki';

/** Every record of a log type, unfiltered: verification reads all of them. */
export function recordsQuery(logType: LogType, options: QueryOptions): string {
  return buildSelector(logType, options);
}

/** The checkpoints of a log type's chains (their own stream, `audit_log_type="integrity_checkpoint"`). */
export function checkpointsQuery(logType: LogType, options: QueryOptions): string {
  const matchers = [`${LOG_TYPE_LABEL}=${quoteLogQL(CHECKPOINT_LOG_TYPE)}`];
  if (options.serviceName) matchers.unshift(`service_name=${quoteLogQL(options.serviceName)}`);
  return `{${matchers.join(', ')}} | ${INTEGRITY_FIELDS.checkpointLogType}=${quoteLogQL(logType)}`;
}

/** `query` narrowed to one chain. */
export function ofChain(query: string, chainId: string): string {
  return `${query} | ${INTEGRITY_FIELDS.chainId}=${quoteLogQL(chainId)}`;
}

/** `query` narrowed to some seqs (a label regexp matches the whole value). */
export function ofSeqs(query: string, seqs: readonly number[]): string {
  return `${query} | ${INTEGRITY_FIELDS.seq}=~${quoteLogQL(seqs.map((s) => String(Math.trunc(s))).join('|'))}`;
}
