'use strict';
// Node `ws` against pull_echo.
//
//   NODE_PATH=tests/interop/node/node_modules node client.js PORT
//
// Sends text and binary messages of every size in SIZES, checks each echo byte for byte (and its
// kind), then closes with 1000 and checks the server answered 1000. Exits 1 on the first mismatch.
const crypto = require('crypto');
const WebSocket = require('ws');

const SIZES = [0, 1, 4095, 4096, 4097, 100 << 10, 1 << 20];  // around the echo's 4 KiB buffer, and big

function fail(msg) { console.error(`client.js: ${msg}`); process.exit(1); }

// Exactly n bytes of UTF-8 mixing one- to four-byte sequences, so the echo's 4 KiB pieces cut some.
function textOf(n) {
  const chunks = ['a', 'é', '€', '😀'];
  let out = '';
  let size = 0;
  while (size < n) {
    let c = chunks[crypto.randomInt(4)];
    if (size + Buffer.byteLength(c) > n) c = 'z';
    out += c;
    size += Buffer.byteLength(c);
  }
  return out;
}

async function main(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, { handshakeTimeout: 10000 });
  const events = [];
  let wake = null;
  const push = (ev) => { events.push(ev); if (wake) { wake(); wake = null; } };
  ws.on('message', (data, isBinary) => push({ type: 'message', data, isBinary }));
  ws.on('close', (code) => push({ type: 'close', code }));
  ws.on('error', (err) => fail(`error: ${err.message}`));
  await new Promise((resolve) => ws.once('open', resolve));
  const next = async () => {
    const timer = setTimeout(() => fail('no event within 30 s'), 30000);
    while (!events.length) await new Promise((r) => { wake = r; });
    clearTimeout(timer);
    return events.shift();
  };

  for (const binary of [false, true]) {
    const kind = binary ? 'binary' : 'text';
    for (const n of SIZES) {
      const msg = binary ? crypto.randomBytes(n) : textOf(n);
      ws.send(msg, { binary });
      const ev = await next();
      if (ev.type !== 'message') fail(`${n} B ${kind}: got ${ev.type} ${ev.code || ''} instead of the echo`);
      if (ev.isBinary !== binary) fail(`${n} B ${kind} came back as ${ev.isBinary ? 'binary' : 'text'}`);
      if (!ev.data.equals(binary ? msg : Buffer.from(msg, 'utf8'))) fail(`${n} B ${kind}: the echo differs`);
      console.log(`client.js: ${n} B ${kind} echoed`);
    }
  }
  ws.close(1000);
  const ev = await next();
  if (ev.type !== 'close') fail(`expected the close, got ${ev.type}`);
  if (ev.code !== 1000) fail(`closed with 1000, the server answered ${ev.code}`);
  console.log('client.js: closed 1000, all echoes equal');
}

main(Number(process.argv[2])).catch((err) => fail(err.stack || String(err)));
