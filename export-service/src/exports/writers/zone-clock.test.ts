import { formatInZone, isTimeZone, wallClockDate } from './zone-clock';

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
});
