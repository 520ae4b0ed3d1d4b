// End-to-end: the terminal as a learner uses it, by keyboard (issue 6 §2): Tab completion of
// commands, resource types and names; a multi-line paste runs line by line; ↑/↓ history with the
// draft kept; a live `get -w` that shows a change made from the cluster view and stops on
// Ctrl-C, while the click's command runs in a second terminal; an interactive pod shell (its
// own prompt, `exit` back) where a node's button still acts on the cluster; the tutorial's
// "second terminal", typed into while the first watches; `clear`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openApp } from './support.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server, browser, page, errors;
let run, input; // from openApp: a line typed into the terminal, and its input
const terminal = () => input;
const output = () => page.getByRole('log', { name: 'Terminal output', exact: true });
const prompt = () => page.locator('.prompt-row .prompt').first().innerText();
/// Waits until the terminal output matches `re`; returns the output.
async function outputMatches(re, timeout = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const text = await output().innerText();
    if (re.test(text)) return text;
    if (Date.now() - t0 > timeout) throw new Error(`terminal output never matched ${re}; it is:\n${text}`);
    await page.waitForTimeout(50);
  }
}
/// Waits until the second terminal's log matches `re` (says what it showed if it never does).
async function secondMatches(re, timeout = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const text = await page.evaluate(() =>
      document.querySelector('[aria-label="Second terminal output"]')?.innerText.trim() ?? '(none)');
    if (re.test(text)) return text;
    if (Date.now() - t0 > timeout) {
      throw new Error(`second terminal never matched ${re}; it is:\n${text}\nterminal:\n${await output().innerText()}`);
    }
    await page.waitForTimeout(50);
  }
}
async function idle() {
  await page.waitForFunction(() => document.querySelector('.prompt-row .prompt')?.textContent.trim() !== '');
}

before(async () => {
  ({ server, browser, page, errors, run, terminal: input } = await openApp({ width: 1400, height: 1000 }));
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('6'); // 16×
  await run('kubectl apply -f web.yaml');
  await page.waitForFunction(() => /^Pod web-1, Running, Ready, /.test(
    document.querySelector('[data-pod="web-1"]')?.getAttribute('aria-label') ?? ''), null, { timeout: 30_000 });
  await page.getByRole('slider', { name: 'Speed', exact: true }).fill('2'); // 1×
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('Tab completes a command, a flag and a pod name; several choices are listed under the input', async () => {
  await terminal().fill('kubectl sc');
  await terminal().press('Tab');
  assert.equal(await terminal().inputValue(), 'kubectl scale ');
  await terminal().fill('kubectl get pods --wa');
  await terminal().press('Tab');
  assert.equal(await terminal().inputValue(), 'kubectl get pods --watch ');
  await terminal().fill('kubectl delete pod w');
  await terminal().press('Tab');
  assert.equal(await terminal().inputValue(), 'kubectl delete pod web-');
  assert.match(await page.locator('#terminal-hint').innerText(), /^web-0\s+web-1$/);
  await terminal().press('1');
  await terminal().press('Tab');
  assert.equal(await terminal().inputValue(), 'kubectl delete pod web-1 ');
  // An empty input lets Tab move focus on (the page stays keyboard-navigable).
  await terminal().fill('');
  await terminal().press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'terminal-input');
  await terminal().focus();
});

test('a pasted block runs line by line, in order, and the unfinished last line stays in the input', async () => {
  await terminal().fill('');
  await page.keyboard.insertText('kubectl get sts web\nkubectl get svc nginx\nkubectl get po');
  const text = await outputMatches(/\$ kubectl get svc nginx\nNAME +TYPE[^\n]*\nnginx +ClusterIP +None /);
  assert.ok(text.indexOf('$ kubectl get sts web') < text.indexOf('$ kubectl get svc nginx'), 'in order');
  assert.match(text, /\$ kubectl get sts web\nNAME +READY +AGE\nweb +2\/2 /);
  assert.equal(await terminal().inputValue(), 'kubectl get po', 'the last line is left for editing');
});

test('↑ and ↓ walk the history and come back to the draft', async () => {
  await terminal().press('ArrowUp');
  assert.equal(await terminal().inputValue(), 'kubectl get svc nginx');
  await terminal().press('ArrowUp');
  assert.equal(await terminal().inputValue(), 'kubectl get sts web');
  await terminal().press('ArrowDown');
  assert.equal(await terminal().inputValue(), 'kubectl get svc nginx');
  await terminal().press('ArrowDown');
  assert.equal(await terminal().inputValue(), 'kubectl get po', 'the draft comes back');
  await terminal().fill('');
});

test('a live watch shows a pod deleted from the cluster view, and Ctrl-C stops it', async () => {
  await run('clear');
  await run('kubectl get pods -w -l app=nginx');
  await outputMatches(/NAME +READY +STATUS +RESTARTS +AGE\nweb-0 +1\/1 +Running +0 +\S+\nweb-1 +1\/1 +Running +0 +\S+/);
  assert.equal((await prompt()).trim(), '', 'no prompt while the watch runs');
  // Deleted from the pod's menu while the watch runs: the watch prints the pod's new states.
  await page.getByRole('button', { name: 'Actions for web-1', exact: true }).click();
  await page.getByRole('group', { name: 'Faults for web-1' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await outputMatches(/\nweb-1 +1\/1 +Terminating +0 +\S+\n/);
  await outputMatches(/\nweb-1 +0\/1 +Pending +0 +\S+\n/);
  // The click's command ran in the second terminal, not typed into the watch.
  const second = page.getByRole('log', { name: /^Second terminal/ });
  await secondMatches(/pod "web-1" deleted from default namespace/);
  assert.match(await second.innerText(), /^\$ kubectl delete pod web-1\npod "web-1" deleted from default namespace\n?$/);
  // kubectl delete returns once the pod is gone: the second terminal is idle again.
  await page.waitForFunction(() => document.querySelector('.second-terminal .prompt')?.textContent.trim() === '$',
    null, { timeout: 30_000 });
  assert.doesNotMatch(await output().innerText(), /kubectl delete pod/, 'nothing was typed into the watch');
  await terminal().press('Control+c');
  await idle();
  await run('echo after the watch');
  await outputMatches(/\$ echo after the watch\nafter the watch\n?$/);
});

test('kubectl exec -it opens a pod shell with its own prompt; exit comes back', async () => {
  await run('kubectl exec -it web-0 -- sh');
  // The pod's shell prints its own prompt, as in a real terminal; the input says where typed
  // lines go.
  await outputMatches(/\$ kubectl exec -it web-0 -- sh\n# $/);
  assert.match(await terminal().getAttribute('placeholder'), /pod's shell: exit leaves/);
  await run('hostname');
  await outputMatches(/# hostname\nweb-0\n# $/);
  // A control clicked meanwhile acts on the cluster, not inside the pod's shell.
  await page.locator('[data-node="worker-3"]').getByRole('button', { name: 'Take node down' }).click();
  await secondMatches(/\$ sim node down worker-3\nnode\/worker-3 down$/);
  // The lane says so at once (NotReady only comes after the node monitor's grace period).
  const lane = page.locator('[data-node="worker-3"]');
  await lane.getByText('kubelet stopped', { exact: true }).waitFor({ timeout: 5_000 });
  await lane.getByRole('button', { name: 'Bring node up' }).click();
  await secondMatches(/\$ sim node up worker-3\nnode\/worker-3 up$/);
  await lane.getByRole('button', { name: 'Take node down' }).waitFor({ timeout: 5_000 });
  assert.equal(await lane.getByText('kubelet stopped').count(), 0);
  await run('exit');
  await idle();
  assert.match(await terminal().getAttribute('placeholder'), /^kubectl get pods/);
  await run('hostname');
  await outputMatches(/# exit\n\$ hostname\n[^\n]+\n?$/);
});

test('the tutorial\'s two terminals: a watch in the first, kubectl delete typed in the second; Ctrl-C in each stops its own', async () => {
  const second = page.getByRole('textbox', { name: 'Second terminal', exact: true });
  const secondOut = () => page.getByRole('log', { name: 'Second terminal output', exact: true }).innerText();
  assert.equal(await page.getByRole('button', { name: 'Close the second terminal' }).getAttribute('aria-expanded'), 'true',
    'open since a control ran there');
  await run('kubectl get pods -w -l app=nginx');
  await outputMatches(/NAME +READY +STATUS +RESTARTS +AGE\nweb-0 +1\/1 +Running /);
  await second.fill('kubectl delete pod web-0');
  await second.press('Enter');
  await outputMatches(/\nweb-0 +1\/1 +Terminating +0 +\S+\n/);
  await secondMatches(/\$ kubectl delete pod web-0\npod "web-0" deleted from default namespace/);
  // A watch in the second terminal too; Ctrl-C there stops only that one.
  await second.fill('kubectl get sts web -w');
  await second.press('Enter');
  await secondMatches(/\$ kubectl get sts web -w\nNAME +READY +AGE\nweb /);
  assert.match(await second.getAttribute('placeholder'), /^running… Ctrl-C stops it$/);
  await second.press('Control+c');
  await secondMatches(/\^C$/);
  assert.match(await second.getAttribute('placeholder'), /^kubectl get pods/);
  assert.match(await terminal().getAttribute('placeholder'), /^running… Ctrl-C stops it \(or type in a second terminal\)$/, 'the first still watches');
  await outputMatches(/\nweb-0 +0\/1 +Pending +0 +\S+\n/);
  await terminal().press('Control+c');
  await idle();
  assert.doesNotMatch(await output().innerText(), /kubectl delete pod web-0/, 'nothing typed into the first watch');
  assert.match(await secondOut(), /pod "web-0" deleted/);
  // Closing it clears it; opening it again gives an empty one.
  await page.getByRole('button', { name: 'Close the second terminal' }).click();
  assert.equal(await second.count(), 0);
  await page.getByRole('button', { name: 'Open a second terminal' }).click();
  assert.equal(await secondOut(), '');
  await second.fill('kubectl get sts web -o name');
  await second.press('Enter');
  await secondMatches(/^\$ kubectl get sts web -o name\nstatefulset\.apps\/web$/);
});

test('Reset during a watch stops the watch and starts a fresh cluster in the terminal', async () => {
  await run('kubectl get pods -w -l app=nginx');
  await outputMatches(/\$ kubectl get pods -w -l app=nginx\nNAME +READY/);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await outputMatches(/\n\^C\n\$ sim reset\ncluster reset\n?$/);
  await idle();
  await page.waitForFunction(() => document.querySelectorAll('[data-pod]').length === 0);
  await run('kubectl get pods');
  await outputMatches(/\$ kubectl get pods\nNo resources found in default namespace\.\n?$/);
  await run('kubectl apply -f web.yaml');
  await page.waitForFunction(() => ['web-0', 'web-1'].every((p) => /^Pod web-\d, Running, Ready, /.test(
    document.querySelector(`[data-pod="${p}"]`)?.getAttribute('aria-label') ?? '')), null, { timeout: 60_000 });
});

test('clear empties the output; the next command prints as usual; the second terminal keeps its own', async () => {
  await run('clear');
  await page.waitForFunction(() => document.querySelector('[aria-label="Terminal output"]')?.innerText.trim() === '');
  await run('kubectl get sts web -o name');
  await outputMatches(/^\$ kubectl get sts web -o name\nstatefulset\.apps\/web\n?$/);
  // The second terminal keeps its log (it has its own scrollback); axe finds nothing with it.
  assert.match(await page.getByRole('log', { name: 'Second terminal output' }).innerText(), /statefulset\.apps\/web/);
  // A card fading in or out (arriving, or a deleted pod's aria-hidden ghost) passes below
  // 4.5:1 on its way: axe looks at the page once every card is still (no animation style).
  await page.waitForFunction(() => [...document.querySelectorAll('.pod')].every((c) => !c.getAttribute('style')),
    null, { timeout: 30_000 });
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' ' + n.failureSummary).join(', ')})`), [], 'axe with the second terminal shown');
  assert.deepEqual(errors, []);
});
