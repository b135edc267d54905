import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announce, hasPostgres, startPostgres, type PostgresServer } from '@auditlens/testkit';
import type { JobStore } from '../../src/exports/store/job-store';
import { SqlJobStore, type JobStoreOptions } from '../../src/exports/store/sql-job-store';

/** The stores a shared suite runs against. */
export type StoreKind = 'sqlite' | 'postgres';

/** What a test of a shared store suite gets. */
export interface StoreContext {
  readonly kind: StoreKind;
  /**
   * Opens a store on this test's database (a fresh one per test); each call is another process's view of the
   * same jobs, as replicas have. Stores are closed after the test.
   */
  open(options?: JobStoreOptions): Promise<JobStore>;
}

/**
 * Runs `suite` once per store: SQLite always, Postgres with a real server (`@auditlens/testkit`'s
 * `startPostgres`) when its binaries are installed, else skipped with a message saying so.
 */
export function describeEachStore(title: string, suite: (ctx: StoreContext) => void): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const available = kind === 'sqlite' || hasPostgres();
    if (!available)
      announce(
        `${title} on Postgres: skipped, no Postgres binaries (apt-get install postgresql or PG_BIN_DIR)`
      );
    (available ? describe : describe.skip)(`${title} (${kind})`, () => {
      suite(storeContext(kind, title));
    });
  }
}

let databases = 0;

function storeContext(kind: StoreKind, title: string): StoreContext {
  let server: PostgresServer | undefined;
  let target: string | undefined;
  let opened: JobStore[] = [];
  if (kind === 'postgres') {
    beforeAll(async () => {
      server = await startPostgres(`${title} (postgres)`);
    }, 120_000);
    afterAll(async () => {
      await server?.dispose();
    });
  }
  beforeEach(async () => {
    target =
      kind === 'sqlite'
        ? join(await mkdtemp(join(tmpdir(), 'auditlens-store-')), 'jobs.sqlite')
        : await server!.createDatabase(`jobs_${process.pid}_${++databases}`);
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
    if (kind === 'sqlite' && target) await rm(join(target, '..'), { recursive: true, force: true });
  });
  return {
    kind,
    async open(options = {}) {
      if (!target) throw new Error('describeEachStore: no test is running');
      const store = await SqlJobStore.open(
        kind === 'sqlite' ? { dialect: 'sqlite', file: target } : { dialect: 'postgres', url: target },
        options
      );
      opened.push(store);
      return store;
    },
  };
}
