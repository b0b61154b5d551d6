'use strict';
// Node `ws` clients in the IIS chat room (examples/iis/chat_module.so) loaded by `websock iis`.
//
//   node node_chat_clients.js WS_URL       e.g. ws://127.0.0.1:PORT/chat
//
// The module sends every text message to every member, the sender included; a client is in the
// room once its own "X joined" came back (the only synchronisation: no sleeps).
const { check, open, nextText, send, closeAndWait, runCases } = require('./node_peer.js');

const URL = process.argv[2];

async function expect(member, text) {
  const got = await nextText(member.ws);
  check(got === text, `${member.name} got ${JSON.stringify(got.slice(0, 40))}, expected ${JSON.stringify(text.slice(0, 40))}`);
}

async function join(name, room) {
  const member = { name, ws: await open(URL) };
  await send(member.ws, `${name} joined`);
  for (const m of [member, ...room]) await expect(m, `${name} joined`);
  room.push(member);
  return member;
}

async function leave(member, room) {
  const ev = await closeAndWait(member.ws, 1000, 'leaving');
  check(ev.code === 1000, `${member.name}'s close answered with ${ev.code}`);
  room.splice(room.indexOf(member), 1);
}

runCases({
  async each_message_reaches_every_member() {
    const room = [];
    const a = await join('a', room);
    const b = await join('b', room);
    const c = await join('c', room);
    for (const sender of [a, b, c]) {
      await send(sender.ws, `hello from ${sender.name}`);
      for (const m of room) await expect(m, `hello from ${sender.name}`);
    }
    for (const m of [...room]) await leave(m, room);
  },
  async bursts_arrive_whole_and_in_one_order() {
    // Two members send 200 messages each at once: every member gets all 400, each sender's in
    // its own order, and all members the same interleaving (the room queues to all at once).
    const room = [];
    const a = await join('a', room);
    const b = await join('b', room);
    const c = await join('c', room);
    const N = 200;
    for (let i = 0; i < N; i++) { a.ws.send(`a${i}`); b.ws.send(`b${i}`); }
    const seen = [];
    for (const m of room) {
      const got = [];
      for (let i = 0; i < 2 * N; i++) got.push(await nextText(m.ws));
      for (const s of ['a', 'b']) {
        const own = got.filter((x) => x.startsWith(s));
        check(own.length === N && own.every((x, i) => x === `${s}${i}`), `${m.name}: ${s}'s messages missing or out of order`);
      }
      seen.push(got.join(','));
    }
    check(seen.every((s) => s === seen[0]), 'members saw different interleavings');
    for (const m of [...room]) await leave(m, room);
  },
  async a_member_leaving_does_not_disturb_the_rest() {
    const room = [];
    const a = await join('a', room);
    const b = await join('b', room);
    const c = await join('c', room);
    await leave(b, room);
    await send(c.ws, 'b has gone');
    for (const m of room) await expect(m, 'b has gone');
    c.ws.terminate();  // no close frame: the connection just ends
    room.splice(room.indexOf(c), 1);
    await send(a.ws, 'c has gone too');
    await expect(a, 'c has gone too');
    await join('d', room);
    await send(a.ws, 'welcome d');
    for (const m of room) await expect(m, 'welcome d');
    for (const m of [...room]) await leave(m, room);
  },
});
