#!/usr/bin/python3
"""Runs one Node peer (a script here, using `ws` or playwright-core from the interop tests'
node_modules) against an IIS module loaded by `websock iis`.

    run_node_peer.py WEBSOCK_BINARY MODULE_SO URL_PATH SCRIPT.js [--chromium]

The script gets ws://127.0.0.1:PORT/URL_PATH (and, with --chromium, a fresh browser profile
directory) and must exit 0; it prints a line per case. The host must then stop cleanly.
"""
import argparse
import os
import tempfile

import iis_host

PEER_TIMEOUT = 120


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("websock")
    ap.add_argument("module")
    ap.add_argument("path")
    ap.add_argument("script")
    ap.add_argument("--chromium", action="store_true", help="the script drives headless Chromium")
    a = ap.parse_args()
    script = os.path.join(iis_host.HERE, a.script)
    if a.chromium:
        node = iis_host.need_node("playwright-core")
        iis_host.need_chromium()
    else:
        node = iis_host.need_node("ws")
    with tempfile.TemporaryDirectory(prefix="websock-iis-peer-") as tmp:
        with iis_host.Host(a.websock, [a.module]) as host:
            argv = [node, script, f"{host.url}/{a.path}"]
            if a.chromium:
                argv.append(os.path.join(tmp, "chromium-profile"))
            rc, _ = iis_host.run_peer(argv, PEER_TIMEOUT, env=iis_host.node_env())
            if rc != 0:
                iis_host.fail(f"{a.script} exited with status {rc} (see above)")


iis_host.run_test(main)
