'use strict';
// Node `ws` as the server for our interop_client.
//
//   node server.js [--tls-cert CERT --tls-key KEY]
//
// Listens on 127.0.0.1 with a free port, prints "PORT <n>", serves until stdin reaches EOF. The
// routes are those of ../py_server.py: /echo, /fragecho?n=K, /cmd, /reject.
const fs = require('fs');
const http = require('http');
const https = require('https');
const { WebSocketServer } = require('ws');

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const tls = opt('--tls-cert');
const base = tls ? https.createServer({ cert: fs.readFileSync(tls), key: fs.readFileSync(opt('--tls-key')) })
  : http.createServer();
base.on('request', (req, res) => { res.writeHead(404); res.end(); });

const closes = new Map();
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 32 << 20,
  perMessageDeflate: false,
  handleProtocols: (offered) => ['websock.v2', 'websock.v1'].find((p) => offered.has(p)) || false,
});

base.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/reject') {
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req.url, url));
});

function serve(ws, target, url) {
  ws.on('close', (code, reason) => closes.set(target, `${code} ${reason.toString()}`));
  if (url.pathname === '/echo') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  } else if (url.pathname === '/fragecho') {
    const n = Number(url.searchParams.get('n') || 4);
    ws.on('message', (data, isBinary) => {
      // Byte boundaries: a UTF-8 sequence may be split across fragments, as RFC 6455 allows.
      const step = Math.max(1, Math.ceil(data.length / n));
      for (let i = 0; i < n; i++) {
        ws.send(data.subarray(Math.min(i * step, data.length), Math.min((i + 1) * step, data.length)),
          { binary: isBinary, fin: i === n - 1 });
      }
    });
  } else if (url.pathname === '/cmd') {
    ws.on('message', (data) => {
      const m = data.toString();
      const sp = m.indexOf(' ');
      const word = sp < 0 ? m : m.slice(0, sp);
      const rest = sp < 0 ? '' : m.slice(sp + 1);
      if (word === 'close') {
        const s2 = rest.indexOf(' ');
        ws.close(Number(s2 < 0 ? rest : rest.slice(0, s2)), s2 < 0 ? undefined : rest.slice(s2 + 1));
      } else if (word === 'ping') {
        ws.once('pong', (d) => ws.send('pong ' + d.toString()));
        ws.ping(rest);
      } else if (word === 'closed') {
        ws.send(closes.get(rest) || 'none');
      } else if (word === 'subprotocol') {
        ws.send(ws.protocol);
      } else if (word === 'badutf8') {
        ws.send(Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe]), { binary: false });
      } else {
        ws.send('error unknown command');
      }
    });
  } else {
    ws.close(1008, 'no such route');
  }
}

base.listen(0, '127.0.0.1', () => {
  console.log(`PORT ${base.address().port}`);
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => {
    for (const c of wss.clients) c.terminate();
    base.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
  process.stdin.resume();
});
