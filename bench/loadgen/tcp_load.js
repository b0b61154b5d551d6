// A second load generator for the plain TCP echo (docs/benchmarks.md, "Is websock bench the
// bottleneck?"): Node's net module, N connections, K messages of S bytes in flight on each,
// every echoed byte counted and compared, D seconds. Prints one JSON line.
//   node bench/loadgen/tcp_load.js PORT [connections=100] [size=16] [inflight=16] [seconds=5]
'use strict';
const net = require('net');
const [port, conns = 100, size = 16, inflight = 16, seconds = 5] = process.argv.slice(2).map(Number);
const message = Buffer.alloc(size, 0x61);
let messages = 0;
let mismatches = 0;
let open = 0;
const sockets = [];
for (let i = 0; i < conns; i++) {
  const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
  let pending = 0;  // bytes of the current message received so far
  s.on('connect', () => {
    open++;
    const burst = Buffer.alloc(size * inflight, 0x61);
    s.write(burst);
  });
  s.on('data', (chunk) => {
    let done = 0;
    for (let at = 0; at < chunk.length; at++) if (chunk[at] !== 0x61) mismatches++;
    pending += chunk.length;
    while (pending >= size) { pending -= size; done++; }
    messages += done;
    if (done) s.write(done === 1 ? message : Buffer.alloc(size * done, 0x61));
  });
  s.on('error', () => {});
  sockets.push(s);
}
const start = process.hrtime.bigint();
setTimeout(() => {
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ generator: 'node-net', connections: conns, open, size, inflight,
    seconds: secs, messages, msgs_per_s: messages / secs, mismatches }));
  for (const s of sockets) s.destroy();
  process.exit(0);
}, seconds * 1000);
