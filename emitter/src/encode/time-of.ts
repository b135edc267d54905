import type { HrTime } from '@opentelemetry/api';
import type { CommonFields } from '../types';
import { dateToHrTime, nowHrTime } from './clock';

/** The event's own time if given, else now with nanosecond precision. */
export function timeOf(event: CommonFields): HrTime {
  return event.time ? dateToHrTime(event.time) : nowHrTime();
}
