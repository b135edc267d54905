import type { AuditEmitter } from '@auditlens/emitter';
import { Random } from './random';
import {
  AGENTS,
  BRANDS,
  CUSTOMERS,
  INTEGRATIONS,
  LOGIN_SOURCES,
  MODULES,
  USER_AGENTS,
  WEBHOOKS,
} from './help-desk';

/** One call to make on an emitter. */
export type DemoCall = (audit: AuditEmitter) => void;

const ACTIONS = ['create', 'update', 'update', 'update', 'delete'] as const;

/**
 * Produces realistic help-desk audit traffic, replayable from a seed: logins and logouts through the form
 * and social logins, impersonation, setting changes across modules, webhook and integration failures, and
 * now and then a burst of failed logins from one IP.
 */
export class DemoTraffic {
  private readonly rng: Random;
  private burst: { ip: string; user: string; left: number } | undefined;

  constructor(seed?: number) {
    this.rng = new Random(seed);
  }

  /** The next call to make. */
  next(): DemoCall {
    const r = this.rng;
    if (this.burst) return this.burstCall();
    if (r.chance(0.005)) {
      this.burst = { ip: this.ip(), user: r.pick([...AGENTS, ...CUSTOMERS]).name, left: r.int(6, 12) };
      return this.burstCall();
    }
    const roll = r.next();
    if (roll < 0.45) return this.accessCall();
    if (roll < 0.85) return this.activityCall();
    if (roll < 0.93) return this.webhookCall();
    return this.integrationCall();
  }

  private ip(): string {
    const r = this.rng;
    return r.chance(0.85) ? `203.0.113.${r.int(1, 254)}` : `198.51.100.${r.int(1, 254)}`;
  }

  private burstCall(): DemoCall {
    const burst = this.burst!;
    burst.left -= 1;
    if (burst.left <= 0) this.burst = undefined;
    const user = [...AGENTS, ...CUSTOMERS].find((a) => a.name === burst.user)!;
    const portal = user.id.startsWith('c-') ? 'customer' : 'agent';
    const brand = this.rng.pick(BRANDS);
    return (audit) =>
      audit.access({
        user,
        action: 'login_failed',
        portal,
        loginSource: 'form',
        ip: burst.ip,
        brand,
        reason: 'invalid_password',
      });
  }

  private accessCall(): DemoCall {
    const r = this.rng;
    const customer = r.chance(0.35);
    const user = customer ? r.pick(CUSTOMERS) : r.pick(AGENTS);
    const portal = customer ? 'customer' : 'agent';
    const common = {
      user,
      portal,
      ip: this.ip(),
      brand: r.pick(BRANDS),
      userAgent: r.pick(USER_AGENTS),
      sessionId: `s-${r.int(1000, 9999)}`,
    } as const;
    const roll = r.next();
    if (!customer && roll < 0.05) {
      const target = r.pick(CUSTOMERS);
      return (audit) =>
        audit.access({
          ...common,
          user: target,
          portal: 'customer',
          action: r.chance(0.5) ? 'impersonation_start' : 'impersonation_end',
          loginSource: 'form',
          impersonator: { id: user.id, name: user.name },
        });
    }
    const action = roll < 0.6 ? 'login' : roll < 0.9 ? 'logout' : 'login_failed';
    const loginSource = r.pick(LOGIN_SOURCES);
    return (audit) =>
      audit.access({
        ...common,
        action,
        loginSource,
        reason: action === 'login_failed' ? 'invalid_password' : undefined,
      });
  }

  private activityCall(): DemoCall {
    const r = this.rng;
    const actor = r.pick(AGENTS.filter((a) => a.roles?.includes('admin') || a.roles?.includes('supervisor')));
    const module = r.pick(MODULES);
    const action = r.pick(ACTIONS);
    const name = r.pick(module.names);
    const verb = { create: 'created', update: 'updated', delete: 'deleted' }[action];
    const changes =
      action === 'update'
        ? {
            before: { enabled: true, threshold: r.int(1, 8) },
            after: { enabled: r.chance(0.8), threshold: r.int(1, 8) },
          }
        : action === 'create'
          ? { after: { name, ...(module.targetType === 'api_key' ? { secret: 'sk_live_demo' } : {}) } }
          : { before: { name } };
    return (audit) =>
      audit.activity({
        actor,
        category: module.category,
        action,
        target: { type: module.targetType, id: `${module.targetType}-${r.int(1, 400)}`, name },
        summary: `${actor.name} ${verb} ${module.category.toLowerCase()} "${name}"`,
        changes,
        ip: this.ip(),
        brand: r.pick(BRANDS),
        userAgent: r.pick(USER_AGENTS),
      });
  }

  private webhookCall(): DemoCall {
    const r = this.rng;
    const hook = r.pick(WEBHOOKS);
    const status = r.pick([500, 502, 503, 504, 404, 401, undefined]);
    const error =
      status === undefined
        ? r.pick(['ETIMEDOUT', 'ECONNREFUSED', 'certificate has expired'])
        : `HTTP ${status}`;
    return (audit) =>
      audit.webhookFailure({
        webhookName: hook.name,
        url: hook.url,
        method: 'POST',
        statusCode: status,
        error,
        attempt: r.int(1, 5),
        brand: r.pick(BRANDS),
      });
  }

  private integrationCall(): DemoCall {
    const r = this.rng;
    const integration = r.pick(INTEGRATIONS);
    const failureType = r.pick(integration.failures);
    return (audit) =>
      audit.integrationFailure({
        integrationName: integration.name,
        integrationType: integration.type,
        failureType,
        details: `${integration.name} sync failed: ${failureType.replace(/_/g, ' ')}`,
        brand: r.pick(BRANDS),
      });
  }
}
