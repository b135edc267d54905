import { InvalidInputError } from '../domain-errors';

/** Position of a newest-first listing: the oldest timestamp shown and the events shown at it. */
export interface ListCursor {
  readonly ts: bigint;
  readonly seen: readonly string[];
}

/** The cursor as an opaque URL-safe string. */
export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify({ ts: String(c.ts), seen: c.seen })).toString('base64url');
}

/** Reads a cursor; a malformed one is a 400 on `cursor`. */
export function decodeCursor(raw: string): ListCursor {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { ts?: unknown; seen?: unknown };
    if (
      typeof v.ts !== 'string' ||
      !/^\d+$/.test(v.ts) ||
      !Array.isArray(v.seen) ||
      !v.seen.every((s) => typeof s === 'string')
    ) {
      throw new Error('shape');
    }
    return { ts: BigInt(v.ts), seen: v.seen as string[] };
  } catch {
    throw new InvalidInputError('invalid cursor', [
      { field: 'cursor', message: 'is not a cursor this service issued' },
    ]);
  }
}
