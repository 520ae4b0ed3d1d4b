// End-to-end: many pods (issue 6, level of detail). 120 Parallel replicas at 16× in Debian's
// Chromium: beyond 60 pods the cards go compact and the page catches up on cards held back by
// its per-frame budgets from the last view model; every pod still gets its card, in its node's
// lane, with the accessible name the contract gives, and a change to one pod reaches its card.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ARTIFACTS, openApp } from './support.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const REPLICAS = 120;
let server, browser, page, errors;
let run, input; // from openApp: a line typed into the terminal, and its input
const terminal = () => input;

before(async () => {
  ({ server, browser, page, errors, run, terminal: input } = await openApp({ width: 1600, height: 1000 }));
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
  // A compact card still shows its pod's whole name: not clipped, not under the menu button.
  const hidden = await page.evaluate(() => [...document.querySelectorAll('[data-pod]')].filter((c) => {
    const name = c.querySelector('.pod-name').getBoundingClientRect();
    const button = c.querySelector('.pod-actions').getBoundingClientRect();
    const card = c.getBoundingClientRect();
    const overlaps = name.right > button.left + 0.5 && name.bottom > button.top + 0.5 && name.top < button.bottom - 0.5;
    return overlaps || name.right > card.right || name.width < 1;
  }).map((c) => c.dataset.pod));
  assert.deepEqual(hidden, [], 'every compact card shows its whole name');
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

test(`with ${REPLICAS} claims and ${2 * REPLICAS} DNS records the storage shelf and the DNS table scroll in place, by keyboard too, and the page passes axe`, async () => {
  // Off-screen regions skip layout (`content-visibility: auto`): each is measured in view.
  const boxes = await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const box = async (name) => {
      const el = [...document.querySelectorAll('[role="region"]')]
        .find((r) => document.getElementById(r.getAttribute('aria-labelledby'))?.textContent === name);
      el?.scrollIntoView();
      await frame();
      return el && {
        height: el.getBoundingClientRect().height,
        rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
        scrolls: el.scrollHeight > el.clientHeight,
        tabindex: el.getAttribute('tabindex'),
      };
    };
    return {
      storage: await box('Storage'),
      dns: await box('DNS records'),
      claims: document.querySelectorAll('[data-pvc]').length,
      volumes: document.querySelectorAll('[data-pv]').length,
      records: document.querySelectorAll('[data-dns]').length,
    };
  });
  assert.equal(boxes.claims, REPLICAS, 'every claim has its card');
  assert.equal(boxes.volumes, REPLICAS, 'every volume has its row');
  assert.ok(boxes.records >= 2 * REPLICAS, `an A and an SRV record per Ready pod (${boxes.records})`);
  for (const [name, b] of [['Storage', boxes.storage], ['DNS records', boxes.dns]]) {
    assert.ok(b, `a region labelled ${name}`);
    assert.ok(b.scrolls, `${name} scrolls within its box`);
    assert.ok(b.height <= 24 * b.rem + 1, `${name} stays within 24rem (${b.height}px)`);
    assert.equal(b.tabindex, '0', `${name} can be scrolled from the keyboard`);
  }
  // The last claim's card scrolls into view inside the shelf and its button works there.
  const last = page.locator(`[data-pvc="www-web-${REPLICAS - 1}"]`);
  await last.scrollIntoViewIfNeeded();
  assert.match(await last.getAttribute('aria-label'), new RegExp(`^PersistentVolumeClaim www-web-${REPLICAS - 1}, Bound, pvc-`));
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, [], 'axe with many pods');
  assert.deepEqual(errors, []);
});
