import type { z } from 'zod';
import { BadRequestError } from './errors';

/**
 * `input` (a query, a body) checked against `schema`: its typed value, or a 400 that names each wrong field
 * (`message` says what was wrong; the default value is 'invalid request'). Every route reads its input here.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  message = 'invalid request'
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new BadRequestError(
      message,
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }))
    );
  }
  return parsed.data;
}
