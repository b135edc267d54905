import { createPublicKey, type KeyObject } from 'node:crypto';
import { LOG_TYPES, type LogType } from '@auditlens/contract';

/** `services` entry meaning every producer. */
export const ANY_SERVICE = '*';

/**
 * A checkpoint key and what it may sign: the chains of these producers (`service_name`, as their emitter sends
 * it) and of these log types. A checkpoint outside this is not trusted, whatever its signature.
 */
export interface RingKey {
  readonly key: KeyObject;
  /** The `service_name`s whose chains it signs; {@link ANY_SERVICE} for every producer. */
  readonly services: readonly string[];
  /** The log types whose chains it signs. Default: every log type. */
  readonly logTypes?: readonly LogType[];
}

/** True when `ringKey` may sign a chain of `logType` written by the producer `service`. */
export function maySign(ringKey: RingKey, service: string, logType: string): boolean {
  const byService = ringKey.services.includes(ANY_SERVICE) || ringKey.services.includes(service);
  const byLogType =
    ringKey.logTypes === undefined || (ringKey.logTypes as readonly string[]).includes(logType);
  return byService && byLogType;
}

/** What a key may sign, in words: `service helpdesk, log types access, activity`. */
export function describeBinding(ringKey: RingKey): string {
  const services = ringKey.services.includes(ANY_SERVICE)
    ? 'any service'
    : `service${ringKey.services.length > 1 ? 's' : ''} ${ringKey.services.join(', ')}`;
  const logTypes =
    ringKey.logTypes === undefined
      ? 'any log type'
      : `log type${ringKey.logTypes.length > 1 ? 's' : ''} ${ringKey.logTypes.join(', ')}`;
  return `${services}, ${logTypes}`;
}

/** The Ed25519 public keys checkpoints may be signed with, by key id, each bound to what it may sign. */
export class KeyRing {
  constructor(private readonly keys: ReadonlyMap<string, RingKey> = new Map()) {}

  /** The key named `keyId`, or undefined. */
  get(keyId: string): RingKey | undefined {
    return this.keys.get(keyId);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The configured key ids. */
  ids(): string[] {
    return [...this.keys.keys()];
  }

  /** Each key id with what it may sign, for the start-up log. */
  bindings(): Record<string, string> {
    return Object.fromEntries([...this.keys].map(([id, k]) => [id, describeBinding(k)]));
  }

  /**
   * This ring with one more key. It replaces a configured key of the same id: the service's own key enters this
   * way, bound to the service's own chains, and no configuration widens that.
   */
  with(keyId: string, key: RingKey): KeyRing {
    return new KeyRing(new Map([...this.keys, [keyId, key]]));
  }
}

/**
 * An Ed25519 public key from PEM (`-----BEGIN PUBLIC KEY-----`), or base64 of its 32 raw bytes or of its SPKI
 * DER (the PEM's body on one line, 44 bytes). Throws an Error saying what is wrong.
 */
export function ed25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) key = createPublicKey(trimmed);
  else {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32)
      key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') },
        format: 'jwk',
      });
    else if (bytes.length > 32) key = createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    else throw new Error('not an Ed25519 public key (PEM, or base64 of 32 raw bytes or of SPKI DER)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

const KEY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// A service name written inline: anything but the separators of the variable.
const INLINE_SERVICE = /^[^\s,=@]{1,256}$/;

/**
 * Parses `INTEGRITY_PUBLIC_KEYS` (`keyId@service=<base64>,...`, `*` for any service) and the JSON of
 * `INTEGRITY_PUBLIC_KEYS_FILE` (`{"keyId": {"key": "<PEM or base64>", "services": [...], "logTypes": [...]}}`)
 * into one key ring; the variable's keys win. A key that names no producer is refused, saying how to write it
 * (the form before keys were bound, `keyId=<base64>`, let any key sign any producer's chains). Throws an Error
 * naming the key id that is wrong.
 */
export function parseKeyRing(inline: string | undefined, fileJson: string | undefined): KeyRing {
  const keys = new Map<string, RingKey>();
  const put = (
    keyId: string,
    text: string,
    binding: Omit<RingKey, 'key'>,
    where: 'INTEGRITY_PUBLIC_KEYS' | 'INTEGRITY_PUBLIC_KEYS_FILE'
  ) => {
    if (!KEY_ID.test(keyId)) throw new Error(`${where}: bad key id "${keyId}"`);
    try {
      keys.set(keyId, { key: ed25519PublicKey(text), ...binding });
    } catch (error) {
      throw new Error(`${where}: key ${keyId}: ${(error as Error).message}`);
    }
  };
  if (fileJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fileJson);
    } catch {
      throw new Error(
        'INTEGRITY_PUBLIC_KEYS_FILE: not JSON ({"keyId": {"key": "PEM or base64", "services": ["service_name"]}, ...})'
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('INTEGRITY_PUBLIC_KEYS_FILE: must be a JSON object of key id to key');
    for (const [keyId, value] of Object.entries(parsed)) {
      const { key, ...binding } = fileEntry(keyId, value);
      put(keyId, key, binding, 'INTEGRITY_PUBLIC_KEYS_FILE');
    }
  }
  for (const pair of (inline ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new Error('INTEGRITY_PUBLIC_KEYS: must be keyId@service=base64 pairs separated by commas');
    const name = pair.slice(0, at).trim();
    const text = pair.slice(at + 1).trim();
    const sep = name.indexOf('@');
    if (sep < 0)
      throw new Error(
        `INTEGRITY_PUBLIC_KEYS: key ${name} names no producer: write ${name}@<service_name>=<key> ` +
          '(the service_name its emitter sends; * for any producer)'
      );
    const service = name.slice(sep + 1);
    if (!INLINE_SERVICE.test(service))
      throw new Error(`INTEGRITY_PUBLIC_KEYS: key ${name.slice(0, sep)}: bad service name "${service}"`);
    put(name.slice(0, sep), text, { services: [service] }, 'INTEGRITY_PUBLIC_KEYS');
  }
  return new KeyRing(keys);
}

/** One key of `INTEGRITY_PUBLIC_KEYS_FILE`, checked; throws an Error naming it and what is wrong. */
function fileEntry(keyId: string, value: unknown): Omit<RingKey, 'key'> & { readonly key: string } {
  const where = `INTEGRITY_PUBLIC_KEYS_FILE: key ${keyId}`;
  if (typeof value === 'string')
    throw new Error(
      `${where} names no producer: write "${keyId}": {"key": "<PEM or base64>", "services": ["<service_name>"]} ` +
        '(the service_name its emitter sends; "*" for any producer; "logTypes" to narrow it further)'
    );
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where} must be {"key": "...", "services": [...], "logTypes": [...]}`);
  const { key, services, logTypes, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new Error(`${where}: unknown field ${unknown.join(', ')}`);
  if (typeof key !== 'string') throw new Error(`${where}: "key" must be a string (PEM or base64)`);
  if (!isNonEmptyStringList(services))
    throw new Error(`${where}: "services" must list the service_names it signs for ("*" for any)`);
  if (logTypes === undefined) return { key, services };
  if (!isNonEmptyStringList(logTypes) || logTypes.some((t) => !(LOG_TYPES as readonly string[]).includes(t)))
    throw new Error(`${where}: "logTypes" must list log types among ${LOG_TYPES.join(', ')}`);
  return { key, services, logTypes: logTypes as LogType[] };
}

function isNonEmptyStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '');
}
