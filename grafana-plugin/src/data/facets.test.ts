import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import {
  FacetCache,
  apiFacetCounts,
  apiFacetSuggestions,
  facetAnswers,
  type FacetSource,
  type FacetValue,
} from './facets';
import type { AuditLensApi } from '../api/client';

const QUERY = { logType: 'access' as const, field: 'user', from: 1000, to: 2000, filters: {} };

/** A source answering `values` when `answer()` is called (or failing with `fail()`). */
function pendingSource(exact: boolean) {
  let resolve!: (v: readonly FacetValue[]) => void;
  let reject!: (e: unknown) => void;
  const calls: unknown[] = [];
  const source: FacetSource = {
    exact,
    values: (q) => {
      calls.push(q);
      return new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
    },
  };
  return { source, calls, answer: (v: readonly FacetValue[]) => resolve(v), fail: (e: unknown) => reject(e) };
}

describe('facetAnswers', () => {
  it('shows suggestions first, then the exact counts in their place', async () => {
    const fast = pendingSource(false);
    const exact = pendingSource(true);
    const seen = lastValueFrom(facetAnswers([fast.source, exact.source], QUERY).pipe(toArray()));
    fast.answer([{ value: 'omar' }, { value: 'jane' }]);
    await Promise.resolve();
    exact.answer([{ value: 'jane', count: 9 }]);
    expect(await seen).toEqual([
      { values: [{ value: 'omar' }, { value: 'jane' }], exact: false },
      { values: [{ value: 'jane', count: 9 }], exact: true },
    ]);
  });

  it('ignores suggestions that arrive after the exact counts, and a failing suggestion source', async () => {
    const late = pendingSource(false);
    const broken = pendingSource(false);
    const exact = pendingSource(true);
    const seen = lastValueFrom(
      facetAnswers([late.source, broken.source, exact.source], QUERY).pipe(toArray())
    );
    broken.fail(new Error('index down'));
    exact.answer([{ value: 'jane', count: 9 }]);
    await new Promise((r) => setTimeout(r, 0));
    late.answer([{ value: 'omar' }]);
    expect(await seen).toEqual([{ values: [{ value: 'jane', count: 9 }], exact: true }]);
  });

  it('fails when the exact source fails', async () => {
    const exact = pendingSource(true);
    const seen = firstValueFrom(facetAnswers([exact.source], QUERY));
    exact.fail({ status: 502 });
    await expect(seen).rejects.toEqual({ status: 502 });
  });
});

describe('FacetCache', () => {
  it('answers a query again from memory, per range and filters, until the answer is too old', async () => {
    let now = 0;
    const cache = new FacetCache(10, 1000, () => now);
    const load = jest.fn(async () => [{ value: 'jane', count: 1 }]);
    await cache.get(QUERY, load);
    await cache.get({ ...QUERY, filters: {} }, load);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get({ ...QUERY, to: 3000 }, load);
    await cache.get({ ...QUERY, filters: { action: 'login_failed' } }, load);
    expect(load).toHaveBeenCalledTimes(3);
    now = 1000;
    await cache.get(QUERY, load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('forgets a failed answer, and the oldest entries past its size', async () => {
    const cache = new FacetCache(2);
    await expect(cache.get(QUERY, () => Promise.reject(new Error('502')))).rejects.toThrow('502');
    const load = jest.fn(async () => []);
    await cache.get(QUERY, load);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get({ ...QUERY, from: 1 }, load);
    await cache.get({ ...QUERY, from: 2 }, load);
    await cache.get(QUERY, load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});

describe('apiFacetCounts', () => {
  it('asks the facets route with the other filters, once per query', async () => {
    const facets = jest.fn(async () => ({ field: 'user', values: [{ value: 'jane', count: 2 }] }));
    const source = apiFacetCounts({ facets } as unknown as AuditLensApi);
    const q = { ...QUERY, filters: { action: 'login_failed' } };
    expect(await source.values(q)).toEqual([{ value: 'jane', count: 2 }]);
    await source.values(q);
    expect(facets).toHaveBeenCalledTimes(1);
    expect(facets).toHaveBeenCalledWith('access', 'user', 1000, 2000, { action: 'login_failed' }, 'exact');
  });
});

describe('apiFacetSuggestions', () => {
  it("asks for the newest events' values and drops the sample's counts, which are not totals", async () => {
    const facets = jest.fn(async () => ({
      field: 'user',
      values: [
        { value: 'jane', count: 40 },
        { value: 'bob', count: 3 },
      ],
      counts: 'sample' as const,
      sampled: 43,
      complete: false,
    }));
    const source = apiFacetSuggestions({ facets } as unknown as AuditLensApi);
    expect(source.exact).toBe(false);
    expect(await source.values(QUERY)).toEqual([{ value: 'jane' }, { value: 'bob' }]);
    await source.values(QUERY);
    expect(facets).toHaveBeenCalledTimes(1);
    expect(facets).toHaveBeenCalledWith('access', 'user', 1000, 2000, {}, 'suggest');
  });
});
