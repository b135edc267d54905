import { generateKeyPairSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { useTempDir } from '../../test/support/temp-dir';
import { integritySettings } from './integrity-config';
import { maySign } from './key-ring';

const BASE = {
  LOKI_URL: 'http://loki:3100',
  AUDITLENS_SHARED_SECRET: 'a-secret-of-sixteen+',
  GRAFANA_URL: 'http://grafana:3000',
  GRAFANA_TOKEN: 'glsa_x',
  SMTP_URL: 'smtp://mail:25',
  MAIL_FROM: 'AuditLens <a@b.test>',
};
const readFile = (files: Record<string, string>) => (path: string) => {
  if (!(path in files)) throw new Error('ENOENT');
  return files[path]!;
};

describe('integrity settings', () => {
  const tempDir = useTempDir('auditlens-integrity-');

  it('creates the manifest signing key in DATA_DIR (mode 0600) once, and reuses it', async () => {
    const dir = tempDir();
    {
      const config = loadConfig({ ...BASE, DATA_DIR: dir });
      const first = integritySettings(config, readFile({}));
      const path = join(dir, 'integrity-signing-key.pem');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const again = integritySettings(config, readFile({}));
      expect(again.signingKey.keyId).toBe(first.signingKey.keyId);
      expect(first.signingKey.keyId).toMatch(/^auditlens-export-[0-9a-f]{16}$/);
      // Its own key verifies the checkpoints of the service's own audit events, and no one else's.
      const own = first.keys.get(first.signingKey.keyId)!;
      expect(own.key.equals(first.signingKey.publicKey)).toBe(true);
      expect(maySign(own, 'auditlens-export-service', 'activity')).toBe(true);
      expect(maySign(own, 'auditlens-export-service', 'access')).toBe(false);
      expect(maySign(own, 'helpdesk', 'activity')).toBe(false);
      expect(first.verification).toMatchObject({ lookbackMs: 24 * 3_600_000, lookaheadMs: 15 * 60_000 });
    }
  });

  it('creates a given key file only when told to, so replicas on a shared volume sign with one key', async () => {
    const dir = tempDir();
    const path = join(dir, 'shared', 'key.pem');
    await mkdir(join(dir, 'shared'));
    const given = { ...BASE, DATA_DIR: dir, INTEGRITY_SIGNING_KEY_FILE: path };
    expect(() => integritySettings(loadConfig(given), readFile({}))).toThrow(
      /INTEGRITY_SIGNING_KEY_FILE: cannot read .*key\.pem/
    );
    const replicaA = integritySettings(
      loadConfig({ ...given, INTEGRITY_SIGNING_KEY_CREATE: 'true' }),
      readFile({})
    );
    const replicaB = integritySettings(
      loadConfig({ ...given, INTEGRITY_SIGNING_KEY_CREATE: 'true' }),
      readFile({})
    );
    expect(replicaB.signingKey.keyId).toBe(replicaA.signingKey.keyId);
    expect(integritySettings(loadConfig(given), readFile({})).signingKey.keyId).toBe(
      replicaA.signingKey.keyId
    );
    expect(() => loadConfig({ ...given, INTEGRITY_SIGNING_KEY_CREATE: 'yes' })).toThrow(
      /INTEGRITY_SIGNING_KEY_CREATE must be true or false/
    );
  });

  it('reads checkpoint keys from the variable and the file, and names what is wrong', async () => {
    const dir = tempDir();
    {
      const key = generateKeyPairSync('ed25519').publicKey;
      const spki = key.export({ type: 'spki', format: 'der' }).toString('base64');
      const config = loadConfig({
        ...BASE,
        DATA_DIR: dir,
        INTEGRITY_PUBLIC_KEYS: `helpdesk@helpdesk=${spki}`,
        INTEGRITY_PUBLIC_KEYS_FILE: '/keys.json',
      });
      const pem = key.export({ type: 'spki', format: 'pem' }).toString();
      const ids = integritySettings(
        config,
        readFile({ '/keys.json': JSON.stringify({ billing: { key: pem, services: ['billing'] } }) })
      ).keys.ids();
      expect(ids.filter((id) => !id.startsWith('auditlens-export-')).sort()).toEqual(['billing', 'helpdesk']);
      expect(ids.filter((id) => /^auditlens-export-[0-9a-f]{16}$/.test(id))).toHaveLength(1);
      expect(() => integritySettings(config, readFile({}))).toThrow(ConfigError);
      expect(() => integritySettings(config, readFile({}))).toThrow(
        /INTEGRITY_PUBLIC_KEYS_FILE: cannot read \/keys.json/
      );
      const bad = loadConfig({ ...BASE, DATA_DIR: dir, INTEGRITY_PUBLIC_KEYS: 'helpdesk@helpdesk=AAAA' });
      expect(() => integritySettings(bad, readFile({}))).toThrow(/INTEGRITY_PUBLIC_KEYS: key helpdesk/);
      const unbound = loadConfig({ ...BASE, DATA_DIR: dir, INTEGRITY_PUBLIC_KEYS: `helpdesk=${spki}` });
      expect(() => integritySettings(unbound, readFile({}))).toThrow(
        /INTEGRITY_PUBLIC_KEYS: key helpdesk names no producer/
      );
      const missing = loadConfig({
        ...BASE,
        DATA_DIR: dir,
        INTEGRITY_SIGNING_KEY_FILE: join(dir, 'none.pem'),
      });
      expect(() => integritySettings(missing, readFile({}))).toThrow(
        /INTEGRITY_SIGNING_KEY_FILE: cannot read/
      );
    }
  });

  it("binds the service key to the service's own chains, whatever the configuration says of its id", () => {
    const dir = tempDir();
    const own = integritySettings(loadConfig({ ...BASE, DATA_DIR: dir }), readFile({})).signingKey;
    // An operator lists the service's key id as a producer's key of every service: it stays bound to its own.
    const settings = integritySettings(
      loadConfig({
        ...BASE,
        DATA_DIR: dir,
        OTEL_SERVICE_NAME: 'exports-eu',
        INTEGRITY_PUBLIC_KEYS: `${own.keyId}@*=${own.publicKeyBase64}`,
      }),
      readFile({})
    );
    const ringKey = settings.keys.get(own.keyId)!;
    expect(ringKey.services).toEqual(['exports-eu']);
    expect(maySign(ringKey, 'helpdesk', 'activity')).toBe(false);
    expect(maySign(ringKey, 'exports-eu', 'activity')).toBe(true);
  });
});
