import { logTypePageUrl, type LogType } from '@auditlens/contract';

/** A time range as the URL carries it (`now-24h`, or ms since the epoch). */
export interface RawRange {
  readonly from: string;
  readonly to: string;
}

/** The log type's page over `range` with `filters`: where every number and name on the overview leads. */
export function pageLink(
  logType: LogType,
  range: RawRange,
  filters: Readonly<Record<string, string>> = {}
): string {
  return logTypePageUrl(logType, { from: range.from, to: range.to, ...filters });
}
