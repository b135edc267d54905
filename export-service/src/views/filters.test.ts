import { BadRequestError } from '../http/errors';
import { FILTERS } from './filters';
import { parseInput } from '../http/parse';

const parseFilters = (logType: keyof typeof FILTERS, filters: unknown) =>
  parseInput(FILTERS[logType], filters, 'invalid filters');

describe('filters', () => {
  it("keeps the log type's filters and the free text, without empty values", () => {
    expect(parseFilters('access', { user: 'jane', portal: '', q: 'vpn' })).toEqual({
      user: 'jane',
      q: 'vpn',
    });
  });

  it('rejects filters the log type does not have, naming each', () => {
    expect(() => parseFilters('webhook_failure', { user: 'x', portal: 'y' })).toThrow(BadRequestError);
    try {
      parseFilters('webhook_failure', { user: 'x', portal: 'y' });
    } catch (e) {
      expect((e as BadRequestError).issues.map((i) => i.field)).toEqual(['user', 'portal']);
    }
  });

  it('rejects non-string and over-long values', () => {
    expect(() => parseFilters('access', { user: ['a', 'b'] })).toThrow(/invalid filters/);
    expect(() => parseFilters('access', { user: 'x'.repeat(513) })).toThrow(/invalid filters/);
    expect(parseFilters('access', { user: 'x'.repeat(512) })).toEqual({ user: 'x'.repeat(512) });
  });
});
