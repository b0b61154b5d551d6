'use strict';
// What the Node `ws` clients of the IIS tests share: a connection with a queue of events, waits
// that give up after a bound, and a runner that prints one line per case. `ws` comes from the
// interop tests' node_modules (NODE_PATH, set by run_node_peer.py).
const WebSocket = require('ws');

function check(cond, msg) { if (!cond) throw new Error(msg); }

// Resolves once open; every message and the close go to a queue that next() takes from.
function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { maxPayload: 32 << 20, handshakeTimeout: 10000, perMessageDeflate: false });
    ws.queue = [];
    ws.waiters = [];
    const push = (ev) => { const w = ws.waiters.shift(); if (w) w(ev); else ws.queue.push(ev); };
    ws.on('message', (data, isBinary) => push({ type: 'message', data, isBinary }));
    ws.on('close', (code, reason) => push({ type: 'close', code, reason: reason.toString() }));
    ws.on('error', (err) => { ws.lastError = err; });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode} instead of 101`)));
    ws.once('error', reject);
  });
}

function next(ws, ms = 10000) {
  if (ws.queue.length) return Promise.resolve(ws.queue.shift());
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
    ws.waiters.push((ev) => { clearTimeout(t); resolve(ev); });
  });
}

async function nextText(ws, ms) {
  const ev = await next(ws, ms);
  check(ev.type === 'message', `expected a message, got ${ev.type} ${ev.code || ''} ${ev.reason || ''}`);
  check(!ev.isBinary, 'expected text, got binary');
  return ev.data.toString('utf8');
}

function send(ws, data, opts = {}) {
  return new Promise((resolve, reject) => ws.send(data, opts, (err) => (err ? reject(err) : resolve())));
}

// Our close, then events until the answer: the close event with the server's code and reason.
async function closeAndWait(ws, code, reason) {
  ws.close(code, reason);
  for (;;) {
    const ev = await next(ws, 10000);
    if (ev.type === 'close') return ev;
  }
}

// Runs the cases in order; prints "PASS name" / "FAIL name: why" and "N passed, N failed";
// the exit status is 1 if any failed.
async function runCases(cases) {
  let passed = 0, failed = 0;
  for (const [name, fn] of Object.entries(cases)) {
    try {
      await fn();
      passed++;
      console.log(`PASS ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || !passed ? 1 : 0);
}

module.exports = { check, open, next, nextText, send, closeAndWait, runCases };
