import {
  ATTR,
  attributeOfLokiField,
  fieldLabel,
  type AttributeName,
  type AuditRow,
} from '@auditlens/contract';
import { COLUMNS, labelledValueOf, valueOf } from './columns';

/** A field of an event as a person reads it. */
export interface LabelledField {
  readonly attribute: AttributeName;
  readonly label: string;
  readonly value: string;
}

/** Shown on their own (the id once, at the top; the changes as a diff), never among the fields. */
const SHOWN_APART: readonly AttributeName[] = [ATTR.eventId, ATTR.changes, ATTR.logType];

/**
 * The event's known fields with the contract's labels (of fields and of values): the table's columns first, in their order, then the
 * other attributes it carries in the contract's order. Empty values are left out.
 */
export function labelledFields(row: AuditRow): LabelledField[] {
  const fromColumns = COLUMNS[row.logType].flatMap((c) => c.attributes);
  const rest = (Object.values(ATTR) as AttributeName[]).filter((a) => !fromColumns.includes(a));
  return [...fromColumns, ...rest]
    .filter((a) => !SHOWN_APART.includes(a) && valueOf(row, a) !== '')
    .map((attribute) => ({
      attribute,
      label: fieldLabel(row.logType, attribute),
      value: labelledValueOf(row, attribute),
    }));
}

/**
 * Every field the event carries under Loki's raw name (for LogQL writers), sorted; the id (shown above) and the
 * changes (shown as a diff) are left out.
 */
export function rawFields(row: AuditRow): Array<readonly [string, string]> {
  return Object.entries(row.fields)
    .filter(([name]) => {
      const attribute = attributeOfLokiField(name);
      return attribute !== ATTR.eventId && attribute !== ATTR.changes;
    })
    .sort(([a], [b]) => a.localeCompare(b));
}
