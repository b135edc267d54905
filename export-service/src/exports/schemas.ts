import { z } from 'zod';
import { EXPORT_FORMATS, LOG_TYPES } from '@auditlens/contract';
import { isTimeZone } from './writers/zone-clock';
import { timeInput } from '../views/time-range';

/** Body of `POST /api/v1/exports`. Unknown keys (an `email`, say) are ignored, never used. */
export const createExportBody = z.object({
  grant: z.string().min(1, 'is required: ask the log type route for an export grant first').max(2000),
  logType: z.enum(LOG_TYPES).optional(),
  from: timeInput,
  to: timeInput,
  format: z.enum(EXPORT_FORMATS),
  filters: z.record(z.string(), z.unknown()).default({}),
  timezone: z
    .string()
    .default('UTC')
    .refine((tz) => isTimeZone(tz), { message: 'must be an IANA time zone, e.g. Europe/Berlin' }),
});
