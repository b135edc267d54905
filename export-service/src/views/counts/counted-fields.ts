import { ATTR, FILTER_FIELDS, lokiFieldName, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

/** The Loki name of the action field: every kept count is also kept per action (the overview's top lists). */
export const ACTION_FIELD = lokiFieldName(ATTR.action);
/** The Loki name of the outcome field (the chart's other split). */
export const OUTCOME_FIELD = lokiFieldName(ATTR.outcome);

/** The fields counted for a log type (Loki names): its filter fields and the chart's splits, action and outcome. */
export function countedFields(logType: LogType): readonly string[] {
  return [...new Set([...FILTER_FIELDS[logType].map((f) => f.lokiField), ACTION_FIELD, OUTCOME_FIELD])];
}

/** Fields whose values are people and machines (users, addresses): thousands of values in an hour. */
export const MANY_VALUED_FIELDS: ReadonlySet<string> = new Set([
  lokiFieldName(ATTR.userName),
  lokiFieldName(ATTR.clientAddress),
]);

/**
 * The action under which a field of many values is also counted over all actions. A dropdown of addresses with no
 * action filter then reads one row per address and period instead of one per address, action and period (half as
 * many rows to sum over a busy hour). The emitter's actions are names, never this.
 */
export const ALL_ACTIONS = '*';

/** True for a field of people or machines (users, addresses), whose values run into thousands. */
export function manyValued(field: string): boolean {
  return MANY_VALUED_FIELDS.has(field);
}

/**
 * The counted fields of a log type with few values each (actions, outcomes, brands, portals...): few enough that
 * Loki counts every combination of their values in one query, so a page's newest minutes are counted for all of
 * them at once.
 */
export function fewValuedFields(logType: LogType): readonly string[] {
  return countedFields(logType).filter((f) => !MANY_VALUED_FIELDS.has(f));
}

/**
 * The value of `field` in an entry as Loki's `sum by (field)` sees it: structured metadata first, then the stream's
 * labels; '' for an entry without it (Loki's series without the label).
 */
export function fieldValue(entry: LokiEntry, field: string): string {
  return entry.metadata[field] ?? entry.labels[field] ?? '';
}
