// End-to-end: a partitioned rolling update, as the tutorial's "Staging an update" and "Rolling
// out a canary" sections do it, watched through the page (issue 6: "how a partitioned rollout
// proceeds"). The StatefulSet's partition line says which ordinals are held and which take the
// update revision; only those at or above the partition are replaced, highest ordinal first;
// moving the partition to 0 rolls the rest. Beyond 40 ordinals the line is drawn as ranges.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, openApp } from './support.mjs';

const OLD = 'registry.k8s.io/nginx-slim:0.8';
const NEW = 'registry.k8s.io/nginx-slim:0.24';
let server, browser, page, errors;
let run, input; // from openApp: a line typed into the terminal, and its input
const terminal = () => input;
// Read in one evaluation (a locator's evaluateAll finds the elements first and reads them in
// a later task, by when a card may have become a ghost).
const partitionLine = () => page.evaluate(() => [...document.querySelectorAll('ol[aria-label="Partition of web"] > li')]
  .map((li) => li.getAttribute('aria-label')));
const setText = () => page.locator('[data-sts="web"]').innerText();
const labels = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-pod]')]
  .map((c) => [c.dataset.pod, c.getAttribute('aria-label')])));
async function partition(p) {
  await run(`kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":${p}}}}}'`);
}
/// Polls the pods' accessible names until `done` holds; returns the order in which pods first
/// showed up Ready on the new image.
async function watchRollout(done, timeout = 60_000) {
  const order = [];
  const t0 = Date.now();
  for (;;) {
    const now = await labels();
    for (const [pod, label] of Object.entries(now)) {
      if (label.includes(', Running, Ready, ') && label.endsWith(`image ${NEW}`) && !order.includes(pod)) order.push(pod);
    }
    if (done(now)) return order;
    if (Date.now() - t0 > timeout) throw new Error(`rollout timed out; pods: ${JSON.stringify(now)}`);
    await page.waitForTimeout(50);
  }
}
const readyOn = (image, pods) => (now) => pods.every((p) => now[p]?.includes(', Running, Ready, ') && now[p].endsWith(`image ${image}`));

before(async () => {
  ({ server, browser, page, errors, run, terminal: input } = await openApp({ width: 1400, height: 1000 }));
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('6'); // 16×
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a partition holds the lower ordinals: the line says so, and only ordinals at or above it roll, highest first', async () => {
  await run('kubectl apply -f web.yaml');
  await run('kubectl scale sts web --replicas=4');
  await watchRollout(readyOn(OLD, ['web-0', 'web-1', 'web-2', 'web-3']));
  assert.deepEqual(await partitionLine(), [
    'ordinal 0: gets the update revision',
    'ordinal 1: gets the update revision',
    'ordinal 2: gets the update revision',
    'ordinal 3: gets the update revision',
  ]);
  assert.match(await setText(), /Partition 0: every ordinal gets the update revision\./);

  await partition(2);
  await page.waitForFunction(() => /Partition 2: ordinals ≥ 2 get the update revision; ordinals below 2 keep the current one\./
    .test(document.querySelector('[data-sts="web"]')?.innerText ?? ''));
  assert.deepEqual(await partitionLine(), [
    'ordinal 0: held at the current revision',
    'ordinal 1: held at the current revision',
    'ordinal 2: gets the update revision',
    'ordinal 3: gets the update revision',
  ]);

  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('5'); // 8×: watch the order
  await run(`kubectl set image statefulset/web nginx=${NEW}`);
  const order = await watchRollout(readyOn(NEW, ['web-2', 'web-3']));
  assert.deepEqual(order, ['web-3', 'web-2'], 'the updated ordinals are replaced highest first');
  // Held below the partition: still the old image, never replaced, and the set says so.
  await page.waitForTimeout(1_000);
  const held = await labels();
  for (const pod of ['web-0', 'web-1']) {
    assert.match(held[pod], new RegExp(`, Running, Ready, worker-\\d, image ${OLD.replaceAll('.', '\\.')}$`), pod);
  }
  const counts = await page.locator('[data-sts="web"] .counts').innerText();
  assert.match(counts, /current\s+2/);
  assert.match(counts, /updated\s+2/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'partition-2.png') });

  // The partition moves to 0: the held ordinals roll too, web-1 before web-0.
  await partition(0);
  const rest = await watchRollout(readyOn(NEW, ['web-0', 'web-1', 'web-2', 'web-3']));
  assert.deepEqual(rest.filter((p) => p === 'web-0' || p === 'web-1'), ['web-1', 'web-0']);
  assert.deepEqual(await partitionLine(), [
    'ordinal 0: gets the update revision',
    'ordinal 1: gets the update revision',
    'ordinal 2: gets the update revision',
    'ordinal 3: gets the update revision',
  ]);
  assert.deepEqual(errors, []);
});

test('beyond 40 ordinals the partition line is two ranges that meet at the partition', async () => {
  await run('kubectl scale sts web --replicas=50');
  await page.waitForFunction(() => document.querySelector('[data-sts="web"] .counts dd')?.textContent === '50');
  assert.deepEqual(await partitionLine(), ['ordinals 0–49: get the update revision']);
  await partition(45);
  await page.waitForFunction(() => /Partition 45:/.test(document.querySelector('[data-sts="web"]')?.innerText ?? ''));
  assert.deepEqual(await partitionLine(), [
    'ordinals 0–44: held at the current revision',
    'ordinals 45–49: get the update revision',
  ]);
  assert.deepEqual(errors, []);
});
