import type { Attributes } from '@opentelemetry/api';
import { ATTR, type AttributeName } from '@auditlens/contract';
import { uuidv7 } from './event-id';
import type { CommonFields, Actor } from '../types';
import type { EncodeLimits } from './limits';

/** Collects record attributes, skipping empty values and capping string lengths. */
export class AttributeBag {
  readonly attributes: Attributes = {};

  constructor(private readonly limits: EncodeLimits) {
    this.attributes[ATTR.eventId] = uuidv7();
  }

  /** Sets a string attribute, capped; undefined and empty strings are left out. */
  text(name: AttributeName, value: string | undefined): this {
    if (value !== undefined && value !== '') {
      const max = this.limits.maxAttributeLength;
      this.attributes[name] = value.length <= max ? value : value.slice(0, max - 1) + '…';
    }
    return this;
  }

  /** Sets a numeric attribute; undefined is left out. */
  number(name: AttributeName, value: number | undefined): this {
    if (value !== undefined) this.attributes[name] = value;
    return this;
  }

  /** Sets the fields every event type shares. */
  common(event: CommonFields): this {
    return this.text(ATTR.clientAddress, event.ip)
      .text(ATTR.userAgent, event.userAgent)
      .text(ATTR.sessionId, event.sessionId)
      .text(ATTR.brand, event.brand);
  }

  /** Sets `user.*` from an actor. */
  user(actor: Actor): this {
    this.text(ATTR.userId, actor.id).text(ATTR.userName, actor.name).text(ATTR.userEmail, actor.email);
    // Loki keeps structured metadata as strings: a comma-separated list stays filterable with `=~`.
    if (actor.roles && actor.roles.length > 0) this.text(ATTR.userRoles, actor.roles.join(','));
    return this;
  }
}
