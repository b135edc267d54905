import type { TimeZone } from '@grafana/data';
import type { LogType } from '@auditlens/contract';
import type { LogQuery } from '../../api/client';

/** What the chart and the table of a log type's page show: one query, in the viewer's time zone. */
export interface LogViewProps {
  readonly logType: LogType;
  readonly query: Omit<LogQuery, 'cursor' | 'limit'>;
  readonly timeZone: TimeZone;
}
