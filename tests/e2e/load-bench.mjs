// Browser load benchmark: dist/ over localhost in Debian's headless Chromium, each run a fresh
// browser context (cold cache). Prints load-to-`app-mounted` and first-contentful-paint, median
// of ORDINAL_BENCH_RUNS (default 5). Prints numbers; never fails on timing.
import { launch, serveDist, waitForMount } from './support.mjs';

const RUNS = Number(process.env.ORDINAL_BENCH_RUNS ?? 5);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

const server = await serveDist();
const browser = await launch();
const samples = { mounted: [], fcp: [], wasm: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await waitForMount(page);
    const r = await page.evaluate(async () => {
      const fcp = await new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const e = list.getEntries().find((x) => x.name === 'first-contentful-paint');
          if (e) resolve(e.startTime);
        }).observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(NaN), 5000);
      });
      const mounted = performance.getEntriesByName('app-mounted', 'mark')[0].startTime;
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return { mounted, fcp, wasm: wasm ? wasm.responseEnd - wasm.startTime : NaN };
    });
    samples.mounted.push(r.mounted);
    samples.fcp.push(r.fcp);
    samples.wasm.push(r.wasm);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`load benchmark: dist/ over localhost, headless Chromium, median of ${RUNS} cold loads`);
for (const [name, xs] of [
  ['load-to-app-mounted', samples.mounted],
  ['first-contentful-paint', samples.fcp],
  ['wasm fetch (resource timing)', samples.wasm],
]) {
  console.log(`  ${name.padEnd(30)} ${ms(median(xs)).padStart(10)}   runs: ${xs.map((x) => x.toFixed(0)).join(', ')}`);
}

const { uiBench } = await import('./ui-bench.mjs');
await uiBench(RUNS);
