'use strict';
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core from the interop
// tests' node_modules: no browser download) loads echo_page.html from a file: URL and reports
// what the page's WebSocket saw against an IIS echo module.
//
//   node chromium_echo.js WS_URL PROFILE_DIR
const path = require('path');
const { chromium } = require('playwright-core');

const [WS_URL, PROFILE] = process.argv.slice(2);
const PAGE = 'file://' + path.join(__dirname, 'echo_page.html') + '?ws=' + encodeURIComponent(WS_URL);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main() {
  const browser = await chromium.launchPersistentContext(PROFILE, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, timeout: 60000,
  });
  try {
    const page = browser.pages()[0] || await browser.newPage();
    page.on('console', (m) => console.log('page: ' + m.text()));
    await page.goto(PAGE, { timeout: 15000 });
    await page.waitForFunction(() => window.echoResult !== undefined, null, { timeout: 30000 });
    const result = await page.evaluate(() => window.echoResult);
    console.log(result === 'ok' ? 'PASS chromium echo' : 'FAIL chromium echo: ' + result);
    return result === 'ok' ? 0 : 1;
  } finally {
    await browser.close();
  }
}

main().then((rc) => process.exit(rc), (e) => { console.log('FAIL chromium echo: ' + e.message); process.exit(1); });
