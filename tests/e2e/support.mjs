// Shared helpers for the end-to-end tests and the load benchmark: a static server for dist/
// under a sub-path, and Debian's Chromium driven by playwright-core (never a downloaded browser).
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = process.env.ORDINAL_DIST ?? path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');
/** Served under a deep sub-path to prove the bundle uses relative URLs only. */
export const SUBPATH = '/some/sub-path/ordinal/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.yaml': 'text/yaml; charset=utf-8',
};

/** Serves `dir` at http://127.0.0.1:<random port><prefix>; everything else is a 404. */
export async function serveDist(dir = DIST, prefix = SUBPATH) {
  const base = path.resolve(dir);
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    let rel = null;
    try {
      const p = decodeURIComponent(pathname);
      if (p.startsWith(prefix)) rel = p.slice(prefix.length);
    } catch { /* bad escape: 404 */ }
    if (rel === null) { res.writeHead(404).end('outside dist'); return; }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(base, rel);
    if (!file.startsWith(base + path.sep)) { res.writeHead(404).end('outside dist'); return; }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: origin + prefix,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/** Flags for Debian's Chromium as root on a machine with a closed network. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Resolves once the app has mounted (its `app-mounted` performance mark exists). */
export function waitForMount(page, timeout = 30_000) {
  return page.waitForFunction(
    () => performance.getEntriesByName('app-mounted', 'mark').length > 0,
    null,
    { timeout },
  );
}

/**
 * A fresh page on `dist/` at `viewport`, mounted: `{ server, browser, page, errors }`, where
 * `errors` collects page errors and console errors. Close with `browser.close()` and
 * `server.close()`.
 */
export async function openApp(viewport) {
  await fs.access(path.join(DIST, 'index.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const server = await serveDist();
  const browser = await launch();
  const page = await (await browser.newContext({ viewport })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  await waitForMount(page);
  // The terminal's input, and a line typed into it with Enter.
  const terminal = page.getByRole('textbox', { name: 'Terminal', exact: true });
  const run = async (line) => {
    await terminal.fill(line);
    await terminal.press('Enter');
  };
  return { server, browser, page, errors, terminal, run };
}
