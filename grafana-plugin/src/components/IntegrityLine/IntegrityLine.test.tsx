import { screen, within } from '@testing-library/react';
import { APP_BASE_PATH, PLUGIN_ID, type IntegrityReport } from '@auditlens/contract';
import { renderApp } from '../../../test/support/renderApp';
import { PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { FakeExportService, intactReport, sampleEvents } from '../../../test/support/fakeExportService';
import { testIds } from '../../testIds';
import { integrityText, problemWindow } from './integritySummary';

const at = Date.parse('2026-11-20T10:00:00Z');

function damaged(from: number, to: number): IntegrityReport {
  const base = intactReport('access', from, to, 120);
  return {
    ...base,
    status: 'problems',
    records: { ...base.records, verified: 110, unsigned: 6, altered: 1 },
    gaps: { count: 1, missingRecords: 3 },
    problems: [
      {
        kind: 'gap',
        chainId: 'c1',
        seq: 41,
        toSeq: 43,
        timestamp: `${at}000000`,
        until: `${at + 5000}000000`,
        message: '3 records (seq 41–43) of chain c1 are missing',
      },
      {
        kind: 'altered',
        chainId: 'c1',
        seq: 77,
        timestamp: `${at + 9000}000000`,
        message: 'seq 77 was altered',
      },
    ],
    problemCount: 2,
  };
}

describe('the integrity line of a log page', () => {
  it('says the range verified intact when every record is chained and signed', async () => {
    renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.exporter);
    const line = await screen.findByTestId(testIds.integrityLine);
    expect(
      await within(line).findByText(/Verified: \d+ records in 1 chain, intact and signed\./)
    ).toBeInTheDocument();
  });

  it('names the problems and links to the first one, a minute either side of it', async () => {
    const service = new FakeExportService(sampleEvents(Date.now()));
    service.integrity.set('access', damaged);
    const app = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.exporter, service);
    const line = await screen.findByTestId(testIds.integrityLine);
    expect(
      await within(line).findByText('Integrity problems: 1 gap (3 missing), 1 altered.')
    ).toBeInTheDocument();
    expect(
      within(line).getByText(/First: 3 records \(seq 41–43\) of chain c1 are missing/)
    ).toBeInTheDocument();
    expect(within(line).getByRole('link', { name: 'Show' })).toHaveAttribute(
      'href',
      `${APP_BASE_PATH}/access?from=${at - 60_000}&to=${at + 5000 + 60_000}`
    );
    // Asked through the access read route, for the page's range.
    expect(app.server.proxyCalls()).toContainEqual({ path: 'logs/access/integrity', status: 200 });
    const call = app.server.requests.find((r) => r.url.endsWith('/logs/access/integrity'))!;
    expect(Number(call.params['to']) - Number(call.params['from'])).toBe(24 * 3600_000);
  });
});

describe('integrity summaries', () => {
  it('read as sentences for each status', () => {
    const intact = intactReport('activity', 0, 1, 1200);
    expect(integrityText(intact)).toBe('Verified: 1,200 records in 1 chain, intact and signed.');
    expect(integrityText({ ...intact, status: 'empty' })).toBe('No audit records in this range to verify.');
    expect(
      integrityText({
        ...intact,
        status: 'unsigned',
        records: { ...intact.records, verified: 1180, unsigned: 15, withoutChain: 5 },
      })
    ).toBe(
      'No tampering found: 1,180 of 1,200 records in 1 chain verified and signed; 20 not signed yet (5 without chain fields).'
    );
    expect(
      integrityText({ ...intact, status: 'problems', checkpoints: { ...intact.checkpoints, invalid: 2 } })
    ).toBe('Integrity problems: 2 bad checkpoint signatures.');
    expect(problemWindow({ kind: 'forged', chainId: 'c', message: 'x' })).toBeUndefined();
  });
});

describe('My exports', () => {
  it('shows each export’s verification and links its signed manifest', async () => {
    const service = new FakeExportService([]);
    service.queueExport();
    service.advance('exp-1', { status: 'done', rows: 10, bytes: 900, downloadable: true });
    service.exportIntegrity = {
      'exp-1': { status: 'problems', verified: 9, total: 10, problemCount: 1, sha256: 'ab'.repeat(32) },
    };
    renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const cell = await screen.findByTestId(testIds.exportIntegrity('exp-1'));
    expect(within(cell).getByText('problems')).toBeInTheDocument();
    expect(within(cell).getByRole('link', { name: /Manifest/ })).toHaveAttribute(
      'href',
      `/api/plugin-proxy/${PLUGIN_ID}/exports/exp-1/manifest`
    );
  });
});
