'use strict';
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser download)
// as a client of our servers.
//
//   node browser.js demo    PAGE_URL OUT_DIR   the demo page of `websock serve`: /echo and /chat
//                                              through the page's own UI, a screenshot checked, and
//                                              the browser's WebSocket against /echo
//   (add --strict-ui to check that the page also logs what it sent, a known gap of the page)
//   node browser.js interop BASE_URL OUT_DIR   the browser's WebSocket against interop_server:
//                                              sizes, close codes both ways, subprotocols, pings
//
// Prints one line per case and "N passed, N failed"; exits 1 if any failed. The profile directory
// is $WEBSOCK_INTEROP_PROFILE (fresh, made by run.py) or a new temporary one.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [mode, URL_ARG, OUT] = process.argv.slice(2);
// --strict-ui: also check that the demo page logs the messages it sends (not yet the case).
const STRICT_UI = process.argv.includes('--strict-ui');
const EXECUTABLE = '/usr/bin/chromium';
const VIEWPORT = { width: 1024, height: 768 };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function check(cond, msg) { if (!cond) throw new Error(msg); }

// Runs in the page: a WebSocket with a queue of events.
const PAGE_HELPERS = `
window.wsOpen = (url, protocols) => new Promise((resolve, reject) => {
  const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.q = []; ws.w = [];
  const push = (ev) => { const f = ws.w.shift(); if (f) f(ev); else ws.q.push(ev); };
  ws.onmessage = (e) => push({ type: 'message', data: e.data });
  ws.onclose = (e) => push({ type: 'close', code: e.code, reason: e.reason, wasClean: e.wasClean });
  ws.onopen = () => resolve(ws);
  ws.onerror = () => reject(new Error('WebSocket error before open: ' + url));
});
window.wsNext = (ws, ms = 30000) => ws.q.length ? Promise.resolve(ws.q.shift()) : new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('no event within ' + ms + ' ms')), ms);
  ws.w.push((ev) => { clearTimeout(t); resolve(ev); });
});
window.randomBytes = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536))); return b; };
window.randomText = (n) => { const c = ['a', 'é', '€', '😀']; let s = '', size = 0; const enc = new TextEncoder();
  while (size < n) { let x = c[Math.floor(Math.random() * 4)]; if (size + enc.encode(x).length > n) x = 'z'; s += x; size += enc.encode(x).length; } return s; };
window.sameBytes = (a, b) => { if (a.byteLength !== b.byteLength) return false; const x = new Uint8Array(a), y = new Uint8Array(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false; return true; };
`;

// Echo of text and binary messages of every size from the browser's WebSocket.
async function echoSizes(page, url) {
  const r = await page.evaluate(async (url) => {
    const sizes = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20, 16 << 20];
    const ws = await wsOpen(url);
    for (const n of sizes) {
      const t = n > (1 << 20) ? 'x'.repeat(n) : randomText(n);
      ws.send(t);
      const e = await wsNext(ws, 60000);
      if (e.type !== 'message' || e.data !== t) return `${n} B text: echo differs (${e.type} ${typeof e.data})`;
      const b = randomBytes(n);
      ws.send(b);
      const f = await wsNext(ws, 60000);
      if (f.type !== 'message' || !(f.data instanceof ArrayBuffer) || !sameBytes(f.data, b.buffer)) return `${n} B binary: echo differs`;
    }
    ws.close(1000);
    const c = await wsNext(ws, 10000);
    return c.type === 'close' && c.code === 1000 && c.wasClean ? 'ok' : `close: ${c.type} ${c.code} clean=${c.wasClean}`;
  }, url);
  check(r === 'ok', r);
}

// The browser closes with each code and reason: the server answers with the same code (RFC 6455
// 5.5.1); with cmdUrl (interop_server) the server's own on_close report is checked too.
async function browserCloseCodes(page, url, cmdUrl) {
  const r = await page.evaluate(async ([url, cmdUrl]) => {
    let i = 0;
    for (const [code, reason] of [[1000, ''], [1000, 'bye'], [3000, 'registered'], [4000, 'private é€😀'], [4999, 'r'.repeat(123)]]) {
      const target = url + (url.includes('?') ? '&' : '?') + 'bclose=' + (i++);
      const ws = await wsOpen(target);
      ws.close(code, reason);
      const c = await wsNext(ws, 10000);
      if (c.type !== 'close' || c.code !== code || !c.wasClean) return `browser close ${code}: server answered ${c.code} clean=${c.wasClean}`;
      if (cmdUrl) {
        const q = await wsOpen(cmdUrl);
        const path = target.replace(/^wss?:\/\/[^/]+/, '');
        let seen = 'none';
        for (let k = 0; k < 100 && seen === 'none'; k++) {
          q.send('closed ' + path);
          seen = (await wsNext(q, 10000)).data;
          if (seen === 'none') await new Promise((res) => setTimeout(res, 50));
        }
        q.close();
        if (seen !== `${code} ${reason}`) return `browser close ${code}: the server's on_close saw ${JSON.stringify(seen)}`;
      }
    }
    return 'ok';
  }, [url, cmdUrl]);
  check(r === 'ok', r);
}

async function withBrowser(fn) {
  const profile = process.env.WEBSOCK_INTEROP_PROFILE || fs.mkdtempSync(path.join(os.tmpdir(), 'websock-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE, headless: true, args: ARGS, viewport: VIEWPORT,
    ignoreHTTPSErrors: true,   // wss:// and https:// with the CA made at test time
    timeout: 60000,
  });
  try { return await fn(ctx); } finally { await ctx.close(); }
}

// Decodes the PNG in the page (a canvas) and measures it.
async function measurePng(page, png) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let nonWhite = 0; const colours = new Set();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) nonWhite++;
      if (colours.size < 1000) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    // The green of "connected" (#080) in the status spans.
    let green = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 60 && d[i + 1] > 100 && d[i + 2] < 60) green++;
    return { width: img.width, height: img.height, nonWhite: nonWhite / (d.length / 4), colours: colours.size, green };
  }, png.toString('base64'));
}

async function demo(ctx, pageUrl, cases) {
  const wsBase = pageUrl.replace(/^http/, 'ws').replace(/\/$/, '');
  const tag = Math.random().toString(36).slice(2, 8);
  const alice = await ctx.newPage();
  const bob = await ctx.newPage();
  const ready = async (page) => {
    await page.goto(pageUrl, { waitUntil: 'load', timeout: 20000 });
    await page.waitForFunction(() => document.getElementById('echo-status')?.textContent === 'connected' &&
      document.getElementById('chat-status')?.textContent === 'connected', null, { timeout: 15000 });
  };

  await cases.run('demo_page_loads_and_connects', async () => {
    await ready(alice);
    await ready(bob);
    check((await alice.title()) === 'websock demo', `title: ${await alice.title()}`);
  });
  await cases.run('demo_echo_through_the_page', async () => {
    const text = `hello from chromium ${tag} é€😀`;
    await alice.fill('#echo-input', text);
    await alice.press('#echo-input', 'Enter');
    await alice.waitForFunction((t) => document.getElementById('echo-log').textContent.includes('< ' + t), text, { timeout: 10000 });
    if (STRICT_UI) {
      // The page means to log what it sent as "> text" (demo_page.cpp); see the interop notes.
      const log = await alice.textContent('#echo-log');
      check(log.includes('> ' + text), `the echo log lacks the sent line "> ${text}": ${JSON.stringify(log)}`);
    }
  });
  await cases.run('demo_chat_between_two_tabs', async () => {
    await bob.fill('#chat-name', 'bob');
    await bob.fill('#chat-input', `hi alice ${tag}`);
    await bob.press('#chat-input', 'Enter');
    await alice.fill('#chat-name', 'alice');
    await alice.fill('#chat-input', `hi bob ${tag}`);
    await alice.press('#chat-input', 'Enter');
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) {
      await page.waitForFunction((t) => { const l = document.getElementById('chat-log').textContent;
        return l.includes('bob: hi alice ' + t) && l.includes('alice: hi bob ' + t); }, tag, { timeout: 10000 })
        .catch(async () => { throw new Error(`${who}'s chat log: ${JSON.stringify(await page.textContent('#chat-log'))}`); });
    }
  });
  await cases.run('demo_screenshot', async () => {
    const file = path.join(OUT, 'chromium-demo.png');
    const png = await alice.screenshot({ path: file });
    check(png.subarray(1, 4).toString() === 'PNG', 'not a PNG');
    check(png.readUInt32BE(16) === VIEWPORT.width && png.readUInt32BE(20) === VIEWPORT.height,
      `screenshot is ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}, expected ${VIEWPORT.width}x${VIEWPORT.height}`);
    const probe = await ctx.newPage();
    const m = await measurePng(probe, png);
    await probe.close();
    console.log(`     screenshot ${file}: ${m.width}x${m.height}, ${(m.nonWhite * 100).toFixed(1)}% non-white, ${m.colours}${m.colours >= 1000 ? '+' : ''} colours, ${m.green} green px`);
    check(m.nonWhite > 0.05, `the screenshot is blank (${(m.nonWhite * 100).toFixed(2)}% non-white)`);
    check(m.colours > 20, `the screenshot has only ${m.colours} colours`);
    check(m.green > 50, 'no green "connected" status visible in the screenshot');
  });

  await alice.evaluate(PAGE_HELPERS);
  await cases.run('browser_websocket_echo_sizes', () => echoSizes(alice, wsBase + '/echo'));
  await cases.run('browser_close_codes', () => browserCloseCodes(alice, wsBase + '/echo'));
  await cases.run('browser_chat_broadcast', async () => {
    const r = await alice.evaluate(async (url) => {
      const a = await wsOpen(url), b = await wsOpen(url), c = await wsOpen(url);
      a.send('broadcast-1');
      for (const [n, w] of [['b', b], ['c', c]]) {
        for (;;) { const e = await wsNext(w, 10000); if (e.type !== 'message') return `${n}: ${e.type}`; if (e.data === 'broadcast-1') break; }
      }
      for (const w of [a, b, c]) w.close();
      return 'ok';
    }, wsBase + '/chat');
    check(r === 'ok', r);
  });
}

async function interop(ctx, base, cases) {
  const page = await ctx.newPage();
  // A page of the server itself: Chromium blocks loopback WebSockets from about:blank.
  await page.goto(base.replace(/^ws/, 'http') + '/', { waitUntil: 'load', timeout: 20000 });
  await page.evaluate(PAGE_HELPERS);
  await cases.run('browser_websocket_echo_sizes', () => echoSizes(page, base + '/echo'));
  await cases.run('browser_close_codes', () => browserCloseCodes(page, base + '/echo?browser', base + '/cmd'));
  await cases.run('server_close_codes', async () => {
    const r = await page.evaluate(async (url) => {
      for (const [code, reason] of [[1000, ''], [1001, 'going away'], [1008, 'policy'], [1011, 'oops'], [4001, 'app é€😀'], [3999, 'r'.repeat(123)]]) {
        const ws = await wsOpen(url);
        ws.send(reason ? `close ${code} ${reason}` : `close ${code}`);
        const c = await wsNext(ws, 10000);
        if (c.type !== 'close' || c.code !== code || c.reason !== reason || !c.wasClean) return `server close ${code}: browser saw ${c.type} ${c.code} ${JSON.stringify(c.reason)} clean=${c.wasClean}`;
      }
      return 'ok';
    }, base + '/cmd');
    check(r === 'ok', r);
  });
  await cases.run('server_ping', async () => {
    const r = await page.evaluate(async (url) => {
      const ws = await wsOpen(url);
      ws.send('ping from-server');
      const e = await wsNext(ws, 10000);   // the browser answers pings itself
      ws.close();
      return e.type === 'message' ? e.data : e.type;
    }, base + '/cmd');
    check(r === 'pong from-server', `server ping: ${r}`);
  });
  await cases.run('subprotocols', async () => {
    const r = await page.evaluate(async (url) => {
      const out = [];
      for (const offer of [['websock.v1'], ['websock.v1', 'websock.v2'], ['other', 'websock.v1'], undefined]) {
        const ws = await wsOpen(url, offer);
        out.push(ws.protocol);
        ws.close();
      }
      return out.join(',');
    }, base + '/echo');
    check(r === 'websock.v1,websock.v2,websock.v1,', `subprotocols chosen: ${r}`);
  });
  await cases.run('refused_upgrade', async () => {
    const r = await page.evaluate(async (url) => {
      try { const ws = await wsOpen(url); ws.close(); return 'opened'; } catch (e) { return 'refused'; }
    }, base + '/reject');
    check(r === 'refused', '/reject opened in the browser');
  });
}

(async () => {
  let passed = 0, failed = 0;
  const cases = {
    async run(name, fn) {
      const t0 = Date.now();
      try {
        await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('case timed out (90 s)')), 90000).unref())]);
        passed++;
        console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(2)}s)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
      }
    },
  };
  try {
    await withBrowser(async (ctx) => {
      console.log(`     chromium ${ctx.browser() ? ctx.browser().version() : ''} via playwright-core ${require('playwright-core/package.json').version}`);
      if (mode === 'demo') await demo(ctx, URL_ARG, cases);
      else await interop(ctx, URL_ARG, cases);
    });
  } catch (e) {
    failed++;
    console.log(`FAIL browser: ${e.message.split('\n')[0]}`);
  }
  console.log(`chromium (${mode}) vs websock server (${URL_ARG.split(':')[0]}): ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
