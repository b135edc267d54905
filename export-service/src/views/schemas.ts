import { z } from 'zod';
import { FACET_MODES, STATS_SPLITS } from '@auditlens/contract';
import { timeInput } from './time-range';

/** Query of `GET /api/v1/logs/:slug`; the remaining keys are the log type's filters. */
export const logsQuery = z.looseObject({
  from: timeInput.optional(),
  to: timeInput.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(20_000).optional(),
});

/** Query of `GET /api/v1/logs/:slug/facets`. */
export const facetsQuery = z.looseObject({
  field: z.string().min(1, 'is required'),
  mode: z.enum(FACET_MODES).default('exact'),
  from: timeInput.optional(),
  to: timeInput.optional(),
});

/** Query of `GET /api/v1/logs/:slug/stats`. */
export const statsQuery = z.looseObject({
  from: timeInput.optional(),
  to: timeInput.optional(),
  step: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400 * 31)
    .optional(),
  by: z.enum(STATS_SPLITS).default('action'),
});

/** Keys of the query string that are not filters: the parameters of the three queries above. */
export const NON_FILTER_KEYS: ReadonlySet<string> = new Set(
  [logsQuery, facetsQuery, statsQuery].flatMap((query) => Object.keys(query.shape))
);
