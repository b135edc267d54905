import { DEFAULT_PAGE_BYTES, entryBytes, PageSizer } from './page-sizer';
import type { LokiEntry } from './types';

const entry = (changes: number): LokiEntry => ({
  ts: 1n,
  line: 'jane updated a role',
  labels: { service_name: 'helpdesk', audit_log_type: 'activity' },
  metadata: { audit_event_id: '0190c2a8-7f3e-7a00-8000-000000000001', audit_changes: 'x'.repeat(changes) },
});

describe('PageSizer', () => {
  it('asks for a small first page, then for as many entries as 2 MiB holds at the size seen', () => {
    const sizer = new PageSizer();
    expect(sizer.limit()).toBe(100);
    const large = Array.from({ length: 100 }, () => entry(2000));
    sizer.observe(large);
    expect(sizer.limit()).toBe(Math.floor(DEFAULT_PAGE_BYTES / entryBytes(large[0]!)));
    expect(sizer.limit() * entryBytes(large[0]!)).toBeLessThanOrEqual(DEFAULT_PAGE_BYTES);
    for (let i = 0; i < 20; i++) sizer.observe(Array.from({ length: 10 }, () => entry(10)));
    expect(sizer.limit()).toBe(5000);
  });

  it('takes a larger size at once and a smaller one gradually', () => {
    const sizer = new PageSizer({ maxEntries: 100_000, maxBytes: 1_000_000 });
    sizer.observe([entry(100)]);
    const small = sizer.limit();
    sizer.observe([entry(4000)]);
    const afterLarge = sizer.limit();
    expect(afterLarge).toBe(Math.floor(1_000_000 / entryBytes(entry(4000))));
    sizer.observe([entry(100)]);
    expect(sizer.limit()).toBeGreaterThan(afterLarge);
    expect(sizer.limit()).toBeLessThan(small);
  });

  it('halves the pages for good after a request that got no answer, down to one entry', () => {
    const sizer = new PageSizer({ maxEntries: 5000 });
    sizer.observe([entry(2000)]);
    const before = sizer.limit();
    sizer.shrink();
    expect(sizer.limit()).toBe(Math.floor(before / 2));
    sizer.observe([entry(2000)]);
    expect(sizer.limit()).toBe(Math.floor(before / 2));
    for (let i = 0; i < 20; i++) sizer.shrink();
    expect(sizer.limit()).toBe(1);
  });
});
