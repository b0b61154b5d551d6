// Embedded in the binary, so `websock serve` needs no files next to it.
#include "demo_page.hpp"

std::string_view demo_page() noexcept {
  return R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>websock demo</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
  h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin: 0 0 .5em; }
  .panes { display: flex; gap: 1.5em; flex-wrap: wrap; }
  .pane { flex: 1 1 24em; border: 1px solid #ccc; border-radius: 6px; padding: 1em; }
  .log { height: 16em; overflow-y: auto; background: #f7f7f7; padding: .5em; font-family: monospace;
         white-space: pre-wrap; border-radius: 4px; margin-bottom: .5em; }
  .status { font-size: .9em; color: #666; }
  .ok { color: #080; } .bad { color: #b00; }
  form { display: flex; gap: .5em; } input[type=text] { flex: 1; padding: .3em; }
</style>
</head>
<body>
<h1>websock demo</h1>
<div class="panes">
  <section class="pane" id="echo">
    <h2>Echo <span class="status" id="echo-status">connecting...</span></h2>
    <div class="log" id="echo-log"></div>
    <form id="echo-form"><input type="text" id="echo-input" placeholder="say something" autocomplete="off">
      <button>Send</button></form>
  </section>
  <section class="pane" id="chat">
    <h2>Chat <span class="status" id="chat-status">connecting...</span></h2>
    <div class="log" id="chat-log"></div>
    <form id="chat-form"><input type="text" id="chat-name" value="guest" size="8">
      <input type="text" id="chat-input" placeholder="message everyone" autocomplete="off"><button>Send</button></form>
  </section>
</div>
<script>
"use strict";
const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host;

function open(path, statusEl, logEl, onMessage) {
  const status = document.getElementById(statusEl), log = document.getElementById(logEl);
  const add = (line) => { log.textContent += line + "\n"; log.scrollTop = log.scrollHeight; };
  let ws;
  const connect = () => {
    ws = new WebSocket(base + path);
    ws.onopen = () => { status.textContent = "connected"; status.className = "status ok"; };
    ws.onmessage = (e) => add(onMessage(e.data));
    ws.onclose = (e) => {
      status.textContent = "closed (" + e.code + "), retrying"; status.className = "status bad";
      setTimeout(connect, 1000);
    };
  };
  connect();
  return { send: (text) => ws.readyState === 1 && ws.send(text), add };
}

const echo = open("/echo", "echo-status", "echo-log", (d) => "< " + d);
document.getElementById("echo-form").onsubmit = (e) => {
  e.preventDefault();
  const input = document.getElementById("echo-input");
  if (input.value && echo.send(input.value)) echo.add("> " + input.value);
  input.value = "";
};

const chat = open("/chat", "chat-status", "chat-log", (d) => d);
document.getElementById("chat-form").onsubmit = (e) => {
  e.preventDefault();
  const input = document.getElementById("chat-input");
  const name = document.getElementById("chat-name").value || "guest";
  if (input.value) chat.send(name + ": " + input.value);
  input.value = "";
};
</script>
</body>
</html>
)html";
}
