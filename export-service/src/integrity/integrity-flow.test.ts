// The integrity features as users meet them: the verification route under a log type's read route (also through
// the Grafana double's plugin proxy), the export mail with its verification and signed manifest, the offline
// CLI, and the routes of "My exports".
import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import {
  PLUGIN_ID,
  type ExportIntegrityResponse,
  type ExportManifest,
  type IntegrityReport,
  type SigningKeyResponse,
} from '@auditlens/contract';
import type { NewExport } from '../db/job-store';
import { ExportRunner } from '../jobs/export-runner';
import { SmtpMailer } from '../mail/mailer';
import { SmtpInbox } from '@auditlens/testkit';
import { startHarness, SECRET, type Harness } from '../../test/support/harness';
import { buildChain, type FixtureKey } from '../../test/support/chain-fixture';
import { main as verifyCli } from '../cli/verify-export';
import { ExportManifests } from './export-manifests';
import { KeyRing } from './key-ring';
import { RangeVerifications } from './range-verifications';
import { serviceSigningKey } from './service-key';

const T = Date.parse('2026-11-20T10:00:00Z');
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const producer = generateKeyPairSync('ed25519');
const key: FixtureKey = { keyId: 'helpdesk-2026', privateKey: producer.privateKey };
const ring = new KeyRing(new Map([[key.keyId, { key: producer.publicKey, services: ['helpdesk'] }]]));
const serviceKey = serviceSigningKey(generateKeyPairSync('ed25519').privateKey);
const jane = { uid: 'u-jane', login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' };
const as = (login: string) => ({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': login });

describe('integrity for the app and exports', () => {
  let h: Harness;
  let manifests: ExportManifests;
  let inbox: SmtpInbox;
  let work: string;

  beforeEach(async () => {
    h = await startHarness({
      grafana: { idForwarding: true },
      integrity: (loki, files) => {
        manifests = new ExportManifests({ loki, keys: ring, signingKey: serviceKey, files });
        return { verifications: new RangeVerifications(loki, ring), manifests, signingKey: serviceKey };
      },
    });
    inbox = await SmtpInbox.start();
    work = await mkdtemp(join(tmpdir(), 'auditlens-verify-'));
    // An intact chain in the first hour, and one with a deleted record in the second.
    const intact = buildChain({ chainId: 'chain-a', count: 40, startTs: ns(T), key });
    const damaged = buildChain({ chainId: 'chain-b', count: 40, startTs: ns(T + 3600_000), key });
    h.loki.push([...intact.records, ...intact.checkpoints]);
    h.loki.push([
      ...damaged.records.filter((r) => r.metadata['audit_chain_seq'] !== '17'),
      ...damaged.checkpoints,
    ]);
  });
  afterEach(async () => {
    await inbox.stop();
    await h.stop();
    await rm(work, { recursive: true, force: true });
  });

  const hour = (n: number) => ({
    from: String(T + n * 3600_000 - 60_000),
    to: String(T + (n + 1) * 3600_000 - 60_000),
  });

  it('GET logs/:slug/integrity verifies the range; bad input is a 400 naming the field', async () => {
    let res = await request(h.app).get('/api/v1/logs/access/integrity').query(hour(0)).set(as('jane'));
    expect(res.status).toBe(200);
    const intact = res.body as IntegrityReport;
    expect(intact).toMatchObject({
      logType: 'access',
      status: 'intact',
      records: { total: 40, verified: 40 },
    });

    res = await request(h.app).get('/api/v1/logs/access/integrity').query(hour(1)).set(as('jane'));
    const damaged = res.body as IntegrityReport;
    expect(damaged.status).toBe('problems');
    expect(damaged.problems).toEqual([
      expect.objectContaining({ kind: 'gap', chainId: 'chain-b', seq: 17, toSeq: 17 }),
    ]);

    res = await request(h.app)
      .get('/api/v1/logs/access/integrity')
      .query({ from: String(T), to: String(T - 1) })
      .set(as('jane'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ issues: [{ field: 'from', message: 'must be before to' }] });
    res = await request(h.app).get('/api/v1/logs/access/integrity').query({ user: 'bob' }).set(as('jane'));
    expect(res.status).toBe(400);
    expect((await request(h.app).get('/api/v1/logs/nope/integrity').set(as('jane'))).status).toBe(404);
  });

  it("through Grafana, the route needs the log type's read permission", async () => {
    await h.serve();
    const call = async (login: string, slug: string) => {
      const res = await fetch(
        `${h.grafana.url}/api/plugin-proxy/${PLUGIN_ID}/logs/${slug}/integrity?${new URLSearchParams(hour(0))}`,
        { headers: h.grafana.sessionFor(login) }
      );
      return { status: res.status, body: (await res.json()) as unknown };
    };
    // A Viewer with the access role assigned (Enterprise/Cloud): access logs yes, activity logs no.
    h.grafana.addUser({
      login: 'vera',
      uid: 'u-vera',
      email: 'vera@acme.test',
      name: 'Vera Viewer',
      orgRole: 'Viewer',
      assigned: ['auditlens-auditlogs-app.access:read'],
    });
    const allowed = await call('vera', 'access');
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ status: 'intact' });
    expect((await call('vera', 'activity')).status).toBe(403);
  });

  async function exportHour(n: number, over: Partial<NewExport> = {}): Promise<string> {
    const job = await h.store.create({
      requester: jane,
      logType: 'access',
      format: 'csv',
      from: new Date(Number(hour(n).from)).toISOString(),
      to: new Date(Number(hour(n).to)).toISOString(),
      filters: {},
      timezone: 'UTC',
      ...over,
    });
    const runner = new ExportRunner(
      {
        store: h.store,
        files: h.files,
        loki: h.lokiClient,
        mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
        recorder: { activity: () => undefined },
        logger: pino({ level: 'silent' }),
        manifests,
      },
      {
        dataDir: h.dataDir,
        grafanaUrl: 'http://grafana.test:3000',
        maxRows: 1000,
        attachmentMaxBytes: 5_000_000,
        zipOverBytes: 5_000_000,
        fileTtlHours: 24,
      }
    );
    expect(await runner.runOnce()).toBe(true);
    return job.id;
  }

  it('the mail carries the verification and the signed manifest, which the CLI checks the file against offline', async () => {
    const id = await exportHour(0, { filters: { user: 'user 3' } });
    const mail = inbox.messages[0]!;
    expect(mail.text).toMatch(/Integrity: intact: 40 of 40 records verified in 1 chain, every one signed/);
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      `auditlens-access-${id.slice(0, 8)}.csv`,
      `auditlens-access-${id.slice(0, 8)}.csv.manifest.json`,
    ]);
    const manifest = JSON.parse(mail.attachments[1]!.content.toString('utf8')) as ExportManifest;
    // The filter narrowed the file; the verification covers the whole log of the range.
    expect(manifest.export).toMatchObject({ id, rows: 6, filters: { user: 'user 3' } });
    expect(manifest.integrity.records.total).toBe(40);
    expect(manifest.signer.keyId).toBe(serviceKey.keyId);

    const file = join(work, 'export.csv');
    const manifestFile = join(work, 'export.csv.manifest.json');
    await writeFile(file, mail.attachments[0]!.content);
    await writeFile(manifestFile, mail.attachments[1]!.content);
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const code = await verifyCli(args, (line) => out.push(line));
      return { code, out: out.join('\n') };
    };
    let result = await run(file, manifestFile, '--public-key', serviceKey.publicKeyBase64);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/ok {3}signature: signed with the given public key/);
    expect(result.out).toMatch(/VERIFIED/);
    expect(result.out).toMatch(/intact: 40 of 40 records verified/);
    // Without a pinned key it still checks, and says what that proves.
    result = await run(file, manifestFile);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/pin it with --public-key/);

    // One byte more in the file; a manifest claiming other rows; a key that did not sign it.
    const changed = join(work, 'changed.csv');
    await copyFile(file, changed);
    await appendFile(changed, 'x');
    result = await run(changed, manifestFile, '--public-key', serviceKey.publicKeyBase64);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL sha256/);
    expect(result.out).toMatch(/FAIL size/);
    const forged = { ...manifest, export: { ...manifest.export, rows: 5 } };
    const forgedFile = join(work, 'forged.manifest.json');
    await writeFile(forgedFile, JSON.stringify(forged));
    result = await run(file, forgedFile);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL signature/);
    const otherKey = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const otherKeyFile = join(work, 'other.pem');
    await writeFile(otherKeyFile, otherKey);
    result = await run(file, manifestFile, '--public-key', otherKeyFile);
    expect(result.code).toBe(1);
    expect((await run(file)).code).toBe(2);
  });

  it('the mail of a damaged range says so, with the first problem', async () => {
    await exportHour(1);
    const text = inbox.messages[0]!.text!;
    // 1–16 are tied to the final checkpoint only through the deleted seq 17: verified are 18–40.
    expect(text).toMatch(
      /Integrity: PROBLEMS FOUND: 1 gap \(1 missing\); 23 of 39 records verified in 1 chain/
    );
    expect(text).toMatch(/First problem: 1 record \(seq 17\) of chain chain-b is missing/);
  });

  it('"My exports" gets each export\'s verification; the manifest and its key are served to the owner', async () => {
    const id = await exportHour(0);
    let res = await request(h.app).get('/api/v1/exports/integrity').set(as('jane'));
    expect(res.status).toBe(200);
    expect((res.body as ExportIntegrityResponse).exports[id]).toMatchObject({
      status: 'intact',
      verified: 40,
      total: 40,
      problemCount: 0,
    });
    res = await request(h.app).get('/api/v1/exports/integrity').set(as('bob'));
    expect(res.body).toEqual({ exports: {} });

    res = await request(h.app).get(`/api/v1/exports/${id}/manifest`).set(as('jane'));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/manifest\.json/);
    expect(JSON.parse(res.text)).toEqual(await manifests.read(id));
    // Stored beside the export files, where every replica of the service reads it.
    expect(JSON.parse(await readFile(join(h.dataDir, 'files', `${id}.manifest.json`), 'utf8'))).toEqual(
      await manifests.read(id)
    );
    expect((await request(h.app).get(`/api/v1/exports/${id}/manifest`).set(as('bob'))).status).toBe(404);

    res = await request(h.app).get('/api/v1/exports/signing-key').set(as('jane'));
    expect(res.body as SigningKeyResponse).toMatchObject({
      keyId: serviceKey.keyId,
      publicKey: serviceKey.publicKeyBase64,
    });
    // The job routes still answer beside these.
    expect((await request(h.app).get(`/api/v1/exports/${id}`).set(as('jane'))).body).toMatchObject({
      id,
      status: 'done',
    });
  });
});
