// End-to-end: what a learner does, through the accessibility contract (issue 6, item 7).
// Runs against dist/ (or ORDINAL_DIST) in Debian's Chromium via playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, DIST, launch, serveDist, waitForMount } from './support.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let server;
let browser;
let context;
let page;
const dialogs = [];
const errors = [];

before(async () => {
  await fs.access(path.join(DIST, 'index.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
  // One context for the whole walk: localStorage persists across the reload test.
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  await waitForMount(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const terminal = () => page.getByRole('textbox', { name: 'Terminal', exact: true });
const termOut = () => page.getByRole('log', { name: 'Terminal output', exact: true });
async function run(line) {
  await terminal().fill(line);
  await terminal().press('Enter');
}
/** Accessible names of live pod cards, by pod name. */
async function podNames() {
  // One evaluation: a locator's evaluateAll reads the cards a task after finding them, by
  // when one may have become a ghost (no data-pod, no name).
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-pod]')]
    .map((e) => [e.getAttribute('data-pod'), e.getAttribute('aria-label')])));
}
async function setSpeed(index) {
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill(String(index));
}
/** Polls pod names until `pred` holds, recording every snapshot. */
async function until(pred, timeout = 60_000, log = []) {
  const t0 = Date.now();
  for (;;) {
    const names = await podNames();
    log.push(names);
    if (pred(names)) return names;
    if (Date.now() - t0 > timeout) throw new Error(`timed out; last: ${JSON.stringify(names)}`);
    await page.waitForTimeout(50);
  }
}
const isReady = (n) => n && / Running, Ready, /.test(n);
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

test('the terminal is focused on load and the cluster is drawn', async () => {
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'terminal-input');
  for (const w of ['worker-1', 'worker-2', 'worker-3']) {
    assert.equal(await page.getByRole('list', { name: `Pods on ${w}`, exact: true }).count(), 1);
  }
});

test('apply web.yaml from the editor: web-0 becomes Ready before web-1 exists', async () => {
  const manifest = page.getByRole('textbox', { name: 'Manifest', exact: true });
  assert.match(await manifest.inputValue(), /kind: StatefulSet/);
  await setSpeed(5); // 8×
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await termOut().getByText('statefulset.apps/web created').waitFor();
  const log = [];
  const names = await until((n) => isReady(n['web-0']) && isReady(n['web-1']), 60_000, log);
  const firstWeb1 = log.findIndex((n) => n['web-1']);
  assert.ok(firstWeb1 > 0, 'web-1 appeared after the first snapshot');
  assert.ok(isReady(log[firstWeb1 - 1]['web-0']) || isReady(log[firstWeb1]['web-0']),
    `web-0 was Ready when web-1 appeared: ${JSON.stringify(log[firstWeb1])}`);
  assert.match(names['web-0'], /^Pod web-0, Running, Ready, worker-\d, image registry\.k8s\.io\/nginx-slim:0\.8$/);
  // Storage and DNS follow.
  const pvc = page.locator('[data-pvc="www-web-0"]');
  assert.match(await pvc.getAttribute('aria-label'), /^PersistentVolumeClaim www-web-0, Bound, pvc-[0-9a-f-]+, 1Gi$/);
  await page.locator('[data-dns^="web-0.nginx.default.svc.cluster.local A "]').waitFor();
  await page.getByRole('log', { name: 'Controller events', exact: true }).getByText(/web-1/).first().waitFor();
  await shot('tutorial-ready');
});

test('kubectl scale sts web --replicas=5 in the terminal: pods arrive in ordinal order', async () => {
  await run('kubectl scale sts web --replicas=5');
  await termOut().getByText('statefulset.apps/web scaled').waitFor();
  // Where the learner is typing and clicking stays put while the cluster view grows.
  const where = () => page.evaluate(() => ['#terminal-input', '#manifest-input', '.apply-row button']
    .map((q) => { const r = document.querySelector(q).getBoundingClientRect(); return `${q} ${Math.round(r.top + window.scrollY)}`; }));
  const placed = await where();
  const log = [];
  await until((n) => ['web-2', 'web-3', 'web-4'].every((p) => isReady(n[p])), 90_000, log);
  assert.deepEqual(await where(), placed, 'terminal and editor did not move as pods appeared');
  const first = (p) => log.findIndex((n) => n[p]);
  const readyAt = (p) => log.findIndex((n) => isReady(n[p]));
  assert.ok(first('web-3') > first('web-2') && first('web-4') > first('web-3'), 'created in order');
  assert.ok(readyAt('web-2') <= first('web-3'), 'web-3 waits for web-2 to be Ready');
  await shot('scaled-to-5');
});

test('delete a pod: it returns with the same name and the same PVC', async () => {
  const before = await page.locator('[data-pvc="www-web-1"]').getAttribute('aria-label');
  await run('kubectl delete pod web-1');
  await termOut().getByText('pod "web-1" deleted').waitFor();
  await until((n) => isReady(n['web-1']), 60_000);
  assert.equal(await page.locator('[data-pvc="www-web-1"]').getAttribute('aria-label'), before);
});

test('orphan-delete the set: the pods stay, shown as orphans', async () => {
  await run('kubectl delete sts web --cascade=orphan');
  await termOut().getByText('statefulset.apps "web" deleted').waitFor();
  await page.locator('[data-pod="web-0"].orphan').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-pod="web-0"]').innerText(), /orphan/);
  assert.equal(await page.locator('[data-sts="web"]').count(), 0);
  await shot('orphans');
  // Re-applying adopts them again.
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('[data-pod="web-0"]:not(.orphan)').waitFor({ timeout: 30_000 });
});

test('fail a node from the cluster view', async () => {
  const lane = page.locator('[data-node="worker-1"]');
  await lane.getByRole('button', { name: 'Take node down' }).click();
  await termOut().getByText('sim node down worker-1').waitFor();
  await lane.getByText('NotReady', { exact: true }).waitFor({ timeout: 60_000 });
  await shot('node-down');
  await lane.getByRole('button', { name: 'Bring node up' }).click();
  await lane.locator('.node-state', { hasText: /^Ready$/ }).waitFor({ timeout: 60_000 });
});

test('lose a volume from the storage shelf', async () => {
  const card = page.locator('[data-pvc="www-web-4"]');
  await card.getByRole('button', { name: 'Lose volume', exact: true }).click();
  await termOut().getByText('sim pvc lose www-web-4').waitFor();
  await page.locator('[data-pvc="www-web-4"].lost').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-pvc="www-web-4"]').getAttribute('aria-label'),
    /^PersistentVolumeClaim www-web-4, Lost, /);
});

test('scrub the timeline back and forth', async () => {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
  const timeline = page.getByRole('slider', { name: 'Timeline', exact: true });
  const [min, max] = [await timeline.getAttribute('min'), await timeline.getAttribute('max')];
  const live = Object.keys(await podNames()).sort();
  await timeline.fill(min);
  await until((n) => Object.keys(n).length === 0, 20_000);
  assert.match(await timeline.getAttribute('aria-valuetext'), /^10:00:0\d \(end \d\d:\d\d:\d\d\)$/);
  await timeline.fill(max);
  await until((n) => JSON.stringify(Object.keys(n).sort()) === JSON.stringify(live), 20_000);
  await shot('scrubbed-back-to-end');
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
});

test('markup renders as text: file contents, annotations, YAML comments; no dialog', async () => {
  await run(`kubectl exec web-0 -- sh -c "echo '<img src=x onerror=alert(1)>' > /usr/share/nginx/html/index.html"`);
  await run('kubectl exec web-0 -- curl -s http://localhost/');
  await termOut().getByText('<img src=x onerror=alert(1)>', { exact: true }).waitFor({ timeout: 20_000 });
  await run(`kubectl annotate pod web-0 note='<script>alert(2)</script>'`);
  await run('kubectl describe pod web-0');
  await termOut().getByText(/<script>alert\(2\)<\/script>/).first().waitFor({ timeout: 20_000 });
  const manifest = page.getByRole('textbox', { name: 'Manifest', exact: true });
  const text = await manifest.inputValue();
  await manifest.fill(`# <img src=y onerror=alert(3)>\n${text}`);
  await page.locator('.overlay').getByText('# <img src=y onerror=alert(3)>').waitFor();
  assert.equal(await page.locator('main img').count(), 0, 'no <img> element was created');
  await manifest.fill(text);
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
});

test('axe-core: no violations in the main state (no rules disabled)', async () => {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, []);
});

test('reload: cluster, files and history are as they were', async () => {
  const manifest = page.getByRole('textbox', { name: 'Manifest', exact: true });
  await manifest.fill((await manifest.inputValue()).replace('replicas: 2', 'replicas: 3'));
  const names = await podNames();
  await page.waitForTimeout(2_500); // the state is saved at most every 2 s
  await page.reload();
  await waitForMount(page);
  await until((n) => Object.keys(n).length === Object.keys(names).length, 20_000);
  assert.match(await page.getByRole('textbox', { name: 'Manifest', exact: true }).inputValue(), /replicas: 3/);
  await terminal().press('ArrowUp');
  assert.match(await terminal().inputValue(), /kubectl/);
  assert.deepEqual(errors, []);
  await shot('after-reload');
});
