// End-to-end tests of the release bundle (dist/) in Debian's headless Chromium.
// `cargo xtask test` builds dist/ first; by hand: `cargo xtask dist && node --test tests/e2e/`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, DIST, ROOT, launch, serveDist, waitForMount } from './support.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server;
let browser;

before(async () => {
  await fs.access(path.join(DIST, 'index.html')).catch(() => {
    throw new Error(`${DIST}/index.html is missing: run \`cargo xtask dist\` first`);
  });
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page that records requests, console errors and page errors. */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = { requests: [], errors: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  return { context, page, seen };
}

test('the page mounts from a sub-path and shows every region by accessible name', async () => {
  const { context, page, seen } = await openPage();
  await page.goto(server.url);
  await waitForMount(page);

  // Nodes of the model's default profile, each worker with an (empty) pod lane.
  for (const name of ['control-plane', 'worker-1', 'worker-2', 'worker-3']) {
    assert.equal(await page.locator(`[data-node="${name}"]`).count(), 1, `node ${name}`);
  }
  for (const w of ['worker-1', 'worker-2', 'worker-3']) {
    const lane = page.getByRole('list', { name: `Pods on ${w}`, exact: true });
    assert.equal(await lane.count(), 1, `lane of ${w}`);
    assert.equal(await lane.getByRole('listitem').count(), 0, `lane of ${w} is empty`);
  }

  // Terminal, YAML editor, playback bar, controller events, DNS.
  const manifest = page.getByRole('textbox', { name: 'Manifest', exact: true });
  assert.match(await manifest.inputValue(), /kind: StatefulSet/);
  assert.equal(await page.getByRole('textbox', { name: 'Terminal', exact: true }).count(), 1);
  assert.equal(await page.getByRole('log', { name: 'Terminal output', exact: true }).count(), 1);
  const events = page.getByRole('log', { name: 'Controller events', exact: true });
  assert.equal(await events.getAttribute('aria-live'), 'polite');
  for (const name of ['Pause', 'Step', 'Step back', 'Reset', 'Apply']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, `button ${name}`);
  }
  const speed = page.getByRole('slider', { name: 'Speed', exact: true });
  assert.match(await speed.getAttribute('aria-valuetext'), /^[0-9.]+×$/);
  assert.equal(await page.getByRole('slider', { name: 'Timeline', exact: true }).count(), 1);
  const dns = page.getByRole('table', { name: 'DNS records', exact: true });
  for (const col of ['Name', 'Type', 'Value']) {
    assert.equal(await dns.getByRole('columnheader', { name: col, exact: true }).count(), 1, `column ${col}`);
  }

  // The toggle names the action it performs.
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('log', { name: 'Terminal output', exact: true })
    .getByText('statefulset.apps/web created').waitFor();
  await page.locator('[data-pod="web-0"]').waitFor();

  const marks = await page.evaluate(() => performance.getEntriesByName('app-mounted', 'mark').length);
  assert.equal(marks, 1, 'performance.mark("app-mounted") exists once');

  // No request ever leaves dist/ (the sub-path we serve it under).
  const outside = seen.requests.filter((u) => !u.startsWith(server.url));
  assert.deepEqual(outside, [], 'requests outside dist/');
  assert.ok(seen.requests.some((u) => u.endsWith('.wasm')), 'the wasm was loaded');
  assert.deepEqual(seen.errors, [], 'console errors');
  await page.screenshot({ path: path.join(ARTIFACTS, 'skeleton.png'), fullPage: true });
  await context.close();
});

test('axe-core finds no accessibility violations (no rules disabled)', async () => {
  const { context, page } = await openPage();
  await page.goto(server.url);
  await waitForMount(page);
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, []);
  await context.close();
});

test('every control is reachable with the keyboard and shows a visible focus', async () => {
  const { context, page } = await openPage();
  await page.goto(server.url);
  await waitForMount(page);
  const reached = new Set();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const label = el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent;
      const style = getComputedStyle(el);
      return { name: label.trim(), outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
    });
    if (info) {
      assert.ok(info.outline, `focus on "${info.name}" is visible`);
      reached.add(info.name);
    }
  }
  for (const name of ['Pause', 'Step back', 'Step', 'Reset', 'Speed', 'Timeline', 'Terminal', 'Manifest', 'Apply']) {
    assert.ok(reached.has(name), `Tab reaches "${name}" (reached: ${[...reached].join(', ')})`);
  }
  await context.close();
});

test('a visible message, not a blank page, when the wasm fails to load', async () => {
  const { context, page } = await openPage();
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(server.url);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Ordinal could not start: its WebAssembly module failed to load/);
  assert.ok(await alert.isVisible());
  await page.screenshot({ path: path.join(ARTIFACTS, 'wasm-failure.png') });
  await context.close();
});

test('a visible message when the JS glue fails to load', async () => {
  const { context, page } = await openPage();
  await page.route('**/ordinal_web.js', (route) => route.abort());
  await page.goto(server.url);
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Ordinal could not start/);
  await context.close();
});

test('dist/ works from a plain `python3 -m http.server`, under the /dist/ sub-path', async () => {
  const py = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      py.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/port (\d+)/);
        if (m) resolve(Number(m[1]));
      });
      py.on('exit', (code) => reject(new Error(`python3 -m http.server exited (${code}): ${out}`)));
    });
    const { context, page, seen } = await openPage();
    const url = `http://127.0.0.1:${port}/${path.relative(ROOT, DIST)}/`;
    await page.goto(url);
    await waitForMount(page);
    assert.equal(await page.locator('[data-node="worker-3"]').count(), 1);
    assert.deepEqual(seen.requests.filter((u) => !u.startsWith(url)), []);
    assert.deepEqual(seen.errors, []);
    await context.close();
  } finally {
    py.kill();
  }
});
