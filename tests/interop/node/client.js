'use strict';
// Node `ws` as the client of our interop_server.
//
//   node client.js BASE_URL [CA_FILE]      e.g. ws://127.0.0.1:PORT or wss://127.0.0.1:PORT CA.pem
//
// Runs every case, prints one line per case and "N passed, N failed"; exits 1 if any failed.
const fs = require('fs');
const crypto = require('crypto');
const WebSocket = require('ws');

const BASE = process.argv[2];
const CA = process.argv[3] ? fs.readFileSync(process.argv[3]) : undefined;
const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20, 16 << 20];

function check(cond, msg) { if (!cond) throw new Error(msg); }

// A connection with a queue of events: messages, pongs, the close.
function open(path, protocols, extra = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(BASE + path, protocols, { ca: CA, maxPayload: 32 << 20, handshakeTimeout: 10000, ...extra });
    ws.queue = [];
    ws.waiters = [];
    const push = (ev) => { const w = ws.waiters.shift(); if (w) w(ev); else ws.queue.push(ev); };
    ws.on('message', (data, isBinary) => push({ type: 'message', data, isBinary }));
    ws.on('pong', (data) => push({ type: 'pong', data }));
    ws.on('close', (code, reason) => { ws.closeCode = code; ws.closeReason = reason.toString(); push({ type: 'close', code, reason: reason.toString() }); });
    ws.on('error', (err) => { ws.lastError = err; });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

function next(ws, ms = 30000) {
  if (ws.queue.length) return Promise.resolve(ws.queue.shift());
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
    ws.waiters.push((ev) => { clearTimeout(t); resolve(ev); });
  });
}

async function nextMessage(ws, ms) {
  const ev = await next(ws, ms);
  check(ev.type === 'message', `expected a message, got ${ev.type} ${ev.code || ''} ${ev.reason || ''}`);
  return ev;
}

async function nextText(ws, ms) {
  const ev = await nextMessage(ws, ms);
  check(!ev.isBinary, 'expected text, got binary');
  return ev.data.toString('utf8');
}

function send(ws, data, opts = {}) {
  return new Promise((resolve, reject) => ws.send(data, opts, (err) => (err ? reject(err) : resolve())));
}

async function command(ws, cmd) { await send(ws, cmd); return nextText(ws); }

async function closeAndWait(ws, code, reason) {
  ws.close(code, reason);
  for (;;) {
    const ev = await next(ws, 15000);
    if (ev.type === 'close') return ev;
  }
}

async function closedAs(target) {
  const q = await open('/cmd');
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await command(q, 'closed ' + target);
      if (r !== 'none' || Date.now() > deadline) return r;
      await new Promise((r2) => setTimeout(r2, 50));
    }
  } finally { await closeAndWait(q, 1000); }
}

function textOf(n) {
  const chunks = ['a', 'é', '€', '😀'];
  let out = '', size = 0;
  while (size < n) {
    let c = chunks[crypto.randomInt(4)];
    if (size + Buffer.byteLength(c) > n) c = 'z';
    out += c; size += Buffer.byteLength(c);
  }
  return out;
}

const cases = {
  async text_sizes() {
    const ws = await open('/echo');
    for (const n of SIZES) {
      const msg = textOf(n);
      await send(ws, msg);
      const got = await nextMessage(ws);
      check(!got.isBinary, `${n} B text came back binary`);
      check(got.data.toString('utf8') === msg, `${n} B text: echo differs (${got.data.length} B)`);
    }
    await closeAndWait(ws, 1000);
  },
  async binary_sizes() {
    const ws = await open('/echo');
    for (const n of SIZES) {
      const msg = crypto.randomBytes(n);
      await send(ws, msg, { binary: true });
      const got = await nextMessage(ws);
      check(got.isBinary, `${n} B binary came back as text`);
      check(Buffer.compare(got.data, msg) === 0, `${n} B binary: echo differs (${got.data.length} B)`);
    }
    await closeAndWait(ws, 1000);
  },
  async pipelined_small() {
    const ws = await open('/echo');
    const msgs = Array.from({ length: 2000 }, (_, i) => `m${i}`);
    msgs.forEach((m) => ws.send(m));
    for (const m of msgs) check((await nextText(ws)) === m, 'pipelined echoes out of order or altered');
    await closeAndWait(ws, 1000);
  },
  async fragmented_text() {
    const ws = await open('/echo');
    // ws: fin:false sends a fragment; the euro sign is split across fragments.
    const euro = Buffer.from('€');
    ws.send(Buffer.concat([Buffer.from('frag '), euro.subarray(0, 1)]), { binary: false, fin: false });
    ws.send(euro.subarray(1, 2), { binary: false, fin: false });
    ws.send(Buffer.alloc(0), { binary: false, fin: false });
    await send(ws, Buffer.concat([euro.subarray(2), Buffer.from(' end')]), { binary: false, fin: true });
    const got = await nextText(ws);
    check(got === 'frag € end', `fragmented text: ${JSON.stringify(got)}`);
    await closeAndWait(ws, 1000);
  },
  async fragmented_binary() {
    const ws = await open('/echo');
    const parts = Array.from({ length: 16 }, () => crypto.randomBytes(1 << 20));
    parts.forEach((p, i) => ws.send(p, { binary: true, fin: i === parts.length - 1 }));
    const got = await nextMessage(ws, 60000);
    check(got.isBinary && Buffer.compare(got.data, Buffer.concat(parts)) === 0, '16 MiB in 16 fragments: echo differs');
    await closeAndWait(ws, 1000);
  },
  async ping_between_fragments() {
    const ws = await open('/echo');
    ws.send('first, ', { fin: false });
    ws.ping('mid');
    await send(ws, 'second', { fin: true });
    const a = await next(ws), b = await next(ws);
    check(a.type === 'pong' && a.data.toString() === 'mid', `expected the pong first, got ${a.type}`);
    check(b.type === 'message' && b.data.toString() === 'first, second', 'message around a ping differs');
    await closeAndWait(ws, 1000);
  },
  async client_ping() {
    const ws = await open('/echo?ping=node');
    const payloads = [Buffer.alloc(0), Buffer.from('hello'), Buffer.from(Array.from({ length: 125 }, (_, i) => i))];
    for (const p of payloads) {
      ws.ping(p);
      const ev = await next(ws, 10000);
      check(ev.type === 'pong' && Buffer.compare(ev.data, p) === 0, `pong for ${p.length} B ping differs`);
    }
    await closeAndWait(ws, 1000);
    const q = await open('/cmd');
    const want = payloads.map((p) => `[${p.toString()}]`).join('');
    const r = await command(q, 'pinged /echo?ping=node');
    check(r === want, `server's on_ping saw ${JSON.stringify(r)}`);
    await closeAndWait(q, 1000);
  },
  async server_ping() {
    const ws = await open('/cmd');
    const r = await command(ws, 'ping are-you-there');
    check(r === 'pong are-you-there', `server ping: ${r}`);
    await closeAndWait(ws, 1000);
  },
  async client_close_codes() {
    for (const [code, reason] of [[1000, ''], [1000, 'bye'], [1001, 'going away'], [3000, 'registered'],
      [4000, 'private é€😀'], [4999, 'r'.repeat(123)]]) {
      const target = `/echo?close=${code}-${reason.length}`;
      const ws = await open(target);
      const ev = await closeAndWait(ws, code, reason);
      check(ev.code === code, `client close ${code}: server answered ${ev.code}`);
      const seen = await closedAs(target);
      check(seen === `${code} ${reason}`, `client close ${code}: server's on_close saw ${JSON.stringify(seen)}`);
    }
    const ws = await open('/echo?close=empty');
    await closeAndWait(ws);                 // ws sends a close frame with no code
    const seen = await closedAs('/echo?close=empty');
    check(seen === '1005 ', `empty close: server saw ${JSON.stringify(seen)}`);
  },
  async server_close_codes() {
    for (const [code, reason] of [[1000, ''], [1000, 'done'], [1001, 'shutting down'], [1008, 'policy'],
      [1011, 'oops'], [4001, 'app é€😀'], [3999, 'r'.repeat(123)]]) {
      const ws = await open('/cmd');
      ws.send(reason ? `close ${code} ${reason}` : `close ${code}`);
      const ev = await next(ws, 10000);
      check(ev.type === 'close', `server close ${code}: got ${ev.type} instead`);
      check(ev.code === code && ev.reason === reason, `server close ${code}: client saw ${ev.code} ${JSON.stringify(ev.reason)}`);
    }
  },
  async subprotocols() {
    for (const [offer, want] of [[['websock.v1'], 'websock.v1'], [['websock.v1', 'websock.v2'], 'websock.v2'],
      [['other', 'websock.v1'], 'websock.v1'], [undefined, '']]) {
      const ws = await open('/echo', offer);
      check(ws.protocol === want, `offered ${offer}: got ${JSON.stringify(ws.protocol)}`);
      await closeAndWait(ws, 1000);
    }
    // Nothing we speak offered: our server answers without Sec-WebSocket-Protocol (RFC 6455 4.2.2),
    // which ws, stricter than the RFC, turns into a failed handshake.
    let err;
    try { const w = await open('/echo', ['unknown']); w.terminate(); } catch (e) { err = e; }
    check(err && /no subprotocol/.test(err.message), `offered only 'unknown': ${err ? err.message : 'accepted'}`);
    const ws = await open('/cmd', ['websock.v1']);
    check((await command(ws, 'subprotocol')) === 'websock.v1', 'server-side subprotocol() differs');
    await closeAndWait(ws, 1000);
  },
  async refused_upgrades() {
    for (const [path, status] of [['/reject', 403], ['/nope', 404]]) {
      let err;
      try { const ws = await open(path); ws.terminate(); } catch (e) { err = e; }
      check(err && err.status === status, `${path}: expected HTTP ${status}, got ${err ? err.message : 'an open connection'}`);
    }
  },
  async many_connections() {
    const conns = await Promise.all(Array.from({ length: 100 }, () => open('/echo')));
    conns.forEach((c, i) => c.send(`c${i}`));
    const got = await Promise.all(conns.map((c) => nextText(c)));
    got.forEach((g, i) => check(g === `c${i}`, `connection ${i}: ${g}`));
    const closes = await Promise.all(conns.map((c) => closeAndWait(c, 1000)));
    check(closes.every((e) => e.code === 1000), 'not every connection closed with 1000');
  },
  async invalid_utf8_from_client() {
    const ws = await open('/echo');
    ws.send(Buffer.from([0xff, 0xfe]), { binary: false });   // ws does not validate what it sends
    const ev = await next(ws, 10000);
    check(ev.type === 'close' && ev.code === 1007, `invalid UTF-8: expected close 1007, got ${ev.type} ${ev.code}`);
  },
};

(async () => {
  let passed = 0, failed = 0;
  for (const [name, fn] of Object.entries(cases)) {
    const t0 = Date.now();
    try {
      await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('case timed out (90 s)')), 90000).unref())]);
      passed++;
      console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(2)}s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  }
  console.log(`node ws ${require('ws/package.json').version} client vs websock server (${BASE.split(':')[0]}): ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
