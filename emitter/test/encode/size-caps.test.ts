import { capJson } from '../../src/encode/size-caps';

describe('capJson', () => {
  it('keeps small values as they are and large ones under the cap, still valid JSON', () => {
    expect(capJson({ a: 1 }, 100)).toBe('{"a":1}');
    const big = { text: 'ü'.repeat(50_000) };
    const out = capJson(big, 1000);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1000);
    expect(JSON.parse(out)).toMatchObject({ truncated: true });
  });
});
