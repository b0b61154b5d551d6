// Node `ws` echo server, as the ws README shows it: every message goes back with its type.
//   node ws_echo.js [PORT] [--deflate]   prints "listening on 127.0.0.1:PORT" once ready (PORT 0: any)
// --deflate accepts permessage-deflate with ws's defaults (`perMessageDeflate: true`: zlib's level
// and memLevel, context takeover, messages under 1 KiB sent uncompressed).
// Finds `ws` in tests/interop/node/node_modules (scripts/install-node-deps.sh installs it there).
'use strict';
const path = require('path');
const { WebSocketServer } = require(path.join(__dirname, '../../tests/interop/node/node_modules/ws'));

const args = process.argv.slice(2);
const deflate = args.includes('--deflate');
const port = Number(args.find((a) => !a.startsWith('--')) || 9004);
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: deflate });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => console.log(`listening on 127.0.0.1:${wss.address().port}`));
