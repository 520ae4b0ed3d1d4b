// UI benchmarks (numbers only; never fails on timing): load to cluster drawn + terminal focused,
// Enter → first terminal output, and script time per frame (p95) while 0 → 200 pods animate
// (Parallel) at 1× and 16×, with long tasks counted. Run by load-bench.mjs (`cargo xtask bench`)
// or alone: `node tests/e2e/ui-bench.mjs` (ORDINAL_DIST selects the site, ORDINAL_BENCH_RUNS the
// load runs, ORDINAL_BENCH_REPLICAS the scale-up: 200 unless set).
import { launch, serveDist, waitForMount } from './support.mjs';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const ms = (x) => `${x.toFixed(1)} ms`;
const REPLICAS = Number(process.env.ORDINAL_BENCH_REPLICAS ?? 200);

const INIT = () => {
  window.__ordinalFrames = [];
  window.__ordinalFrameParts = [];
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
  // Long animation frames (> 50 ms), to say where a long task's time went: the page's tick
  // (model, view model, publish: timed by the page), the rest of the frame's scripts (Leptos
  // effects after the tick, timers) and rendering (style, layout, paint) after them.
  window.__loaf = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      window.__loaf.push({ start: e.startTime, duration: e.duration, render: e.startTime + e.duration - (e.styleAndLayoutStart || e.startTime + e.duration) });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  // The page pushes each frame's tick time into __ordinalFrames: note when, to match frames.
  window.__frameAt = [];
  class TimedFrames extends Array {
    push(v) { window.__frameAt.push(performance.now()); return super.push(v); }
  }
  window.__ordinalFrames = new TimedFrames();
  // Load → cluster drawn (worker lanes) and terminal focused.
  const check = () => {
    if (document.querySelector('[data-node="worker-1"] [role="list"]')
      && document.activeElement?.id === 'terminal-input') {
      window.__readyAt = performance.now();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
};

export async function uiBench(runs = 3) {
  const server = await serveDist();
  const browser = await launch();
  const ready = [];
  const enter = [];
  const frames = {};
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(INIT);
      await page.goto(server.url);
      await waitForMount(page);
      await page.waitForFunction(() => window.__readyAt !== undefined);
      ready.push(await page.evaluate(() => window.__readyAt));
      // Enter → first output: time from the keydown to the first mutation of the output log.
      const t = await page.evaluate(() => new Promise((resolve) => {
        const out = document.querySelector('[role="log"][aria-label="Terminal output"]');
        const input = document.getElementById('terminal-input');
        let t0 = 0;
        new MutationObserver(() => { if (t0) resolve(performance.now() - t0); })
          .observe(out, { childList: true, subtree: true, characterData: true });
        input.value = 'kubectl get nodes';
        t0 = performance.now();
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }));
      enter.push(t);
      await context.close();
    }
    for (const [label, speedIndex] of [['1×', 2], ['16×', 6]]) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      await page.addInitScript(INIT);
      await page.goto(server.url);
      await waitForMount(page);
      await page.getByRole('slider', { name: 'Speed', exact: true }).fill(String(speedIndex));
      const term = page.getByRole('textbox', { name: 'Terminal', exact: true });
      await term.fill('kubectl apply -f web-parallel.yaml');
      await term.press('Enter');
      await term.fill(`kubectl scale sts web --replicas=${REPLICAS}`);
      // Counted from before the scale command, so the frame whose sync creates all 200 pods
      // (and their claims) is in the numbers.
      await page.evaluate(() => {
        window.__ordinalFrames.length = 0;
        window.__ordinalFrameParts.length = 0;
        window.__frameAt.length = 0;
        window.__longTasks.length = 0;
        window.__loaf.length = 0;
      });
      await term.press('Enter');
      await page.waitForTimeout(10_000);
      const r = await page.evaluate(() => ({
        frames: [...window.__ordinalFrames],
        parts: [...window.__ordinalFrameParts],
        long: [...window.__longTasks],
        // Per long frame: [duration, the page's model time, its whole tick, rendering].
        loaf: window.__loaf.map((l) => {
          const i = window.__frameAt.findIndex((t) => t >= l.start && t <= l.start + l.duration);
          const parts = i >= 0 ? window.__ordinalFrameParts[i] : null;
          return [l.duration, parts ? parts[0] : 0, i >= 0 ? window.__ordinalFrames[i] : 0, l.render];
        }),
        pods: document.querySelectorAll('[data-pod]').length,
        ready: [...document.querySelectorAll('[data-pod]')].filter((e) => / Ready, /.test(e.getAttribute('aria-label'))).length,
      }));
      frames[label] = r;
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`UI benchmark (headless Chromium, localhost; numbers only)`);
  console.log(`  load → cluster drawn + terminal focused   median ${ms(pct(ready, 50))}   runs: ${ready.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`  Enter → first terminal output             median ${ms(pct(enter, 50))}   runs: ${enter.map((x) => x.toFixed(1)).join(', ')}`);
  for (const [label, r] of Object.entries(frames)) {
    console.log(`  0→${REPLICAS} pods (Parallel) at ${label.padEnd(4)} tick+render per frame: p50 ${ms(pct(r.frames, 50))}, p95 ${ms(pct(r.frames, 95))}, max ${ms(Math.max(...r.frames))} over ${r.frames.length} frames; long tasks > 50 ms: ${r.long.length}${r.long.length ? ` (max ${ms(Math.max(...r.long))})` : ''}; after 10 s: ${r.pods} pods, ${r.ready} Ready`);
    if (r.loaf.length) {
      // Where the long frames' time went (each: total = model + rest of the tick + other
      // script, mostly Leptos' DOM effects + rendering).
      const f = (x) => x.toFixed(0);
      console.log(`      long frames (> 50 ms): ${r.loaf.map(([d, m, t, rnd]) => `${f(d)} = model ${f(m)} + tick ${f(t - m)} + effects ${f(Math.max(0, d - t - rnd))} + render ${f(rnd)}`).join('; ')}`);
    }
    if (r.parts.length) {
      // Where the frame's script time goes: the model (queued inputs + virtual time), the
      // view-model build and the publish into signals (frames that rebuilt only for the last two).
      const col = (i, rebuiltOnly) => r.parts.filter((p) => !rebuiltOnly || p[1] > 0).map((p) => p[i]);
      const rebuilt = col(1, true).length;
      console.log(`      split: model p50 ${ms(pct(col(0), 50))} p95 ${ms(pct(col(0), 95))} max ${ms(Math.max(...col(0)))}; view model p50 ${ms(pct(col(1, true), 50))} p95 ${ms(pct(col(1, true), 95))}; publish p50 ${ms(pct(col(2, true), 50))} p95 ${ms(pct(col(2, true), 95))} (${rebuilt} of ${r.parts.length} frames rebuilt)`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await uiBench(Number(process.env.ORDINAL_BENCH_RUNS ?? 3));
}
