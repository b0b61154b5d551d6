'use strict';
// permessage-deflate (RFC 7692) between websock and Node `ws` with perMessageDeflate, both roles.
//
//   node deflate.js WEBSOCK_BIN
//
// 1. `websock serve --deflate` <- a ws client offering deflate: ws.extensions names it, and
//    JSON-like text and random binary messages (16 B to 256 KiB, each compressed: ws's threshold
//    is 0) come back unchanged, with and without context takeover.
// 2. a ws server accepting deflate <- `websock connect --deflate`: it connects with deflate and
//    the lines it sends come back.
// Loopback only, every wait bounded; prints "deflate.js: ok" or "deflate.js: FAIL: why", exit 0/1.
const { spawn } = require('child_process');
const crypto = require('crypto');
const readline = require('readline');
let WebSocket;
try {
  WebSocket = require('ws');
} catch (e) {
  console.log('deflate.js: FAIL: Node ws is not installed in tests/interop/node: run `make deps`');
  process.exit(1);
}

const WEBSOCK = process.argv[2];
const TIMEOUT = 20000;

function fail(msg) {
  console.log(`deflate.js: FAIL: ${msg}`);
  process.exit(1);
}

function within(promise, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${TIMEOUT} ms`)), TIMEOUT);
  })]).finally(() => clearTimeout(timer));
}

// `websock serve --deflate` on a free port: resolves with its port and process.
function startServe() {
  return new Promise((resolve, reject) => {
    const p = spawn(WEBSOCK, ['serve', '--deflate', '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: p.stdout });
    lines.once('line', (line) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
      if (m) resolve({ port: Number(m[1]), proc: p });
      else reject(new Error(`no address in ${JSON.stringify(line)}`));
    });
    p.once('exit', (code) => reject(new Error(`websock serve exited with ${code}`)));
  });
}

function messages() {
  const out = [];
  for (const size of [0, 1, 16, 1024, 16 * 1024, 256 * 1024]) {
    let text = '';
    for (let i = 0; text.length < size; ++i) text += JSON.stringify({ user: `u${i % 50}`, temp: (i * 37) % 400, ok: true });
    out.push({ data: text.slice(0, size), binary: false });
    out.push({ data: crypto.randomBytes(size), binary: true });
  }
  return out;
}

async function echoCase(port, deflateOptions) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: deflateOptions, maxPayload: 1 << 20 });
  await within(new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); }), 'open');
  if (!/permessage-deflate/.test(ws.extensions)) fail(`no deflate negotiated: extensions ${JSON.stringify(ws.extensions)}`);
  for (const m of messages()) {
    const back = within(new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data, isBinary }))), 'echo');
    ws.send(m.data, { binary: m.binary, compress: true });
    const got = await back;
    const same = m.binary ? got.isBinary && Buffer.compare(got.data, m.data) === 0 : !got.isBinary && got.data.toString() === m.data;
    if (!same) fail(`a ${m.binary ? 'binary' : 'text'} message of ${m.data.length} bytes came back different`);
  }
  const closed = within(new Promise((resolve) => ws.once('close', resolve)), 'close');
  ws.close(1000);
  await closed;
}

async function clientCase() {
  const server = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
  await within(new Promise((resolve) => server.once('listening', resolve)), 'listen');
  let negotiated = '';
  server.on('connection', (ws) => {
    negotiated = ws.extensions;
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const port = server.address().port;
  const p = spawn(WEBSOCK, ['connect', '--deflate', `ws://127.0.0.1:${port}/`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const lines = [];
  for (let i = 0; i < 20; ++i) lines.push(JSON.stringify({ n: i, text: 'hello '.repeat(20) }));
  const got = [];
  const out = readline.createInterface({ input: p.stdout });
  const allBack = within(new Promise((resolve) => out.on('line', (l) => { got.push(l); if (got.length === lines.length) resolve(); })), 'websock connect echo');
  p.stdin.write(lines.map((l) => l + '\n').join(''));
  await allBack;
  p.stdin.end();
  await within(new Promise((resolve) => p.once('exit', resolve)), 'websock connect exit');
  server.close();
  if (JSON.stringify(got) !== JSON.stringify(lines)) fail('websock connect got other lines back than it sent');
  if (!/permessage-deflate/.test(negotiated)) fail(`the ws server negotiated ${JSON.stringify(negotiated)}`);
  if (!/permessage-deflate/.test(err)) fail(`websock connect did not report deflate: ${JSON.stringify(err)}`);
}

(async () => {
  const serve = await startServe();
  try {
    await echoCase(serve.port, { threshold: 0 });
    await echoCase(serve.port, { threshold: 0, clientNoContextTakeover: true, serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 });
  } finally {
    serve.proc.kill('SIGTERM');
  }
  await clientCase();
  console.log('deflate.js: ok');
  process.exit(0);
})().catch((e) => fail(e.message));
