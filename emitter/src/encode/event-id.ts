import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));
// Random bytes are drawn in bulk: one randomFillSync per 512 ids instead of one per id.
const POOL = Buffer.alloc(10 * 512);
let offset = POOL.length;

// The 48 time bits change once a millisecond, while a busy service makes hundreds of ids in one: their hex is
// kept until the clock moves on.
let prefixMs = -1;
let prefix = '';

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, variant 10, and 74 random bits.
 * Written out here because it is on every call's path: about four times cheaper than `uuid`'s v7,
 * which the emitter's benchmark showed to be a quarter of a call's cost.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs !== prefixMs) {
    prefixMs = nowMs;
    const high = Math.floor(nowMs / 0x10000); // upper 32 of the 48 time bits
    const low = nowMs % 0x10000;
    prefix =
      HEX[(high >>> 24) & 0xff]! +
      HEX[(high >>> 16) & 0xff]! +
      HEX[(high >>> 8) & 0xff]! +
      HEX[high & 0xff]! +
      '-' +
      HEX[low >>> 8]! +
      HEX[low & 0xff]! +
      '-';
  }
  if (offset + 10 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const r = offset;
  offset += 10;
  return (
    prefix +
    HEX[0x70 | (POOL[r]! & 0x0f)]! +
    HEX[POOL[r + 1]!]! +
    '-' +
    HEX[0x80 | (POOL[r + 2]! & 0x3f)]! +
    HEX[POOL[r + 3]!]! +
    '-' +
    HEX[POOL[r + 4]!]! +
    HEX[POOL[r + 5]!]! +
    HEX[POOL[r + 6]!]! +
    HEX[POOL[r + 7]!]! +
    HEX[POOL[r + 8]!]! +
    HEX[POOL[r + 9]!]!
  );
}
