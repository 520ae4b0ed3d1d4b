// End-to-end: the one-tag embed and its postMessage API (issue 7, part 3), from the example
// host page in dist/examples/ served under a sub-path, in Debian's Chromium.
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
const errors = [];

before(async () => {
  await fs.access(path.join(DIST, 'embed.html'));
  await fs.access(path.join(DIST, 'examples/two-embeds.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
  // Tall enough that both embeds are on screen (an off-screen embed pauses its model).
  context = await browser.newContext({ viewport: { width: 1400, height: 1500 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}examples/two-embeds.html`);
  await page.waitForFunction(() => window.ordinalHost?.replies.some((m) => m.type === 'ordinal:event' && m.kind === 'ready'), null, { timeout: 60_000 });
  await waitForMount(frameB());
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const frameA = () => page.frames().find((f) => f.url().includes('id=example-a'));
const frameB = () => page.frames().find((f) => f.url().includes('id=example-b'));
const shot = (p, name) => p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Sends a message from the host page to the first embed; resolves with its reply. */
async function ask(msg, timeout = 30_000) {
  const id = await page.evaluate((m) => window.ordinalHost.send(m), msg);
  const handle = await page.waitForFunction(
    (id) => window.ordinalHost.replies.find((m) => m.id === id && m.type !== 'ordinal:event'),
    id, { timeout });
  return handle.jsonValue();
}
const podsOf = (state) => Object.fromEntries(state.pods.map((p) => [p.name, `${p.status} ${p.ready}`]));

test('the host page drives one embed: run, get-state, pause, play', async () => {
  const applied = await ask({ type: 'ordinal:run', command: 'kubectl apply -f web.yaml' });
  assert.equal(applied.protocol, 1);
  assert.equal(applied.finished, true);
  assert.equal(applied.output, 'service/nginx created\nstatefulset.apps/web created\n');
  // Blocks until both pods are Ready; the reply comes when the command finishes.
  const rollout = await ask({ type: 'ordinal:run', command: 'kubectl rollout status sts/web --timeout=5m' }, 120_000);
  if (!rollout.finished) {
    await page.waitForFunction(() => window.ordinalHost.replies.filter((m) => m.request === 'ordinal:run').length >= 2);
  }
  let state;
  for (let i = 0; i < 600; i++) {
    state = await ask({ type: 'ordinal:get-state' });
    if (state.pods.length === 2 && state.pods.every((p) => p.ready)) break;
    await page.waitForTimeout(200);
  }
  assert.deepEqual(podsOf(state), { 'web-0': 'Running true', 'web-1': 'Running true' });
  assert.match(state.eventLogHash, /^[0-9a-f]{16}$/);
  assert.match(state.time, /^\d\d:\d\d:\d\d$/);
  assert.equal(state.tour, null);
  // The same pods in the embed's own view, and the command in its terminal.
  await frameA().locator('[data-pod="web-1"]').waitFor();
  await frameA().getByRole('log', { name: 'Terminal output', exact: true }).getByText('$ kubectl apply -f web.yaml').waitFor();
  // The host's log shows the replies as text.
  await page.getByRole('log', { name: 'Replies and events' }).getByText(/state at .*web-0 Running ready/).first().waitFor();
  // Events out: controller reasons, rate-bounded.
  const events = await page.evaluate(() => window.ordinalHost.replies.filter((m) => m.kind === 'reason'));
  assert.ok(events.length > 0, 'reason events arrived');
  assert.ok(events.some((e) => /web-0/.test(e.text)), JSON.stringify(events.slice(0, 3)));

  const paused = await ask({ type: 'ordinal:pause' });
  assert.deepEqual([paused.ok, paused.running], [true, false]);
  await frameA().getByRole('button', { name: 'Play', exact: true }).waitFor();
  const t1 = (await ask({ type: 'ordinal:get-state' })).timeMs;
  await page.waitForTimeout(600);
  assert.equal((await ask({ type: 'ordinal:get-state' })).timeMs, t1, 'paused: model time stands still');
  await ask({ type: 'ordinal:play' });
  await frameA().getByRole('button', { name: 'Pause', exact: true }).waitFor();
  // This embed has no tour open: goto-step says so.
  const step = await ask({ type: 'ordinal:goto-step', step: 2 });
  assert.equal(step.ok, false);
  assert.equal(step.error, 'no tour');
  await shot(page, 'embed-host-driven');
});

test('the other embed keeps its own state and storage', async () => {
  assert.equal(await frameB().locator('[data-pod]').count(), 0, 'no pods in the second embed');
  const out = await frameB().getByRole('log', { name: 'Terminal output', exact: true }).innerText();
  assert.doesNotMatch(out, /statefulset\.apps\/web created/);
  await page.waitForTimeout(2_500); // state is saved at most every 2 s
  const keys = await frameA().evaluate(() => Object.keys(localStorage).sort());
  assert.ok(keys.includes('ordinal.v1.embed.id-example-a.scenario'), keys.join());
  assert.ok(!keys.includes('ordinal.v1.scenario'), 'an embed never writes the main app\'s key');
  const a = JSON.parse(await frameA().evaluate(() => localStorage.getItem('ordinal.v1.embed.id-example-a.scenario')));
  assert.ok(a.inputs.length > 0);
  const b = await frameB().evaluate(() => localStorage.getItem('ordinal.v1.embed.id-example-b.scenario'));
  if (b) assert.equal(JSON.parse(b).inputs.length, 0);
  // Reloading the second embed does not pick up the first one's cluster.
  await frameB().goto(frameB().url());
  await waitForMount(frameB());
  await page.waitForTimeout(500);
  assert.equal(await frameB().locator('[data-pod]').count(), 0);
});

test('wrong-origin, wrong-source and malformed messages are ignored', async () => {
  const before = await ask({ type: 'ordinal:get-state' });
  const count = () => page.evaluate(() => window.ordinalHost.replies.filter((m) => m.type !== 'ordinal:event').length);
  const n0 = await count();
  // Not ours, or not a plain object: silently ignored.
  await page.evaluate(() => {
    const w = document.getElementById('embed-a').contentWindow;
    const o = new URL(document.getElementById('embed-a').src, location.href).origin;
    for (const m of ['ordinal:pause', ['ordinal:pause'], null, 42, { type: 5 }, { type: 'other:pause' },
      new Date(), new Map([['type', 'ordinal:pause']])]) w.postMessage(m, o);
  });
  // Ours but malformed: refused with an error reply, nothing changes.
  const bad = await ask({ type: 'ordinal:run', command: 'x'.repeat(5_000) });
  assert.equal(bad.type, 'ordinal:error');
  assert.match(bad.error, /command longer than 4096 bytes/);
  const unknown = await ask({ type: 'ordinal:explode' });
  assert.match(unknown.error, /unknown message type/);
  const step = await ask({ type: 'ordinal:goto-step', step: 'three' });
  assert.match(step.error, /integer from 1/);
  assert.equal(await count(), n0 + 3, 'only the three refusals were answered');
  // From a sibling frame (same origin, but not the parent window): ignored.
  await frameB().evaluate(() => parent.frames[0].postMessage({ type: 'ordinal:pause', protocol: 1, id: 'sibling' }, '*'));
  await page.waitForTimeout(500);
  const after = await ask({ type: 'ordinal:get-state' });
  assert.equal(after.running, true, 'still running: the pause from the sibling was ignored');
  assert.deepEqual(podsOf(after), podsOf(before));

  // An embed told to trust another origin answers nothing from this page.
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.id = 'embed-c';
    f.title = 'Ordinal playground: wrong host origin';
    f.src = '../embed.html?id=example-c&host-origin=https://docs.example.invalid';
    document.querySelector('.embeds').append(f);
    window.fromC = [];
    window.addEventListener('message', (ev) => { if (ev.source === f.contentWindow) window.fromC.push(ev.data); });
  });
  const frameC = () => page.frames().find((f) => f.url().includes('id=example-c'));
  await page.waitForFunction(() => document.getElementById('embed-c').contentWindow.performance?.getEntriesByName('app-mounted', 'mark').length > 0, null, { timeout: 30_000 });
  await page.evaluate(() => {
    const w = document.getElementById('embed-c').contentWindow;
    w.postMessage({ type: 'ordinal:get-state', id: 'c1' }, '*');
    w.postMessage({ type: 'ordinal:pause', id: 'c2' }, '*');
  });
  await page.waitForTimeout(1_000);
  assert.deepEqual(await page.evaluate(() => window.fromC), [], 'no ready event, no reply');
  await frameC().getByRole('button', { name: 'Pause', exact: true }).waitFor();
  await page.evaluate(() => document.getElementById('embed-c').remove());
  assert.deepEqual(errors, []);
});

test('goto-step drives an embed\'s tour; step changes are events', async () => {
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.id = 'embed-t';
    f.title = 'Ordinal playground: tour';
    f.src = '../embed.html?id=example-t&tour=statefulset-basics&panels=tour,terminal';
    document.querySelector('.embeds').prepend(f);
    window.fromT = [];
    window.addEventListener('message', (ev) => { if (ev.source === f.contentWindow) window.fromT.push(ev.data); });
  });
  const askT = async (m) => {
    await page.waitForFunction(() => window.fromT.some((m) => m.kind === 'ready'), null, { timeout: 30_000 });
    await page.evaluate((m) => document.getElementById('embed-t').contentWindow.postMessage(m, location.origin), m);
    const h = await page.waitForFunction((id) => window.fromT.find((r) => r.id === id && r.type !== 'ordinal:event'), m.id, { timeout: 10_000 });
    return h.jsonValue();
  };
  let state;
  for (let i = 0; i < 100; i++) {
    state = await askT({ type: 'ordinal:get-state', id: `s${i}` });
    if (state.tour) break;
    await page.waitForTimeout(200);
  }
  assert.equal(state.tour.id, 'statefulset-basics');
  assert.equal(state.tour.step, 1);
  const went = await askT({ type: 'ordinal:goto-step', step: 3, id: 'g3' });
  assert.equal(went.ok, true, JSON.stringify(went));
  await page.waitForFunction(() => window.fromT.some((m) => m.kind === 'step' && m.step === 3), null, { timeout: 10_000 });
  const after = await askT({ type: 'ordinal:get-state', id: 'after' });
  assert.equal(after.tour.step, 3);
  const tEmbed = page.frames().find((f) => f.url().includes('id=example-t'));
  await tEmbed.locator('.tour-status', { hasText: /^Step 3 of/ }).waitFor();
  const out = await askT({ type: 'ordinal:goto-step', step: 999, id: 'g999' });
  assert.equal(out.ok, false);
  assert.match(out.error, /out of range/);
  await page.evaluate(() => document.getElementById('embed-t').remove());
});

test('off-screen, an embed pauses its model; back in view, it runs again', async () => {
  await page.setViewportSize({ width: 1400, height: 300 });
  await page.evaluate(() => { document.body.style.paddingBottom = '3000px'; window.scrollTo(0, 2500); });
  await page.waitForTimeout(300);
  const t1 = (await ask({ type: 'ordinal:get-state' })).timeMs;
  await page.waitForTimeout(800);
  const t2 = (await ask({ type: 'ordinal:get-state' })).timeMs;
  assert.equal(t2, t1, 'model time stands still off-screen');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(800);
  const t3 = (await ask({ type: 'ordinal:get-state' })).timeMs;
  assert.ok(t3 > t2, `runs again in view (${t2} → ${t3})`);
  await page.setViewportSize({ width: 1400, height: 1500 });
});

test('axe-core: the example host page has no violations (no rules disabled)', async () => {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { iframes: false }));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, []);
});

/** Loads embed.html directly (top level) with `query` at `viewport`. */
async function openEmbed(query, viewport) {
  const ctx = await browser.newContext({ viewport });
  const p = await ctx.newPage();
  const errs = [];
  p.on('pageerror', (e) => errs.push(String(e)));
  await p.goto(`${server.url}embed.html?${query}`);
  await waitForMount(p);
  return { ctx, p, errs };
}

async function axe(p) {
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(() => window.axe.run(document));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
}

test('narrow (360 px) and dark: fills the width without overflow, 0 axe violations', async () => {
  const { ctx, p, errs } = await openEmbed('id=narrow&theme=dark&speed=16', { width: 360, height: 740 });
  assert.equal(await p.evaluate(() => document.documentElement.dataset.scheme), 'dark');
  const term = p.getByRole('textbox', { name: 'Terminal', exact: true });
  await term.fill('kubectl apply -f web.yaml');
  await term.press('Enter');
  await p.locator('[data-pod="web-1"]').waitFor({ timeout: 60_000 });
  await p.waitForFunction(() => /Running, Ready/.test(document.querySelector('[data-pod="web-1"]')?.getAttribute('aria-label') ?? ''), null, { timeout: 60_000 });
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot(p, 'embed-narrow-dark');
  assert.deepEqual(await axe(p), []);
  // The editor panel in dark too.
  await p.getByRole('textbox', { name: 'Manifest', exact: true }).scrollIntoViewIfNeeded();
  assert.deepEqual(await axe(p), []);
  assert.deepEqual(errs, []);
  await ctx.close();
});

test('the documented snippet at 360 px in the dark theme: the tour step, no overflow, 0 axe violations', async () => {
  const { ctx, p, errs } = await openEmbed('tour=statefulset-basics&step=3&panels=tour,cluster,terminal&theme=dark', { width: 360, height: 640 });
  await p.locator('.tour-status', { hasText: /^Step 3 of/ }).waitFor({ timeout: 30_000 });
  // The readers get the cluster step 3 expects: steps 1 and 2 ran before it showed.
  for (const name of ['web-0', 'web-1']) {
    await p.waitForFunction((n) => /^Pod [\w-]+, Running, Ready, worker-\d+, image registry\.k8s\.io\/nginx-slim:0\.8$/
      .test(document.querySelector(`[role="listitem"][data-pod="${n}"]`)?.getAttribute('aria-label') ?? ''), name, { timeout: 10_000 });
  }
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  assert.deepEqual(await axe(p), []);
  await shot(p, 'embed-snippet-narrow-dark');
  assert.deepEqual(errs, []);
  await ctx.close();
});

test('query parameters: panels, readonly, autoplay; invalid values give a visible notice', async () => {
  const { ctx, p, errs } = await openEmbed('id=params&panels=cluster,playback,bogus&readonly=1&autoplay=0&speed=99&theme=neon', { width: 800, height: 600 });
  const notice = p.getByRole('status').filter({ hasText: 'Page settings' });
  await notice.waitFor();
  const text = await notice.innerText();
  for (const part of ['unknown panel "bogus"', 'speed="99" is not a number from 0.25 to 16', 'theme="neon" is not light, dark or auto']) {
    assert.ok(text.includes(part), `${part} in ${text}`);
  }
  assert.equal(await p.getByRole('textbox', { name: 'Terminal', exact: true }).count(), 0, 'no terminal');
  assert.equal(await p.getByRole('button', { name: 'Apply', exact: true }).count(), 0, 'no Apply');
  assert.equal(await p.getByRole('log', { name: 'Controller events', exact: true }).count(), 0);
  // autoplay=0: starts paused; playback still works.
  await p.getByRole('button', { name: 'Play', exact: true }).click();
  await p.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  assert.deepEqual(await axe(p), []);
  assert.deepEqual(errs, []);
  await ctx.close();
});

test('the placeholder is text while the wasm loads, and the embed fills its frame', async () => {
  const ctx = await browser.newContext({ viewport: { width: 640, height: 480 } });
  const p = await ctx.newPage();
  // Hold the wasm back to see the placeholder.
  let release;
  const held = new Promise((r) => { release = r; });
  await p.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await p.goto(`${server.url}embed.html?id=placeholder`, { waitUntil: 'domcontentloaded' });
  const status = p.getByRole('status');
  await status.getByText(/Loading the playground/).waitFor();
  const box = await p.locator('#load-status').boundingBox();
  assert.ok(box.height >= 470, `the placeholder fills the frame (${box.height}px)`);
  release();
  await waitForMount(p);
  assert.equal(await p.locator('#load-status').count(), 0);
  await ctx.close();
});
