// End-to-end: many pods (issue 6, level of detail). 120 Parallel replicas at 16× in Debian's
// Chromium: beyond 60 pods the cards go compact and the page catches up on cards held back by
// its per-frame budgets from the last view model; every pod still gets its card, in its node's
// lane, with the accessible name the contract gives, and a change to one pod reaches its card.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, openApp } from './support.mjs';

const REPLICAS = 120;
let server;
let browser;
let page;
let errors;

const terminal = () => page.getByRole('textbox', { name: 'Terminal', exact: true });
async function run(line) {
  await terminal().fill(line);
  await terminal().press('Enter');
}

before(async () => {
  ({ server, browser, page, errors } = await openApp({ width: 1600, height: 1000 }));
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('6');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test(`${REPLICAS} Parallel replicas: every pod gets a compact card in its node's lane, and a deleted pod's card says so and its replacement arrives`, async () => {
  await run('kubectl apply -f web-parallel.yaml');
  await run(`kubectl scale sts web --replicas=${REPLICAS}`);
  // All Ready, every one with its card (the last ones published by catch-up frames).
  await page.waitForFunction((n) => {
    const cards = [...document.querySelectorAll('[data-pod]')];
    return cards.length === n && cards.every((c) => / Running, Ready, worker-\d, /.test(c.getAttribute('aria-label')));
  }, REPLICAS, { timeout: 90_000, polling: 250 });
  const state = await page.evaluate(() => {
    const cards = [...document.querySelectorAll('[data-pod]')];
    const lanes = [...document.querySelectorAll('[role="list"][aria-label^="Pods on worker-"]')];
    return {
      compact: cards.filter((c) => c.classList.contains('compact')).length,
      inLanes: lanes.reduce((n, l) => n + l.querySelectorAll('[data-pod]').length, 0),
      misplaced: lanes.flatMap((l) => [...l.querySelectorAll('[data-pod]')]
        .filter((c) => !c.getAttribute('aria-label').includes(`, ${l.getAttribute('aria-label').slice('Pods on '.length)}, `))
        .map((c) => c.dataset.pod)),
      names: new Set(cards.map((c) => c.dataset.pod)).size,
    };
  });
  assert.equal(state.names, REPLICAS, 'one card per pod');
  assert.equal(state.compact, REPLICAS, 'every card is compact beyond 60 pods');
  assert.equal(state.inLanes, REPLICAS, 'every card sits in a worker lane');
  assert.deepEqual(state.misplaced, [], 'each card is in the lane of the node its name says');
  // One pod is deleted (at 1×, to watch it): its card says Terminating, in text, while its
  // neighbours' do not change; the StatefulSet brings it back and its card is Ready again.
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('2');
  await run('kubectl delete pod web-77');
  await page.waitForFunction(() => /^Pod web-77, Terminating, /.test(
    document.querySelector('[data-pod="web-77"]')?.getAttribute('aria-label') ?? ''), null, { timeout: 30_000 });
  assert.match(await page.locator('[data-pod="web-77"] .pod-status').innerText(), /^Terminating · /);
  assert.match(await page.locator('[data-pod="web-76"]').getAttribute('aria-label'), / Running, Ready, /);
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('6');
  await page.waitForFunction(() => /^Pod web-77, Running, Ready, /.test(
    document.querySelector('[data-pod="web-77"]')?.getAttribute('aria-label') ?? ''), null, { timeout: 60_000 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'many-pods.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
