// End-to-end: presentation (projector) mode (issue 7, part 4) at 1920×1080 in Debian's
// Chromium: P toggles it, large type, ≥ 7:1 contrast measured from computed styles, axe-core
// with no rules disabled, presenter keys, blank screen and the help dialog.
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
const errors = [];

before(async () => {
  await fs.access(path.join(DIST, 'index.html'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await serveDist();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url);
  await waitForMount(page);
  // A cluster worth presenting: the tutorial's StatefulSet, Ready.
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('6');
  await terminal().fill('kubectl apply -f web.yaml');
  await terminal().press('Enter');
  await page.waitForFunction(() => /Running, Ready/.test(document.querySelector('[data-pod="web-1"]')?.getAttribute('aria-label') ?? ''), null, { timeout: 60_000 });
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('2');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const terminal = () => page.getByRole('textbox', { name: 'Terminal', exact: true });
const present = () => page.evaluate(() => document.documentElement.hasAttribute('data-present'));
const blurAll = () => page.evaluate(() => document.activeElement?.blur());
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
// Each key press is its own input event, and the page applies queued steps on its next frame:
// the first step can show before the last is applied. Settled = the timeline unchanged for
// five frames in a row (a late step would otherwise pause the playback the test just started).
const settled = () => page.evaluate(() => new Promise((resolve) => {
  let last = null;
  let same = 0;
  const check = () => {
    const v = document.getElementById('timeline').value;
    same = v === last ? same + 1 : 0;
    last = v;
    if (same >= 5) resolve();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}));

test('keys typed in the terminal never toggle modes', async () => {
  await terminal().focus();
  await page.keyboard.type('Pb.?');
  assert.equal(await terminal().inputValue(), 'Pb.?');
  assert.equal(await present(), false);
  assert.equal(await page.getByRole('dialog').count(), 0);
  await terminal().fill('');
});

test('P turns presentation mode on: chrome hidden, terminal type ≥ 24 px', async () => {
  await blurAll();
  await page.keyboard.press('p');
  assert.equal(await present(), true);
  assert.equal(await page.locator('.masthead .tagline').isVisible(), false, 'masthead hidden');
  assert.ok((await page.locator('.masthead').boundingBox()).height <= 1, 'masthead takes no room');
  await page.getByRole('status').filter({ hasText: 'Presentation mode on' }).waitFor({ state: 'attached' });
  const sizes = await page.evaluate(() => ['.output', '#terminal-input', '.output .line'].map((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)));
  console.log(`terminal font sizes at 1920×1080: ${sizes.join(', ')} px`);
  for (const s of sizes) assert.ok(s >= 24, `terminal text ${s}px ≥ 24px`);
  await shot('present-1080p');
});

/** The lowest text contrast on the page, computed from computed styles (WCAG formula). */
function measureContrast(p) {
  return p.evaluate(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top, under) => ({
      r: top.r * top.a + under.r * (1 - top.a),
      g: top.g * top.a + under.g * (1 - top.a),
      b: top.b * top.a + under.b * (1 - top.a),
      a: 1,
    });
    // The background behind `el`: composite of ancestors' background colours (white page last).
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.backgroundImage !== 'none') throw new Error(`background image behind text: ${e.className}`);
        const c = parse(s.backgroundColor);
        if (c && c.a > 0) { layers.push(c); if (c.a === 1) break; }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      for (const l of layers.reverse()) bg = over(l, bg);
      return bg;
    };
    const hidden = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (e.getAttribute('aria-hidden') === 'true' || s.display === 'none' || s.visibility === 'hidden') return true;
        if (s.clipPath === 'inset(50%)' || (s.position === 'absolute' && e.offsetWidth <= 1 && e.offsetHeight <= 1)) return true;
      }
      return false;
    };
    const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
    const els = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.textContent.trim() && n.parentElement) els.add(n.parentElement);
    }
    for (const el of document.querySelectorAll('textarea, input[type="text"]')) if (el.value || el.placeholder) els.add(el);
    let min = Infinity; let worst = ''; let count = 0;
    for (const el of els) {
      if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || hidden(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const s = getComputedStyle(el);
      const fg0 = parse(s.color);
      const bg = background(el);
      const fg = over({ ...fg0, a: fg0.a * opacity(el) }, bg);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      count++;
      if (ratio < min) { min = ratio; worst = `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.value).trim().slice(0, 40)}" ${s.color} on rgb(${bg.r},${bg.g},${bg.b})`; }
    }
    return { min, worst, count };
  });
}

test('contrast: every visible text ≥ 7:1 (measured from computed styles)', async () => {
  const { min, worst, count } = await measureContrast(page);
  console.log(`presentation mode: ${count} text elements, minimum contrast ${min.toFixed(2)}:1 (${worst})`);
  assert.ok(count > 50, 'measured the page');
  assert.ok(min >= 7, `minimum contrast ${min.toFixed(2)}:1 at ${worst}`);
});

test('axe-core: 0 violations in presentation mode (no rules disabled)', async () => {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  const report = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(report, []);
});

test('presenter keys: . and Space pause/play, [ ] speed, PageUp/PageDown step the model', async () => {
  await blurAll();
  const speed = page.getByRole('slider', { name: 'Speed', exact: true });
  const timeline = page.getByRole('slider', { name: 'Timeline', exact: true });
  const toggle = page.locator('.playback button.toggle');
  const label = async (want, why) => {
    await page.waitForFunction((w) => document.querySelector('.playback button.toggle').textContent === w, want, { timeout: 10_000 })
      .catch(async () => assert.fail(`${why}: toggle reads ${await toggle.textContent()}, state ${await page.locator('.state').textContent()}`));
  };
  await page.keyboard.press('.');
  await label('Play', '. pauses');
  await page.keyboard.press(' ');
  await label('Pause', 'Space plays');
  const s0 = Number(await speed.inputValue());
  await page.keyboard.press(']');
  assert.equal(Number(await speed.inputValue()), s0 + 1);
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  assert.equal(Number(await speed.inputValue()), s0 - 1);
  // No tour: PageUp / ← are Step back (pause, earlier), PageDown / → are Step (later).
  await page.keyboard.press('.');
  await label('Play', '. pauses again');
  const t0 = Number(await timeline.inputValue());
  for (let i = 0; i < 4; i++) await page.keyboard.press('PageUp');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((t) => Number(document.getElementById('timeline').value) < t, t0, { timeout: 10_000 })
    .catch(async () => assert.fail(`step back: timeline stayed at ${await timeline.inputValue()} from ${t0}`));
  await page.locator('.state', { hasText: 'in the past' }).waitFor();
  await settled();
  const t1 = Number(await timeline.inputValue());
  for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((t) => Number(document.getElementById('timeline').value) > t, t1, { timeout: 10_000 })
    .catch(async () => assert.fail(`step: timeline stayed at ${await timeline.inputValue()} from ${t1}`));
  await settled();
  console.log(`presenter keys: timeline ${t0} → ${t1} (back) → ${await timeline.inputValue()} (forward)`);
  await page.keyboard.press('.');
  await label('Pause', '. plays');
});

test('B blanks the screen (and says so to screen readers); B again shows it', async () => {
  await blurAll();
  await page.keyboard.press('b');
  assert.equal(await page.locator('.blank-screen').isVisible(), true);
  const box = await page.locator('.blank-screen').boundingBox();
  assert.deepEqual([box.width, box.height], [1920, 1080]);
  await page.getByRole('status').filter({ hasText: 'Screen blanked. Press B to show the playground again.' }).waitFor({ state: 'attached' });
  await shot('present-blank');
  await page.keyboard.press('B');
  assert.equal(await page.locator('.blank-screen').isVisible(), false);
});

test('? opens the key help as a dialog; Escape closes it and focus returns', async () => {
  const pause = page.getByRole('button', { name: 'Pause', exact: true });
  await pause.focus();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  for (const k of ['Page Down, →', '. or Space', 'B', '[ and ]']) await dialog.getByText(k, { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('dialog')), true, 'focus is in the dialog');
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  assert.deepEqual(result.violations.map((v) => v.id), []);
  await shot('present-help');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Pause', 'focus returned to the Pause button');
  // P leaves presentation mode.
  await blurAll();
  await page.keyboard.press('P');
  assert.equal(await present(), false);
  assert.equal(await page.locator('.masthead .tagline').isVisible(), true);
  assert.deepEqual(errors, []);
});

test('?present opens in presentation mode', async () => {
  const p = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await p.goto(`${server.url}?present&theme=dark`);
  await waitForMount(p);
  assert.equal(await p.evaluate(() => document.documentElement.hasAttribute('data-present')), true);
  const size = await p.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.output')).fontSize));
  assert.ok(size >= 24);
  await p.close();
});

test('with a tour open, PageDown / PageUp move through its steps; still ≥ 7:1 and 0 axe violations', async () => {
  const p = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errs = [];
  p.on('pageerror', (e) => errs.push(String(e)));
  await p.goto(`${server.url}?tour=statefulset-basics&present`);
  await waitForMount(p);
  const status = () => p.locator('.tour-status').innerText();
  await p.waitForFunction(() => /^Step 1 of \d+/.test(document.querySelector('.tour-status')?.textContent ?? ''), null, { timeout: 30_000 });
  await p.evaluate(() => document.activeElement?.blur());
  await p.keyboard.press('PageDown');
  await p.waitForFunction(() => /^Step 2 of/.test(document.querySelector('.tour-status')?.textContent ?? ''), null, { timeout: 10_000 })
    .catch(async () => assert.fail(`PageDown: ${await status()}`));
  await p.keyboard.press('ArrowRight');
  await p.waitForFunction(() => /^Step 3 of/.test(document.querySelector('.tour-status')?.textContent ?? ''), null, { timeout: 10_000 });
  await p.keyboard.press('PageUp');
  await p.waitForFunction(() => /^Step 2 of/.test(document.querySelector('.tour-status')?.textContent ?? ''), null, { timeout: 10_000 });
  const { min, worst, count } = await measureContrast(p);
  console.log(`presentation mode with the tour: ${count} text elements, minimum contrast ${min.toFixed(2)}:1 (${worst})`);
  assert.ok(min >= 7, `minimum contrast ${min.toFixed(2)}:1 at ${worst}`);
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(() => window.axe.run(document));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), []);
  await p.screenshot({ path: path.join(ARTIFACTS, 'present-tour.png') });
  assert.deepEqual(errs, []);
  await p.close();
});
