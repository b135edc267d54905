// The built plugin in headless Chromium (Debian's), loaded by the harness the way Grafana 13 loads it, with the
// modules Grafana 13 shares: check that the bundle asks only for those and reads only exports they have, render
// every page and the config page in both themes without an error, follow the user's language, click a filter,
// open the export dialog, queue an export, read the overview, an event's details, an export's progress and a new
// install's empty pages, save screenshots of each step, run axe-core on every page in both themes, and use the
// pages by keyboard alone.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { APP_BASE_PATH, LOG_TYPES, PLUGIN_ID, type ExportJob } from '@auditlens/contract';
import type { GrafanaAlert } from '../../src/api/alerting';
import { ROUTES, prefixRoute } from '../../src/constants';
import { readBundleImports } from '../support/bundleImports';
import { V5_USAGE_WARNING } from '../support/grafanaSharedModules';
import type { HarnessOptions } from './harness';
import { axeViolations, blocking, type AxeViolation } from './axe';

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

/**
 * Console errors that are no error of the app: a file the harness does not serve (Grafana's fonts, icons
 * @grafana/ui does not ship; the browser logs each 404), and @grafana/runtime's note that the harness page has
 * no `window.grafanaBootData` (the harness sets `config` after start instead).
 */
const HARNESS_NOISE = [
  /^Failed to load resource: the server responded with a status of 404/,
  /grafanaBootData/,
];

async function open(path: string, options: HarnessOptions): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  // Uncaught errors, and what React logs for an error a boundary caught ("Element type is invalid" and the like).
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' && !HARNESS_NOISE.some((noise) => noise.test(text))) errors.push(text);
    // Scenes needs the plugin to set up its translations; without that it warns (or throws in development).
    if (text.includes('i18n was initialized')) errors.push(text);
    // Grafana's loader reports a plugin's call of a react-router-dom export that v6 removes.
    if (text.includes(V5_USAGE_WARNING)) errors.push(text);
  });
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

/**
 * Reads of an export that Grafana 13's copy of a shared module lacks, which never run, each with the reason. The
 * test fails when one is no longer read, so the list stays true.
 */
const UNREACHABLE_READS: ReadonlyArray<{ module: string; name: string; why: string }> = [
  {
    module: 'i18next',
    name: 'keyFromSelector',
    why:
      'react-i18next (bundled with @grafana/i18n) calls it only for a key given as a selector function (`i18nKey` ' +
      'or `keyPrefix`); @grafana/i18n, scenes and the app pass strings. Grafana shares its i18next instance, ' +
      'which has no such member (a module export of the i18next build Grafana bundles).',
  },
];

it('asks Grafana 13 only for modules it shares, and reads only exports Grafana 13’s copies have', async () => {
  const bundle = readBundleImports(join(ROOT, 'dist'));
  const { page } = await open(`${APP_BASE_PATH}/getting-started`, { permissions: 'admin', theme: 'dark' });
  await page.waitForFunction(() => window.__auditlensSharedExports !== undefined);
  const shared = await page.evaluate((names) => window.__auditlensSharedExports!(names), bundle.requested);
  expect(Object.entries(shared).filter(([, exports]) => typeof exports === 'string')).toEqual([]);
  const missing = new Set(
    [...bundle.reads].flatMap(([module, reads]) =>
      reads
        .filter((read) => !read.featureDetected && !(shared[module] as string[]).includes(read.name))
        .map((read) => `${module}: ${read.name}`)
    )
  );
  const unreachable = UNREACHABLE_READS.map((u) => `${u.module}: ${u.name}`);
  expect([...missing].filter((m) => !unreachable.includes(m))).toEqual([]);
  expect(unreachable.filter((u) => !missing.has(u))).toEqual([]);
  await page.close();
}, 60_000);

it('follows the user’s language: Grafana’s i18next, set to it, translates the scenes the app bundles', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/access`, {
    permissions: 'viewer',
    theme: 'dark',
    language: 'de-DE',
  });
  await page.getByTestId('auditlens-log-table').waitFor();
  // Scenes' refresh picker, in scenes' own de-DE strings (components.scene-refresh-picker.text-refresh).
  await page.getByRole('button', { name: 'Aktualisieren', exact: true }).waitFor();
  expect(await page.getByRole('button', { name: 'Refresh', exact: true }).count()).toBe(0);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

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

/** An alert instance as Grafana's evaluator holds it for the provisioned user rule, firing two minutes ago. */
function firingUserAlert(user: string): GrafanaAlert {
  return {
    labels: {
      alertname: 'Repeated login failures (user)',
      grafana_folder: 'AuditLens',
      severity: 'warning',
      source: 'auditlens',
      user_name: user,
    },
    annotations: { summary: `User ${user} failed to log in 7 times in 5 minutes` },
    state: 'Alerting',
    activeAt: new Date(Date.now() - 120_000).toISOString(),
    value: '7e+00',
  };
}

it('shows the overview an ops team opens: a chart per type, who fails to log in, failing webhooks, alerts firing', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/overview`, {
    permissions: 'exporter',
    theme: 'dark',
    alerts: [firingUserAlert('omar')],
  });
  const tiles = page.locator('[data-testid^="auditlens-tile-"]');
  await page
    .getByTestId('auditlens-top-integration-failures-integration')
    .getByRole('link', { name: 'Slack' })
    .waitFor();
  expect(await tiles.count()).toBe(4);
  // Grafana's time series panel draws each type's events on a canvas.
  for (let i = 0; i < 4; i++)
    await tiles.nth(i).locator('[data-plugin-id="timeseries"] canvas').first().waitFor();
  const users = page.getByTestId('auditlens-top-access-user');
  expect(await users.getByRole('listitem').allInnerTexts()).toEqual(['jane\n13', 'omar\n13', 'li\n12']);
  const webhooks = page.getByTestId('auditlens-top-webhook-failures-webhook');
  expect(await webhooks.getByRole('link').allInnerTexts()).toEqual(['Billing sync', 'CRM push']);
  const alert = page.getByTestId('auditlens-firing-alerts').getByRole('link', {
    name: 'User omar failed to log in 7 times in 5 minutes',
  });
  await alert.waitFor();
  await page.waitForTimeout(300);
  await shot(page, '9-overview-ops');

  // The alert leads to the failed logins behind it.
  await alert.click();
  await page.waitForURL(/\/access\?.*action=login_failed.*user=omar/);
  await page.getByTestId('auditlens-log-table').waitFor();
  const cells = await page
    .locator('[data-testid="auditlens-log-table"] tbody tr td:nth-child(4)')
    .allInnerTexts();
  expect(cells.length).toBeGreaterThan(0);
  expect(new Set(cells)).toEqual(new Set(['Failed login']));
  await shot(page, '10-alert-to-failed-logins', false);
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

it('reads an event in the words of the table, and its link opens the event for someone else', async () => {
  // Both pages hold the same events, as Loki would.
  const now = Date.now();
  const { page, errors } = await open(`${APP_BASE_PATH}/access`, {
    permissions: 'viewer',
    theme: 'dark',
    now,
  });
  await page.getByTestId('auditlens-log-table').waitFor();
  await page
    .getByRole('button', { name: /^Details of omar/ })
    .first()
    .click();
  const drawer = page.getByTestId('auditlens-event-drawer');
  const fields = drawer.getByRole('table', { name: 'Event fields' });
  await fields.waitFor();
  expect(await fields.getByRole('rowheader').allInnerTexts()).toEqual([
    'Event ID',
    'Time (UTC)',
    'Username',
    'IP address',
    'Action',
    'Brand',
    'Portal',
    'Login source',
    'Outcome',
  ]);
  expect(await drawer.getByText('user_name', { exact: true }).count()).toBe(0);
  // Loki's names, folded away, open from the keyboard.
  await drawer.getByRole('button', { name: 'All fields' }).focus();
  await page.keyboard.press('Enter');
  const raw = drawer.getByRole('table', { name: 'All fields by Loki name' });
  await raw.getByText('user_name', { exact: true }).waitFor();
  await page.waitForTimeout(600);
  await shot(page, '11-drawer-labels', false);

  const link = await drawer.getByTestId('auditlens-event-link').getAttribute('href');
  const id = await fields.getByRole('row').first().locator('td').innerText();
  expect(link).toMatch(new RegExp(`^${base}${APP_BASE_PATH}/access\\?from=\\d+&to=\\d+&event=${id}$`));
  await page.close();

  // Someone else opens the link: the event's millisecond, its details open.
  const other = await open(link!.slice(base.length), { permissions: 'viewer', theme: 'light', now });
  const opened = other.page.getByTestId('auditlens-event-drawer');
  await opened.getByRole('table', { name: 'Event fields' }).waitFor();
  expect(await opened.getByRole('row').first().locator('td').innerText()).toBe(id);
  expect(await other.page.locator('[data-testid="auditlens-log-table"] tbody tr').count()).toBe(1);
  await other.page.waitForTimeout(600);
  await shot(other.page, '12-event-link-opened', false);
  expect([...errors, ...other.errors]).toEqual([]);
  await other.page.close();
}, 90_000);

it('shows how far a running export has come, of the service’s estimate, live', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/access`, { permissions: 'exporter', theme: 'dark' });
  await page.getByTestId('auditlens-log-table').waitFor();
  await page.getByTestId('auditlens-export-button').click();
  const dialog = page.getByTestId('auditlens-export-dialog');
  await dialog.getByRole('button', { name: /Export and email/ }).click();
  await dialog.getByRole('link', { name: 'My exports' }).click();
  const row = page.getByTestId('auditlens-export-exp-1');
  await row.getByText('queued').waitFor();
  const advance = (change: object) =>
    page.evaluate(
      (c) =>
        (
          window as unknown as { __auditlens: { service: { advance(id: string, c: object): void } } }
        ).__auditlens.service.advance('exp-1', c),
      change
    );
  await advance({ status: 'running', rows: 12000, estimatedRows: 48000 });
  // The list asks again every 3 seconds while the export runs.
  await row.getByText('of about 48,000').waitFor({ timeout: 15_000 });
  expect(await row.getByRole('progressbar').getAttribute('value')).toBe('25');
  await shot(page, '13-export-progress');
  await advance({ status: 'done', rows: 47890, bytes: 3_100_000, downloadable: true });
  await row.getByRole('link', { name: /Download/ }).waitFor({ timeout: 15_000 });
  expect(await row.getByRole('progressbar').count()).toBe(0);
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

it('tells a new install how events get here, on empty pages and from the config page', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/overview`, {
    permissions: 'admin',
    theme: 'dark',
    events: 'none',
  });
  const start = page.getByTestId('auditlens-getting-started');
  await start.getByText('No audit events in this time range yet').waitFor();
  expect(await start.getByLabel('Emitter example').innerText()).toContain(
    "createAuditEmitter({ serviceName: 'helpdesk'"
  );
  await page.waitForTimeout(300);
  await shot(page, '14-empty-overview');
  await page.goto(`${base}${APP_BASE_PATH}/access`);
  await page.getByTestId('auditlens-empty').getByText('No access logs in this time range').waitFor();
  await page.goto(`${base}/plugins/${PLUGIN_ID}`);
  await page.getByRole('link', { name: 'How events get into AuditLens' }).click();
  await page.waitForURL(`${base}${APP_BASE_PATH}/getting-started`);
  await page.getByTestId('auditlens-getting-started').getByLabel('Demo producer command').waitFor();
  await shot(page, '15-getting-started');
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

/** An export of the access logs of the last day, as the service lists it. */
function exportJob(id: string, change: Partial<ExportJob>): ExportJob {
  const now = new Date().toISOString();
  return {
    id,
    logType: 'access',
    format: 'csv',
    from: new Date(Date.now() - 86_400_000).toISOString(),
    to: now,
    filters: {},
    timezone: 'UTC',
    status: 'queued',
    rows: 0,
    bytes: 0,
    error: null,
    createdAt: now,
    updatedAt: now,
    downloadable: false,
    nextAttemptAt: null,
    expiresAt: null,
    ...change,
  };
}

/**
 * Pages (and states of them) rendered in both themes and checked for errors and by axe-core, each with what shows
 * that it is ready: every route of the app, its root (which leads to the overview) and the config page.
 */
const A11Y_VISITS: ReadonlyArray<{
  readonly name: string;
  readonly path: string;
  readonly options?: Partial<HarnessOptions>;
  readonly ready: (page: Page) => Promise<unknown>;
}> = [
  {
    name: 'overview',
    path: `${APP_BASE_PATH}/overview`,
    options: { alerts: [firingUserAlert('omar')] },
    ready: (p) => p.getByTestId('auditlens-top-access-user').getByRole('link').first().waitFor(),
  },
  {
    name: 'the app’s root, which leads to the overview',
    path: APP_BASE_PATH,
    ready: async (p) => {
      await p.waitForURL(new RegExp(`${prefixRoute(ROUTES.overview)}\\?`));
      await p.getByTestId('auditlens-top-access-user').getByRole('link').first().waitFor();
    },
  },
  ...LOG_TYPES.map((logType) => ({
    name: ROUTES.logType(logType),
    path: prefixRoute(ROUTES.logType(logType)),
    ready: async (p: Page) => {
      await p.getByTestId('auditlens-log-table').waitFor();
      await p.getByTestId('auditlens-chart').locator('canvas').first().waitFor();
    },
  })),
  {
    name: 'access with the event drawer and all fields open',
    path: `${APP_BASE_PATH}/access`,
    ready: async (p) => {
      await p
        .getByRole('button', { name: /^Details of / })
        .first()
        .click();
      await p.getByTestId('auditlens-event-drawer').getByText('All fields').click();
      await p.getByRole('table', { name: 'All fields by Loki name' }).waitFor();
      await p.waitForTimeout(600);
    },
  },
  {
    name: 'access with the export dialog open',
    path: `${APP_BASE_PATH}/access?user=omar`,
    ready: async (p) => {
      await p.getByTestId('auditlens-log-table').waitFor();
      await p.getByTestId('auditlens-export-button').click();
      await p.getByTestId('auditlens-export-dialog').waitFor();
    },
  },
  {
    name: 'my exports, one running and one done',
    path: `${APP_BASE_PATH}/exports`,
    options: {
      exports: [
        exportJob('exp-2', { status: 'running', rows: 1200, estimatedRows: 4800 }),
        exportJob('exp-1', { status: 'done', rows: 40, bytes: 2048, downloadable: true }),
      ],
    },
    ready: (p) => p.getByRole('progressbar').waitFor(),
  },
  {
    name: 'my exports, none yet',
    path: `${APP_BASE_PATH}/exports`,
    ready: (p) => p.getByText('No exports yet', { exact: false }).waitFor(),
  },
  {
    name: 'empty overview',
    path: `${APP_BASE_PATH}/overview`,
    options: { events: 'none' },
    ready: (p) => p.getByTestId('auditlens-getting-started').waitFor(),
  },
  {
    name: 'getting started',
    path: `${APP_BASE_PATH}/getting-started`,
    ready: (p) => p.getByTestId('auditlens-getting-started').waitFor(),
  },
  {
    name: 'configuration',
    path: `/plugins/${PLUGIN_ID}`,
    ready: (p) => p.getByTestId('auditlens-permission-matrix').waitFor(),
  },
  {
    name: 'no access',
    path: `${APP_BASE_PATH}/activity`,
    options: { permissions: 'accessOnly' },
    ready: (p) => p.getByText('You need the View audit logs permission').waitFor(),
  },
];

it('visits every route of the app, its root and the config page', () => {
  const pages = new Set(A11Y_VISITS.map((v) => v.path.split('?')[0]));
  const routes = [ROUTES.overview, ...LOG_TYPES.map(ROUTES.logType), ROUTES.exports, ROUTES.gettingStarted];
  expect(routes.map(prefixRoute).filter((path) => !pages.has(path))).toEqual([]);
  expect(pages).toContain(APP_BASE_PATH);
  expect(pages).toContain(`/plugins/${PLUGIN_ID}`);
});

it('renders every page in both themes without an error, with no serious or critical axe-core violation', async () => {
  const found: Array<{ visit: string; theme: string; violations: AxeViolation[] }> = [];
  for (const theme of ['light', 'dark'] as const)
    for (const visit of A11Y_VISITS) {
      const { page, errors } = await open(visit.path, { permissions: 'admin', theme, ...visit.options });
      await visit.ready(page);
      found.push({ visit: visit.name, theme, violations: await axeViolations(page) });
      expect(errors).toEqual([]);
      await page.close();
    }
  // The figures, for the record: every violation by page, theme and impact.
  console.log(
    found
      .map(
        (f) =>
          `${f.theme.padEnd(5)} ${f.visit.padEnd(50)} ${
            f.violations.map((v) => `${v.id} (${v.impact}, ${v.targets.length} shown)`).join(', ') || 'none'
          }`
      )
      .join('\n')
  );
  expect(
    found.flatMap((f) => blocking(f.violations).map((v) => ({ ...v, visit: f.visit, theme: f.theme })))
  ).toEqual([]);
}, 300_000);

/** Presses Tab until the focused element matches, and fails when it never does. */
async function tabTo(page: Page, what: string, matches: (el: { label: string; role: string }) => boolean) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    // The focused element's name, roughly as assistive technology computes it.
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLInputElement | null;
      if (!a) return { label: '', role: '' };
      const labelledBy = a.getAttribute('aria-labelledby');
      const label =
        a.getAttribute('aria-label') ??
        (labelledBy ? document.getElementById(labelledBy)?.innerText : undefined) ??
        a.labels?.[0]?.innerText ??
        (['BUTTON', 'A'].includes(a.tagName) ? a.innerText : '');
      const role = a.getAttribute('role') ?? (a.type === 'radio' ? 'radio' : a.tagName.toLowerCase());
      return { label: label.trim(), role };
    });
    if (matches(el)) return;
  }
  throw new Error(`${what} is not reachable with Tab`);
}

it('can be used by keyboard alone: filters, search, chart split, export, rows and their details', async () => {
  const { page, errors } = await open(`${APP_BASE_PATH}/access`, { permissions: 'exporter', theme: 'dark' });
  await page.getByTestId('auditlens-log-table').waitFor();
  const calls = () =>
    page.evaluate(() =>
      (
        window as unknown as {
          __auditlens: { server: { requests: Array<{ url: string; params: Record<string, string> }> } };
        }
      ).__auditlens.server.requests.map((r) => ({ url: r.url, params: r.params }))
    );

  await tabTo(page, 'the Username filter', (el) => el.label === 'Username');
  await page.keyboard.type('omar');
  await page.getByRole('option', { name: /^omar/ }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]user=omar/);

  await tabTo(page, 'the text search', (el) => el.label === 'Search text');
  await page.keyboard.type('failed to log in');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=failed/);

  await tabTo(page, 'the Export button', (el) => el.label === 'Export');
  await page.keyboard.press('Enter');
  await page.getByTestId('auditlens-export-dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('auditlens-export-dialog').waitFor({ state: 'detached' });

  await tabTo(page, 'the chart’s split', (el) => el.role === 'radio' && el.label === 'By action');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() =>
    (
      window as unknown as {
        __auditlens: { server: { requests: Array<{ params: Record<string, string> }> } };
      }
    ).__auditlens.server.requests.some((r) => r.params['by'] === 'outcome')
  );

  await tabTo(page, 'a row’s details', (el) => el.label.startsWith('Details of omar failed to log in'));
  await page.keyboard.press('Enter');
  const drawer = page.getByTestId('auditlens-event-drawer');
  await drawer.waitFor();
  await tabTo(page, 'the drawer’s Copy link', (el) => el.label === 'Copy link');
  await tabTo(page, 'the drawer’s All fields', (el) => el.label === 'All fields');
  await page.keyboard.press('Enter');
  await drawer.getByRole('table', { name: 'All fields by Loki name' }).waitFor();
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'detached' });

  const byOutcome = (await calls()).filter(
    (c) => c.url.endsWith('/logs/access/stats') && c.params['by'] === 'outcome'
  );
  expect(byOutcome.at(-1)!.params).toMatchObject({ user: 'omar', q: 'failed to log in' });
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);
