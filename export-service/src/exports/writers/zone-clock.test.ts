import { formatInZone, heldZoneClocks, isTimeZone, wallClockDate, ZONE_CLOCKS_KEPT } from './zone-clock';

describe('time zone formatting', () => {
  it('shows the wall-clock time of the zone, across daylight-saving changes', () => {
    expect(formatInZone(new Date('2026-07-01T12:00:00.123Z'), 'Europe/Berlin')).toBe(
      '2026-07-01 14:00:00.123'
    );
    expect(formatInZone(new Date('2026-12-01T12:00:00.000Z'), 'Europe/Berlin')).toBe(
      '2026-12-01 13:00:00.000'
    );
    // Berlin leaves summer time at 01:00 UTC on 25 October 2026.
    expect(formatInZone(new Date('2026-10-25T00:59:59.999Z'), 'Europe/Berlin')).toBe(
      '2026-10-25 02:59:59.999'
    );
    expect(formatInZone(new Date('2026-10-25T01:00:00.000Z'), 'Europe/Berlin')).toBe(
      '2026-10-25 02:00:00.000'
    );
    expect(formatInZone(new Date('2026-03-01T00:30:00.000Z'), 'Asia/Kathmandu')).toBe(
      '2026-03-01 06:15:00.000'
    );
    expect(formatInZone(new Date('2026-03-01T00:30:00.000Z'), 'UTC')).toBe('2026-03-01 00:30:00.000');
  });

  it('gives spreadsheet dates whose UTC fields are the local time', () => {
    expect(wallClockDate(new Date('2026-01-15T08:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-01-15T03:00:00.000Z'
    );
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('keeps a bounded number of clocks however many spellings of zones requests bring', () => {
    const at = new Date('2026-07-01T12:00:00Z');
    // 2^13 spellings of one zone that Intl takes (it ignores case), and UTC offsets.
    const spellings = Array.from({ length: 500 }, (_, i) =>
      [...'Europe/Berlin'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c.toLowerCase())).join('')
    );
    for (const tz of spellings) {
      expect(isTimeZone(tz)).toBe(true);
      expect(formatInZone(at, tz)).toBe('2026-07-01 14:00:00.000');
    }
    for (let minutes = 0; minutes < 300; minutes += 1)
      formatInZone(
        at,
        `+${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
      );
    expect(heldZoneClocks().clocks).toBe(ZONE_CLOCKS_KEPT);
    expect(heldZoneClocks().formatters).toBe(ZONE_CLOCKS_KEPT);
    // A zone dropped and asked for again is made again, and still right.
    expect(formatInZone(at, 'Asia/Kolkata')).toBe('2026-07-01 17:30:00.000');
  });
});
