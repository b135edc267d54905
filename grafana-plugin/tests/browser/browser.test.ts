// The built plugin in headless Chromium (Debian's), with Grafana's runtime stood in at the boundary by the
// harness: click a filter, open the export dialog, queue an export, and save screenshots of each step.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { APP_BASE_PATH, PLUGIN_ID } from '@auditlens/contract';
import type { HarnessOptions } from './harness';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, '..', 'test-artifacts', 'browser');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let browser: Browser;
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { startStaticServer } = await import('./staticServer');
  ({ url: base, server } = await startStaticServer(join(ROOT, 'dist'), join(ROOT, '.browser-build')));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function open(path: string, options: HarnessOptions): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Scenes needs the plugin to set up its translations; without that it warns (or throws in development).
  page.on('console', (m) => m.text().includes('i18n was initialized') && errors.push(m.text()));
  await page.addInitScript((o) => {
    (window as unknown as { __AUDITLENS_HARNESS__: unknown }).__AUDITLENS_HARNESS__ = o;
  }, options);
  await page.goto(`${base}${path}`);
  return { page, errors };
}

/** Saves a screenshot; overlays (dialog, drawer) are shot at viewport size, where their backdrop is. */
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
const proxyCalls = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as {
        __auditlens: { server: { proxyCalls(): Array<{ path: string; status: number }> } };
      }
    ).__auditlens.server.proxyCalls()
  );

it('filters access logs by a facet, in the URL, and queues an export from the dialog', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/access`, { permissions: 'exporter', theme: 'dark' });
  const table = page.getByTestId('auditlens-log-table');
  await table.waitFor();
  expect(await table.locator('tbody tr').count()).toBe(100);
  await shot(page, '1-access-dark');

  await page.getByLabel('Username').click();
  await page.getByRole('option', { name: /^omar/ }).click();
  await page.waitForURL(/[?&]user=omar/);
  await page.waitForFunction(() => {
    const cells = [
      ...document.querySelectorAll('[data-testid="auditlens-log-table"] tbody tr td:nth-child(2)'),
    ];
    return cells.length > 0 && cells.every((c) => c.textContent === 'omar');
  });
  await shot(page, '2-access-filtered-by-user');

  await page.getByTestId('auditlens-export-button').click();
  const dialog = page.getByTestId('auditlens-export-dialog');
  await dialog.waitFor();
  expect(await dialog.getByRole('list', { name: 'Filters of the export' }).innerText()).toContain(
    'Username: omar'
  );
  await dialog.getByLabel('XLSX').check();
  await shot(page, '3-export-dialog', false);
  await dialog.getByRole('button', { name: /Export and email/ }).click();
  await dialog.getByText('Export queued').waitFor();
  await shot(page, '4-export-queued', false);

  const calls = await proxyCalls(page);
  expect(calls.every((c) => c.status < 400)).toBe(true);
  expect(calls.map((c) => c.path)).toEqual(
    expect.arrayContaining(['logs/access/facets', 'logs/access/export-grants', 'exports'])
  );
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

it('opens an activity event’s drawer with the before/after diff, in the light theme', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/activity`, { permissions: 'viewer', theme: 'light' });
  await page.getByTestId('auditlens-log-table').waitFor();
  // Keyboard first: the row's button opens with Enter, Escape closes the drawer.
  await page.getByRole('button', { name: 'Details of jane changed Policy 0' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('auditlens-event-drawer').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('auditlens-event-drawer').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Details of jane changed Policy 0' }).click();
  const drawer = page.getByTestId('auditlens-event-drawer');
  await drawer.waitFor();
  expect(await drawer.getByRole('table', { name: 'Changes' }).innerText()).toMatch(/enabled\s+true\s+false/);
  // The drawer slides in; let it settle so the screenshot shows it whole.
  await page.waitForTimeout(600);
  await shot(page, '5-activity-drawer-light', false);
  expect(await page.getByTestId('auditlens-export-button').count()).toBe(0);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

it('shows the overview tiles a user may read, and the permission page elsewhere', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/overview`, {
    permissions: 'accessOnly',
    theme: 'dark',
  });
  await page
    .getByTestId('auditlens-tile-access')
    .getByRole('link', { name: /^\d+ failed logins$/ })
    .waitFor();
  expect(await page.locator('[data-testid^="auditlens-tile-"]').count()).toBe(1);
  await shot(page, '6-overview-access-only');
  await page.goto(`${base}${APP_BASE_PATH}/activity`);
  await page.getByText('You need the View audit logs permission').waitFor();
  await shot(page, '7-no-access');
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

it('tests the connection from the config page', async () => {
  const { page, errors } = await open(`/plugins/${PLUGIN_ID}`, { permissions: 'admin', theme: 'dark' });
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText('Connection works').waitFor();
  await shot(page, '8-config-connection');
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);
