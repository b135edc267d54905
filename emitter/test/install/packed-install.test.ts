import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lokiForTests, type LokiTarget } from '@auditlens/testkit';
import { OtlpSink, kv } from '../support/otlp-sink';
import { readAll } from '../support/loki-query';

// What a user gets: `npm pack` of contract and emitter, installed into a fresh express app outside this
// repository and its lockfile, with whatever versions the npm registry resolves today. Slow (an npm install
// from the registry, through the npm cache): a few tens of seconds.

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..', '..');

interface NpmLsNode {
  version?: string;
  dependencies?: Record<string, NpmLsNode>;
}

/** Every version of every `@opentelemetry/*` package in an `npm ls --all --json` tree. */
function openTelemetryVersions(tree: NpmLsNode): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const walk = (node: NpmLsNode): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (name.startsWith('@opentelemetry/') && child.version) {
        found.set(name, (found.get(name) ?? new Set()).add(child.version));
      }
      walk(child);
    }
  };
  walk(tree);
  return found;
}

// An express app that records a login through the installed emitter, then prints its stats.
const APP = `
const express = require('express');
const { createAuditEmitter, requestContext } = require('@auditlens/emitter');
const audit = createAuditEmitter({ serviceName: process.env.SERVICE_NAME, endpoint: process.env.ENDPOINT });
const app = express();
app.post('/login', (req, res) => {
  audit.access({
    user: { id: 'u-1', name: 'installed-user' },
    action: 'login',
    portal: 'agent',
    loginSource: 'form',
    ...requestContext(req),
  });
  res.sendStatus(204);
});
const server = app.listen(0, '127.0.0.1', async () => {
  const answer = await fetch('http://127.0.0.1:' + server.address().port + '/login', { method: 'POST' });
  await audit.shutdown();
  server.close();
  console.log(JSON.stringify({ status: answer.status, stats: audit.stats() }));
});
`;

describe('the emitter installed from its npm pack into a fresh express app', () => {
  let dir: string;
  let app: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'auditlens-install-'));
    const tarballs = join(dir, 'tarballs');
    app = join(dir, 'app');
    mkdirSync(tarballs);
    mkdirSync(app);
    const { stdout } = await run(
      'npm',
      ['pack', '-w', 'contract', '-w', 'emitter', '--pack-destination', tarballs, '--json', '--silent'],
      { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }
    );
    const packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>).map((p) =>
      join(tarballs, p.filename)
    );
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'fresh-express-app', version: '1.0.0', private: true })
    );
    writeFileSync(join(app, 'app.js'), APP);
    // No lockfile: npm resolves every range against the registry, preferring what its cache already has.
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed, 'express@5'], {
      cwd: app,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has one version of each @opentelemetry package', async () => {
    const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
    const versions = openTelemetryVersions(JSON.parse(stdout) as NpmLsNode);
    expect(versions.get('@opentelemetry/sdk-logs')).toBeDefined();
    const duplicated = [...versions]
      .filter(([, v]) => v.size > 1)
      .map(([n, v]) => `${n}: ${[...v].join(', ')}`);
    expect(duplicated).toEqual([]);
  });

  it('delivers an event recorded in a request handler', async () => {
    const serviceName = `installed-${Date.now()}`;
    const from = new Date(Date.now() - 60_000);
    const loki: LokiTarget = await lokiForTests('emitter installed from npm pack');
    const sink = loki.kind === 'real' ? undefined : await OtlpSink.start();
    try {
      const endpoint = loki.kind === 'real' ? `${loki.url}/otlp` : sink!.endpoint;
      const { stdout } = await run('node', ['app.js'], {
        cwd: app,
        env: { ...process.env, SERVICE_NAME: serviceName, ENDPOINT: endpoint },
      });
      expect(JSON.parse(stdout)).toEqual({
        status: 204,
        stats: { recorded: 1, rejected: 0, dropped: 0, exported: 1, failed: 0 },
      });
      if (loki.kind === 'real') {
        const entries = await readAll(
          loki.url,
          `{service_name="${serviceName}", audit_log_type="access"}`,
          from
        );
        expect(entries.map((e) => e.labels['user_name'])).toEqual(['installed-user']);
        expect(entries[0]!.labels['client_address']).toMatch(/127\.0\.0\.1/);
      } else {
        const records = sink!.records();
        expect(records.map((r) => kv(r.record.attributes)['user.name'])).toEqual(['installed-user']);
        expect(records[0]!.resource).toMatchObject({
          'service.name': serviceName,
          'audit.log_type': 'access',
        });
      }
    } finally {
      await sink?.stop();
      await loki.release();
    }
  }, 60_000);
});
