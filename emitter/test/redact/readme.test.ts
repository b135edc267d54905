import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_SHAPES } from '../../src/redact/secret-values';
import { WEBHOOK_HOSTS } from '../../src/redact/webhook-hosts';

// The README lists what the emitter removes: every shape and webhook host it knows, no fewer.
describe('the README lists the secrets the emitter redacts', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');

  it.each(SECRET_SHAPES.map((s) => s.name))('shape: %s', (name) => {
    expect(readme).toContain(name);
  });

  it.each(WEBHOOK_HOSTS.map((w) => w.service))('webhook host: %s', (service) => {
    expect(readme).toContain(service);
  });
});
