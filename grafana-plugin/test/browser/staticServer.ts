import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { PLUGIN_ID } from '@auditlens/contract';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

// Grafana serves @grafana/ui's icons at public/build/img/icons/ (its build copies them there; Icon/utils.ts
// loads them from that path); @grafana/ui ships them in dist/public/img/icons.
const ICONS_PREFIX = '/public/build/img/icons/';
const GRAFANA_ICONS = join(
  dirname(require.resolve('@grafana/ui/package.json')),
  'dist',
  'public',
  'img',
  'icons'
);

// Grafana's index.html sets <base href="/">, which the plugin's relative public path relies on, and the
// page's language (`<html lang="[[.User.Language]]">`).
const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8"><base href="/"><title>AuditLens harness</title></head>
<body><div id="root"></div><script src="/harness.js"></script></body></html>`;

/** Serves the built plugin at Grafana's plugin path, the harness, and the harness page for any app URL. */
export async function startStaticServer(
  dist: string,
  harness: string
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const pluginPrefix = `/public/plugins/${PLUGIN_ID}/`;
    const inside = (root: string, rest: string) => join(root, normalize(rest).replace(/^(\.\.[/\\])+/, ''));
    const file = path.startsWith(pluginPrefix)
      ? inside(dist, path.slice(pluginPrefix.length))
      : path.startsWith(ICONS_PREFIX)
        ? inside(GRAFANA_ICONS, path.slice(ICONS_PREFIX.length))
        : /^\/[\w.-]+\.js$/.test(path)
          ? join(harness, path.slice(1))
          : null;
    if (!file && path.startsWith('/public/')) {
      // Grafana's other assets (fonts, images) are not here; the page must work without them.
      res.writeHead(404).end();
      return;
    }
    if (!file) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(INDEX);
      return;
    }
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end()
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
