// End-to-end: the StatefulSet Basics tour (issue 7, part 1), completed twice — once by clicking
// every step's "Run: <command>" buttons, once by typing the same commands in the terminal —
// each step's check must turn "done". The model runs "as fast as possible" (Speed slider at
// its maximum); the wall time of each walk is printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, DIST, launch, serveDist, waitForMount } from './support.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOUR = await fs.readFile(path.join(DIST, 'tours/statefulset-basics.md'), 'utf8').catch(() => '');
/** Step titles, from the tour file itself. */
const TITLES = TOUR.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim());
const STEP_TIMEOUT = 90_000;

let server;
let browser;
let page;
const errors = [];

before(async () => {
  await fs.access(path.join(DIST, 'index.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const tours = () => page.getByRole('region', { name: 'Tours', exact: true });
const terminal = () => page.getByRole('textbox', { name: 'Terminal', exact: true });
const status = () => tours().getByRole('status').filter({ hasText: /^Step \d+ of \d+/ });

/** The step heading and the commands of its Run buttons, as the page shows them. */
async function currentStep() {
  const title = (await tours().locator('#tour-step-title').textContent()).trim();
  const names = await tours().getByRole('button', { name: /^Run: / }).evaluateAll((els) =>
    els.map((e) => e.dataset.command));
  return { title, commands: names };
}

/** Waits until the terminal can take the next command: idle, or a pod's shell prompt. */
async function settled(timeout = STEP_TIMEOUT) {
  await page.waitForFunction(() => {
    const input = document.getElementById('terminal-input');
    const lines = [...document.querySelectorAll('.terminal .line')];
    const last = lines.length ? lines[lines.length - 1].textContent : '';
    return !input.placeholder.startsWith('running') || /^\/ # $/.test(last);
  }, null, { timeout, polling: 50 });
}

async function termState() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.terminal .line')];
    return { n: lines.length, last: lines.at(-1)?.textContent ?? '' };
  });
}

async function waitStatus(text) {
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('.tour-status')].some((e) => e.textContent === want),
    text, { timeout: STEP_TIMEOUT, polling: 100 },
  ).catch(async (e) => {
    const detail = await page.locator('.tour-detail').textContent().catch(() => '');
    throw new Error(`${text} not reached; ${detail}; ${e.message}`);
  });
}

/** Walks the whole tour; `run(command, button)` performs one command. Returns per-step ms. */
async function walk(run) {
  const total = TITLES.length;
  const times = [];
  for (let i = 1; i <= total; i++) {
    const t0 = Date.now();
    await waitStatus(`Step ${i} of ${total}: not done yet`).catch(() => {}); // may already be done
    const step = await currentStep();
    assert.equal(step.title, TITLES[i - 1]);
    const buttons = await tours().getByRole('button', { name: /^Run: / }).all();
    for (let k = 0; k < step.commands.length; k++) {
      const before = await termState();
      await run(step.commands[k], buttons[k]);
      // The command was applied on the tick (its echo is printed), then it finished.
      await page.waitForFunction((b) => {
        const lines = [...document.querySelectorAll('.terminal .line')];
        return lines.length !== b.n || (lines.at(-1)?.textContent ?? '') !== b.last;
      }, before, { timeout: 30_000, polling: 30 });
      await settled();
    }
    await waitStatus(`Step ${i} of ${total}: done`);
    times.push(Date.now() - t0);
    if (i < total) await tours().getByRole('button', { name: 'Next step', exact: true }).click();
  }
  return times;
}

test('the tour file has steps and the page opens it from ?tour=', async () => {
  assert.ok(TITLES.length >= 12, `steps: ${TITLES.length}`);
  await page.goto(`${server.url}?tour=statefulset-basics`);
  await waitForMount(page);
  await waitStatus(`Step 1 of ${TITLES.length}: not done yet`);
  assert.equal((await currentStep()).title, TITLES[0]);
  // The status line is a polite live region.
  assert.equal(await status().getAttribute('aria-live'), 'polite');
  assert.equal(await tours().getByRole('button', { name: 'Previous step', exact: true }).isDisabled(), true);
  // Markdown is rendered as elements built from text: the intro's link, bold words.
  const link = tours().getByRole('link', { name: 'StatefulSet Basics' });
  assert.equal(await link.getAttribute('href'), 'https://kubernetes.io/docs/tutorials/stateful-application/basic-stateful-set/');
});

test('axe-core: no violations with a tour step open (no rules disabled)', async () => {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, []);
});

test('complete the tour by clicking Run on every step', async () => {
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('7'); // as fast as possible
  const t0 = Date.now();
  const times = await walk(async (_cmd, button) => {
    await button.click();
  });
  console.log(`tour by Run buttons: ${TITLES.length} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s (slowest step ${Math.max(...times)} ms)`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'tour-done.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('?step=N opens at that step, and Previous/Next move through the tour', async () => {
  await page.goto(`${server.url}?tour=statefulset-basics&step=5`);
  await waitForMount(page);
  await page.waitForFunction(() => /^Step 5 of /.test(document.querySelector('.tour-status')?.textContent ?? ''));
  assert.equal((await currentStep()).title, TITLES[4]);
  await tours().getByRole('button', { name: 'Previous step', exact: true }).click();
  await page.waitForFunction(() => /^Step 4 of /.test(document.querySelector('.tour-status')?.textContent ?? ''));
  assert.equal((await currentStep()).title, TITLES[3]);
});

test('a bad tour name or a missing tour file is a clear message, not a blank panel', async () => {
  await page.goto(`${server.url}?tour=..%2Fsecret`);
  await waitForMount(page);
  await tours().getByRole('alert').filter({ hasText: 'may only contain lower-case letters' }).waitFor();
  await page.goto(`${server.url}?tour=no-such-tour`);
  await waitForMount(page);
  await tours().getByRole('alert').filter({ hasText: 'tours/no-such-tour.md answered HTTP 404' }).waitFor();
  // The browser logs the 404 itself; that one is expected here.
  const expected = errors.filter((e) => /404/.test(e));
  assert.equal(expected.length, 1, errors.join('\n'));
  errors.splice(errors.indexOf(expected[0]), 1);
  assert.deepEqual(errors, []);
});

test('complete the tour again by typing every command in the terminal', async () => {
  await page.goto(server.url);
  await waitForMount(page);
  // The Tours control starts the tour on a fresh cluster.
  await tours().getByRole('button', { name: 'StatefulSet Basics', exact: true }).click();
  await waitStatus(`Step 1 of ${TITLES.length}: not done yet`);
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('7');
  const t0 = Date.now();
  const times = await walk(async (cmd) => {
    await terminal().fill(cmd);
    await terminal().press('Enter');
  });
  console.log(`tour by typing: ${TITLES.length} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s (slowest step ${Math.max(...times)} ms)`);
  assert.deepEqual(errors, []);
});

test('?tour=statefulset-basics&step=3 on a fresh browser opens with steps 1 and 2 already run', async () => {
  // A fresh context: no stored scenario, so the page opens the tour on a fresh cluster and
  // fast-forwards it (a restored cluster would only move the panel).
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const fresh = await context.newPage();
  const freshErrors = [];
  fresh.on('pageerror', (e) => freshErrors.push(String(e)));
  fresh.on('console', (m) => { if (m.type() === 'error') freshErrors.push(m.text()); });
  const t0 = Date.now();
  await fresh.goto(`${server.url}?tour=statefulset-basics&step=3`);
  await waitForMount(fresh);
  const mounted = Date.now();
  const pod = (name) => fresh.locator(`[role="listitem"][data-pod="${name}"]`);
  for (const name of ['web-0', 'web-1']) {
    await fresh.waitForFunction((n) => {
      const el = document.querySelector(`[role="listitem"][data-pod="${n}"]`);
      return el && / Running, Ready, worker-\d+, image registry\.k8s\.io\/nginx-slim:0\.8$/.test(el.getAttribute('aria-label') ?? '');
    }, name, { timeout: 20_000, polling: 50 });
    assert.match(await pod(name).getAttribute('aria-label'),
      new RegExp(`^Pod ${name}, Running, Ready, worker-\\d+, image registry\\.k8s\\.io/nginx-slim:0\\.8$`));
  }
  const ready = Date.now();
  await fresh.waitForFunction((want) => [...document.querySelectorAll('.tour-status')]
    .some((e) => e.textContent.startsWith(want)), `Step 3 of ${TITLES.length}`, { timeout: 20_000, polling: 50 });
  const title = (await fresh.getByRole('region', { name: 'Tours', exact: true }).locator('#tour-step-title').textContent()).trim();
  assert.equal(title, TITLES[2]);
  // The terminal shows what ran to get here, through the same path as the Run buttons.
  const log = await fresh.getByRole('log', { name: 'Terminal output', exact: true }).textContent();
  assert.match(log, new RegExp(`Opening at step 3 of ${TITLES.length}: running steps 1 to 2 first\\.`));
  assert.match(log, /\$ kubectl apply -f https:\/\/k8s\.io\/examples\/application\/web\/web\.yaml/);
  assert.match(log, /\$ kubectl get pods -l app=nginx/);
  console.log(`?step=3: mounted after ${mounted - t0} ms, web-0 and web-1 Running and Ready after ${ready - t0} ms (wall)`);
  await fresh.screenshot({ path: path.join(ARTIFACTS, 'tour-step-3.png'), fullPage: true });
  assert.deepEqual(freshErrors, []);
  await context.close();
});
