// Drives `tcpmc explore` in headless Chromium: loads the page, takes two actions, and checks the
// state text and the sequence chart. Usage: node explorer.test.mjs TCPMC_BINARY [SCREENSHOT.png]
// Chromium: CHROMIUM env var, default /usr/bin/chromium (Debian's `chromium` package).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [binary, screenshot] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node explorer.test.mjs TCPMC_BINARY [SCREENSHOT.png]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

// Starts the explorer in an empty directory (a ./ui folder would replace its page) and resolves
// with the URL it prints.
function startExplorer(port, cwd) {
  const child = spawn(binary, ['explore', '--port', String(port)], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/tcpmc explorer: (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`tcpmc explore exited with ${code}`)));
    setTimeout(() => reject(new Error('no URL printed within 20 s')), 20000).unref();
  });
  return { child, url };
}

const work = mkdtempSync(join(tmpdir(), 'tcpmc-browser-'));
const { child, url: urlPromise } = startExplorer(await freePort(), work);
let browser;
try {
  const url = await urlPromise;
  console.log(`explorer at ${url}`);
  // A fresh profile in the temporary directory.
  browser = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    executablePath,
    viewport: { width: 1400, height: 1000 },
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(15000);
  await page.goto(url);

  const link = (name) => page.getByRole('link', { name, exact: true });
  const stateText = page.locator('section.main-flex-right div.font-small');
  const chart = page.locator('section.main-flex-right svg.tcpmc-msc');

  // The properties panel lists tcpmc's properties.
  await page.getByText('no-stale-segment-accepted').first().waitFor();
  check(true, 'the properties panel lists no-stale-segment-accepted');

  // The initial state, then two actions in replay syntax.
  // Each click waits for a choice that only the new state offers: the old list may still show.
  await link('Init 0').click();
  await page.waitForFunction(() => location.hash === '#/steps/0');
  await link('A connect (ISS=0)').click();
  await link('lose A->B SYN').waitFor();
  await link('B listen').click();
  await link('deliver A->B SYN (ISS=0)').waitFor();
  check(true, "after 'A connect (ISS=0)' and 'B listen', 'deliver A->B SYN (ISS=0)' is offered");

  const text = await stateText.innerText();
  console.log(text);
  check(text.startsWith('B listen'), 'the state panel starts with the action taken');
  check(/A: SYN-SENT +iss=0 una=0 nxt=1 rcv=0 rexmt=1t retries=0 c1/.test(text), 'A is SYN-SENT with its variables');
  check(text.includes('B: LISTEN'), 'B is LISTEN');
  check(text.includes('net: [A->B SYN seq=0 c1 age=0]'), 'the SYN is in flight');

  await chart.waitFor();
  const lifelines = await chart.locator('text.lifeline').allTextContents();
  check(JSON.stringify(lifelines) === '["A","B"]', 'the chart has lifelines A and B');
  const rows = await chart.locator('text.step').allTextContents();
  check(
    JSON.stringify(rows) === JSON.stringify(['0. initial state', '1. A connect (ISS=0)', '2. B listen']),
    `the chart has one row per step: ${JSON.stringify(rows)}`,
  );
  const segments = await chart.locator('text.segment-label').allTextContents();
  check(segments.includes('SYN seq=0 c1'), 'the chart draws the SYN in flight');
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }
  console.log('browser: 1 passed, 0 failed');
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  console.log('browser: 0 passed, 1 failed');
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  child.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
}
