'use strict';
// Node `ws` against an IIS echo module (examples/iis/echo_module.so) loaded by `websock iis`.
//
//   node node_echo_client.js WS_URL        e.g. ws://127.0.0.1:PORT/echo
const crypto = require('crypto');
const { check, open, next, nextText, send, closeAndWait, runCases } = require('./node_peer.js');

const URL = process.argv[2];
// Around the frame-length encodings and the module's 4 KiB buffer, and one of many buffers.
const SIZES = [0, 1, 125, 126, 4095, 4096, 4097, 65535, 65536, 70000, 1 << 20];

// Text of exactly n UTF-8 bytes with 2-, 3- and 4-byte characters, which the module's reads cut
// anywhere (inside a character too): the echo must still be the same message.
function textOf(n) {
  const chunks = ['a', 'é', '€', '😀'];
  let out = '', size = 0;
  while (size < n) {
    let c = chunks[crypto.randomInt(4)];
    if (size + Buffer.byteLength(c) > n) c = 'z';
    out += c;
    size += Buffer.byteLength(c);
  }
  return out;
}

runCases({
  async text_sizes() {
    const ws = await open(URL);
    for (const n of SIZES) {
      const msg = textOf(n);
      await send(ws, msg);
      check((await nextText(ws)) === msg, `${n} B text: echo differs`);
    }
    await closeAndWait(ws, 1000);
  },
  async binary_sizes() {
    const ws = await open(URL);
    for (const n of SIZES) {
      const msg = crypto.randomBytes(n);
      await send(ws, msg, { binary: true });
      const got = await next(ws);
      check(got.type === 'message' && got.isBinary, `${n} B binary: got ${got.type}, binary ${got.isBinary}`);
      check(Buffer.compare(got.data, msg) === 0, `${n} B binary: echo differs (${got.data.length} B)`);
    }
    await closeAndWait(ws, 1000);
  },
  async pipelined() {
    // Sent without waiting: reads and writes overlap in the module, echoes keep their order.
    const ws = await open(URL);
    const msgs = Array.from({ length: 500 }, (_, i) => `message ${i}`);
    msgs.forEach((m) => ws.send(m));
    for (const m of msgs) check((await nextText(ws)) === m, `pipelined echo out of order or altered at ${m}`);
    await closeAndWait(ws, 1000);
  },
  async fragmented_text() {
    // fin: false sends a fragment; the euro sign is split across two of them.
    const ws = await open(URL);
    const euro = Buffer.from('€');
    ws.send(Buffer.concat([Buffer.from('frag '), euro.subarray(0, 1)]), { binary: false, fin: false });
    ws.send(euro.subarray(1, 2), { binary: false, fin: false });
    await send(ws, Buffer.concat([euro.subarray(2), Buffer.from(' end')]), { binary: false, fin: true });
    const got = await nextText(ws);
    check(got === 'frag € end', `fragmented text: ${JSON.stringify(got)}`);
    await closeAndWait(ws, 1000);
  },
  async close_code_echoed() {
    // The code only: the host answers a close at once, with the client's code and no reason.
    const ws = await open(URL);
    const ev = await closeAndWait(ws, 4002, 'node says bye');
    check(ev.code === 4002, `close answered ${ev.code} ${JSON.stringify(ev.reason)}`);
  },
});
