import { uuidv7 } from '../../src/encode/event-id';

describe('uuidv7', () => {
  it('lays out an RFC 9562 version 7 UUID with the time in its first 48 bits', () => {
    const ms = Date.parse('2026-11-24T10:00:00.123Z');
    const id = uuidv7(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('is unique across many ids in one millisecond, and sorts by time', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidv7(1_700_000_000_001) > uuidv7(1_700_000_000_000)).toBe(true);
    expect(uuidv7(0).startsWith('00000000-0000-7')).toBe(true);
  });
});
