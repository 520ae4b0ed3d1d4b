// End-to-end: `kubectl edit` in the page's editor, column-precise diagnostics, and orphans
// being adopted — through the accessibility contract (issue 6, item 7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, DIST, launch, serveDist, waitForMount } from './support.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let server;
let browser;
let page;
const dialogs = [];
const errors = [];

before(async () => {
  await fs.access(path.join(DIST, 'index.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await waitForMount(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const terminal = () => page.getByRole('textbox', { name: 'Terminal', exact: true });
const termOut = () => page.getByRole('log', { name: 'Terminal output', exact: true });
const manifest = () => page.getByRole('textbox', { name: 'Manifest', exact: true });
const apply = () => page.getByRole('button', { name: 'Apply', exact: true });
const feed = () => page.getByRole('log', { name: 'Controller events', exact: true });
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
async function run(line) {
  await terminal().fill(line);
  await terminal().press('Enter');
}
async function setSpeed(index) {
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill(String(index));
}
const label = (pod) => page.locator(`[data-pod="${pod}"]`).getAttribute('aria-label');
async function waitLabel(pod, re, timeout = 60_000) {
  const t0 = Date.now();
  for (;;) {
    const l = await page.locator(`[data-pod="${pod}"]`).getAttribute('aria-label', { timeout: 1_000 }).catch(() => null);
    if (l && re.test(l)) return l;
    if (Date.now() - t0 > timeout) throw new Error(`${pod}: timed out waiting for ${re}; last: ${l}`);
    await page.waitForTimeout(50);
  }
}
async function axe(state) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, [], `axe in state: ${state}`);
}

let webYaml;

test('setup: apply web.yaml, both pods Ready', async () => {
  webYaml = await manifest().inputValue();
  await setSpeed(5); // 8×
  await apply().click();
  await termOut().getByText('statefulset.apps/web created').waitFor();
  await waitLabel('web-1', /^Pod web-1, Running, Ready, worker-\d, image registry\.k8s\.io\/nginx-slim:0\.8$/);
});

test('kubectl edit sts web opens the object in the editor; Apply performs the edit', async () => {
  await run('kubectl edit sts web');
  const tab = page.getByRole('button', { name: 'edit-statefulset-web.yaml', exact: true });
  await tab.waitFor();
  assert.equal(await tab.getAttribute('aria-pressed'), 'true');
  const text = await manifest().inputValue();
  assert.ok(text.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"), text.slice(0, 200));
  assert.match(text, /\nkind: StatefulSet\n/);
  assert.match(text, /\n {2}uid: [0-9a-f-]+\n/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'manifest-input', 'the editor has focus');
  const note = page.getByText(/^kubectl edit is waiting on edit-statefulset-web\.yaml: Apply saves it/);
  await note.waitFor();
  await axe('an object open for kubectl edit');
  await shot('kubectl-edit-open');

  // The spec's image (the last-applied annotation above it mentions the image too).
  await manifest().fill(text.replace('image: registry.k8s.io/nginx-slim:0.8', 'image: registry.k8s.io/nginx-slim:0.24'));
  await apply().click();
  await termOut().getByText('statefulset.apps/web edited', { exact: true }).waitFor();
  // kubectl removes its file when the edit succeeded.
  await tab.waitFor({ state: 'detached' });
  await note.waitFor({ state: 'detached' });
  // The rolling update begins from the highest ordinal.
  await waitLabel('web-1', /, image registry\.k8s\.io\/nginx-slim:0\.24$/);
  await waitLabel('web-0', /^Pod web-0, Running, Ready, worker-\d, image registry\.k8s\.io\/nginx-slim:0\.24$/, 90_000);
  await shot('kubectl-edit-rolled');
});

// Apply is clicked the moment the file opens, as a quick learner would. (This once failed: the
// preview beside Apply wrapped onto a second line when the edit file's check ran, the grid moved
// the button between mouse down and up, and the click never happened.)
test('an unchanged edit is cancelled with kubectl\'s words', async () => {
  try {
    await run('kubectl edit sts web');
    const tab = page.getByRole('button', { name: 'edit-statefulset-web.yaml', exact: true });
    await tab.waitFor();
    const before = await apply().boundingBox();
    await page.waitForTimeout(600); // past the editor's check (CHECK_DELAY_MS)
    assert.deepEqual(await apply().boundingBox(), before, 'Apply stays where it was');
    await apply().click();
    await termOut().getByText('Edit cancelled, no changes made.', { exact: true }).waitFor({ timeout: 10_000 });
    await tab.waitFor({ state: 'detached' });
  } finally {
    await terminal().focus();
    await terminal().press('Control+c');
  }
});

test('diagnostics say line and column and underline the exact span; markup stays text', async () => {
  await page.getByRole('button', { name: 'web.yaml', exact: true }).click();
  const bad = webYaml.replace('  replicas: 2\n', '  replicas: 2\n  <img src=x onerror=alert(4)>: 1\n');
  await manifest().fill(bad);
  const lines = bad.split('\n');
  const line = lines.findIndex((l) => l.includes('<img')) + 1;
  const diagnostics = page.locator('#manifest-diagnostics');
  await diagnostics.getByText(`line ${line}, column 3:`, { exact: true }).waitFor();
  assert.match(await diagnostics.innerText(),
    /line \d+, column 3: Error from server \(BadRequest\): StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec\.<img src=x onerror=alert\(4\)>"/);
  assert.deepEqual(await page.locator('.overlay .hl-diag').allInnerTexts(), ['<img src=x onerror=alert(4)>']);
  assert.equal(await page.locator('main img').count(), 0, 'no <img> element was created');
  // A YAML syntax error: libyaml's position.
  await manifest().fill(webYaml.replace('  replicas: 2\n', '  replicas: 2: 3\n'));
  const l2 = webYaml.split('\n').findIndex((l) => l === '  replicas: 2') + 1;
  await diagnostics.getByText(`line ${l2}, column 14:`, { exact: true }).waitFor();
  await axe('diagnostics shown');
  await shot('diagnostics-column');
  await manifest().fill(webYaml);
  await diagnostics.getByText('No problems found.').waitFor();
  assert.deepEqual(dialogs, []);
});

test('orphan-delete the set, re-apply: the orphans are adopted, animated and narrated', async () => {
  await run('kubectl delete sts web --cascade=orphan');
  await termOut().getByText('statefulset.apps "web" deleted').waitFor();
  await waitLabel('web-0', /^Pod web-0, Running, Ready, worker-\d, image registry\.k8s\.io\/nginx-slim:[\d.]+, orphaned$/, 30_000);
  assert.ok(await page.locator('[data-pod="web-0"].orphan').count() === 1);
  await axe('orphans');
  await shot('orphans-named');
  // At 1× the adoption's animation lasts long enough to watch.
  await setSpeed(2);
  await apply().click();
  await page.locator('[data-pod="web-0"].adopting').waitFor({ timeout: 30_000 });
  await page.locator('[data-pod="web-0"]').getByText('adopted by StatefulSet/web').waitFor();
  const style = await page.locator('[data-pod="web-0"].adopting').getAttribute('style').catch(() => '');
  assert.ok(style === '' || style === null || /^transform: translate\([^)]*\) scale\([^)]*\); opacity: [\d.]+$/.test(style), `only transform/opacity: ${style}`);
  await shot('adoption');
  // Adopted: the name no longer says orphaned (the set then rolls it back to web.yaml's image).
  await waitLabel('web-0', /^Pod web-0, [^,]+, [^,]+, [^,]+, image registry\.k8s\.io\/nginx-slim:[\d.]+$/, 30_000);
  await feed().getByText(/adopted orphan pod web-0/).first().waitFor();
  await page.locator('[data-pod="web-0"]:not(.adopting)').waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(dialogs, []);
});
