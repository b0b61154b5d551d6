#!/usr/bin/python3
"""An echo module (examples/iis/echo_module.so, asynchronous, or sync_echo_module.so), loaded by
`websock iis`, against Python websockets (a client nobody here wrote), in bounded time.

    echo_module_test.py WEBSOCK_BINARY ECHO_MODULE_SO [--tls]

With --tls the host serves https:// and wss:// (--tls-cert/--tls-key: a throw-away CA and server
certificate, made as the interop tests make theirs), and the client trusts that CA only.

Checks: a text and a binary message come back unchanged (the binary one is larger than the
modules' 4 KiB buffer, so it goes out as several fragments: rule 61's one read and one write
pending at once, and inline completions, both happen); a message the client sends in fragments
comes back whole (each fragment echoed with its flags); the client's close is answered with its
own code (rule 62); a non-upgrade request is answered 404 (no module finished it);
SIGTERM stops the host with status 0.
"""
import asyncio
import os
import ssl
import sys
import tempfile
import urllib.error
import urllib.request

import iis_host
from iis_host import fail

TIMEOUT = 10


async def client(websockets, url, tls=None):
    async with websockets.connect(f"{url}/echo", compression=None, max_size=None, ssl=tls) as ws:
        await ws.send("hello from python")
        if await asyncio.wait_for(ws.recv(), TIMEOUT) != "hello from python":
            fail("text echo differs")
        blob = os.urandom(70000)
        await ws.send(blob)
        if await asyncio.wait_for(ws.recv(), TIMEOUT) != blob:
            fail("binary echo differs")
        await ws.send(["in ", "three ", "fragments"])
        if await asyncio.wait_for(ws.recv(), TIMEOUT) != "in three fragments":
            fail("a fragmented text message did not come back whole")
        # Only the code: the host answers a close at once with the client's code and no reason
        # (docs/compat/iis.md), so the module's own answer, with the reason, sends nothing.
        await asyncio.wait_for(ws.close(4001, "bye"), TIMEOUT)
        if ws.close_code != 4001:
            fail(f"close answered with {ws.close_code}, expected the client's 4001")


def plain_request_is_404(port, tls=None):
    scheme = "https" if tls else "http"
    try:
        urllib.request.urlopen(f"{scheme}://127.0.0.1:{port}/plain", timeout=TIMEOUT, context=tls)
        fail("a plain request was answered 2xx")
    except urllib.error.HTTPError as e:
        if e.code != 404:
            fail(f"a plain request got {e.code}, expected 404")


def main():
    websock, module = sys.argv[1], sys.argv[2]
    use_tls = "--tls" in sys.argv[3:]
    websockets = iis_host.need_python_websockets()
    with tempfile.TemporaryDirectory() as d:
        extra, tls = [], None
        if use_tls:
            sys.path.insert(0, os.path.join(iis_host.SOURCE_DIR, "tests", "interop"))
            from run import make_certs  # one maker of test certificates for the tree
            certs = make_certs(d)
            extra = ["--tls-cert", certs["cert"], "--tls-key", certs["key"]]
            tls = ssl.create_default_context(cafile=certs["ca"])
        with iis_host.Host(websock, [module], extra) as host:
            if use_tls and not host.url.startswith("wss://"):
                fail(f"the host does not serve wss:// ({host.url})")
            iis_host.run_async(client(websockets, host.url, tls), 30, "the Python client")
            plain_request_is_404(host.port, tls)


iis_host.run_test(main)
