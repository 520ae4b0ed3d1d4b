// End-to-end: share links (issue 7, part 2). Do some tour steps, click Share, open the link in
// a fresh browser context and compare the event-log hash; a tampered or truncated link shows
// the error (role="alert") and "Start fresh" opens the playground without touching the saved
// work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, DIST, launch, serveDist, waitForMount } from './support.mjs';

let server;
let browser;
let link;
let sharedHash;
const errors = [];

before(async () => {
  await fs.access(path.join(DIST, 'index.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return page;
}

const tours = (page) => page.getByRole('region', { name: 'Tours', exact: true });
const hashOf = (page) => page.locator('[data-event-log-hash]').getAttribute('data-event-log-hash');
const withoutPosition = (text) => { const v = JSON.parse(text); delete v.atMs; return v; };
const statusText = (page) => page.locator('.tour-status').textContent();

/** Waits until the shown hash is for the paused state (it is recomputed a frame after a change). */
async function stableHash(page) {
  let last = null;
  for (let i = 0; i < 50; i++) {
    const h = await hashOf(page);
    if (h && h === last) return h;
    last = h;
    await page.waitForTimeout(200);
  }
  throw new Error('the event-log hash did not settle');
}

test('Share makes a link that reopens the same state in a fresh browser', async () => {
  const page = await freshPage();
  await page.goto(`${server.url}?tour=statefulset-basics`);
  await waitForMount(page);
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('7');
  await tours(page).getByRole('button', { name: /^Run: kubectl apply/ }).click();
  await page.waitForFunction(() => /: done$/.test(document.querySelector('.tour-status')?.textContent ?? ''), null, { timeout: 60_000 });
  await tours(page).getByRole('button', { name: 'Next step', exact: true }).click();
  await tours(page).getByRole('button', { name: 'Run: kubectl get statefulset web', exact: true }).click();
  await page.getByRole('log', { name: 'Terminal output', exact: true }).getByText('$ kubectl get statefulset web').waitFor();
  await tours(page).getByRole('button', { name: 'Run: kubectl get pods -l app=nginx', exact: true }).click();
  await page.waitForFunction(() => /^Step 2 of \d+: done$/.test(document.querySelector('.tour-status')?.textContent ?? ''), null, { timeout: 60_000 });
  // Edit a file too: files travel in the link.
  const manifest = page.getByRole('textbox', { name: 'Manifest', exact: true });
  await manifest.fill((await manifest.inputValue()).replace('replicas: 2', 'replicas: 4'));
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  sharedHash = await stableHash(page);
  assert.match(sharedHash, /^[0-9a-f]{16}$/);
  const status = await statusText(page);

  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const field = page.getByRole('textbox', { name: 'Share link', exact: true });
  await field.waitFor();
  assert.equal(await field.getAttribute('readonly'), '');
  link = await field.inputValue();
  assert.ok(link.startsWith(`${server.url}?tour=statefulset-basics#s=1.`), link);
  console.log(`share link: ${link.length} characters`);

  const other = await freshPage();
  await other.goto(link);
  await waitForMount(other);
  // Opened paused, at the shared instant, with the same history.
  await other.getByRole('button', { name: 'Play', exact: true }).waitFor();
  assert.equal(await stableHash(other), sharedHash);
  // The tour and step came along (the step's check is re-evaluated on this cluster).
  await other.waitForFunction(() => /^Step 2 of \d+/.test(document.querySelector('.tour-status')?.textContent ?? ''));
  assert.match(status, /^Step 2 of \d+: done$/);
  assert.equal(
    await other.locator('#tour-step-title').textContent(),
    await page.locator('#tour-step-title').textContent(),
  );
  assert.match(await other.getByRole('textbox', { name: 'Manifest', exact: true }).inputValue(), /replicas: 4/);
  // The fragment is dropped once opened: a reload continues from the saved state.
  assert.equal(new URL(other.url()).hash, '');
  await other.screenshot({ path: path.join(ARTIFACTS, 'share-opened.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('a tampered or truncated link shows the error; Start fresh keeps the saved work', async () => {
  const page = await freshPage();
  // Some saved work in this browser first.
  await page.goto(server.url);
  await waitForMount(page);
  await page.getByRole('textbox', { name: 'Terminal', exact: true }).fill('kubectl apply -f web.yaml');
  await page.getByRole('textbox', { name: 'Terminal', exact: true }).press('Enter');
  await page.getByRole('log', { name: 'Terminal output', exact: true }).getByText('statefulset.apps/web created').waitFor();
  await page.waitForTimeout(2_500); // saved at most every 2 s
  const saved = await page.evaluate(() => localStorage.getItem('ordinal.v1.scenario'));
  const inputs = (text) => JSON.parse(text ?? '{"inputs":[]}').inputs.length;
  assert.ok(inputs(saved) >= 2, 'the apply is saved');

  const i = link.indexOf('#s=1.') + 20;
  const flip = link[i] === 'A' ? 'B' : 'A';
  const cases = [
    [link.slice(0, i) + flip + link.slice(i + 1), /This share link is (damaged|incomplete)/],
    [link.slice(0, link.length - Math.floor((link.length - i) / 2)), /This share link is (incomplete|damaged)/],
    [`${server.url}#s=1.${'A'.repeat(270_000)}`, /This share link is too large/],
  ];
  for (const [bad, message] of cases) {
    await page.goto('about:blank');
    await page.goto(bad);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.textContent(), message);
    // Nothing was loaded or saved over the user's work.
    await page.waitForTimeout(300);
    // (Leaving the playground saved its position once, so `atMs` may move; nothing else.)
    assert.deepEqual(withoutPosition(await page.evaluate(() => localStorage.getItem('ordinal.v1.scenario'))), withoutPosition(saved));
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'share-broken.png'), fullPage: true });
  await page.getByRole('button', { name: 'Start fresh', exact: true }).click();
  await page.waitForFunction(() => performance.getEntriesByName('app-mounted', 'mark').length > 0, null, { timeout: 30_000 });
  assert.equal(new URL(page.url()).hash, '');
  await page.getByRole('button', { name: 'Share', exact: true }).waitFor();
  // The playground restored the saved work (not the link's, not an empty cluster).
  await page.waitForTimeout(2_500);
  assert.equal(inputs(await page.evaluate(() => localStorage.getItem('ordinal.v1.scenario'))), inputs(saved));
  assert.deepEqual(errors, []);
});
