import { z } from 'zod';
import { timeInput } from '../views/time-range';

/** Query of `GET /api/v1/logs/:slug/integrity`: the range to verify (default the last 24 hours). */
export const integrityQuery = z.strictObject({
  from: timeInput.optional(),
  to: timeInput.optional(),
});
