import { isIP } from 'node:net';
import { z } from 'zod';
import { ACCESS_ACTIONS, ACTIVITY_ACTIONS, PORTALS, OUTCOMES } from '@auditlens/contract';

const text = z.string().trim().min(1, 'must not be empty');
// node:net's parser: as strict as zod's IP formats and several times cheaper than trying both regexps.
const ipAddress = z.string().refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address');
const optionalText = z.string().optional();

const common = {
  time: z.date().optional(),
  ip: ipAddress.optional(),
  userAgent: optionalText,
  sessionId: optionalText,
  brand: optionalText,
};

const actor = z.object({
  id: text,
  name: text,
  email: z.email().optional(),
  roles: z.array(z.string()).optional(),
});

/** Input schema of `audit.activity(...)`. */
export const activitySchema = z.object({
  ...common,
  actor,
  category: text,
  action: z.enum(ACTIVITY_ACTIONS),
  target: z.object({ type: text, id: text, name: optionalText }),
  summary: text,
  changes: z.record(z.string(), z.unknown()).optional(),
  outcome: z.enum(OUTCOMES).optional(),
});

/** Input schema of `audit.access(...)`. */
export const accessSchema = z.object({
  ...common,
  user: actor,
  action: z.enum(ACCESS_ACTIONS),
  portal: z.enum(PORTALS),
  loginSource: text,
  ip: ipAddress,
  impersonator: z.object({ id: text, name: text }).optional(),
  summary: optionalText,
  reason: optionalText,
});

/** Input schema of `audit.webhookFailure(...)`. */
export const webhookFailureSchema = z.object({
  ...common,
  webhookName: text,
  url: z.url(),
  method: optionalText,
  statusCode: z.number().int().min(100).max(599).optional(),
  error: text,
  attempt: z.number().int().min(1).optional(),
  summary: optionalText,
});

/** Input schema of `audit.integrationFailure(...)`. */
export const integrationFailureSchema = z.object({
  ...common,
  integrationName: text,
  integrationType: text,
  failureType: text,
  details: text,
  summary: optionalText,
});
