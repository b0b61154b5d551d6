#!/usr/bin/python3
"""The WinHTTP example client (examples/winhttp/winhttp_echo) against an IIS echo module loaded
by `websock iis`: a Windows client and a Windows server module, both compiled unchanged.

    winhttp_client_test.py WEBSOCK_BINARY ECHO_MODULE_SO WINHTTP_ECHO

winhttp_echo sends one binary message, checks its echo byte for byte, closes with 1000 and reads
the server's close status. Run twice: with its default message, and with one of 2,000 wide
characters (8,000 bytes here), more than the modules' 4 KiB buffer, so the echo comes back in
several fragments that the client reads piece by piece.
"""
import sys

import iis_host
from iis_host import fail

CLIENT_TIMEOUT = 60


def main():
    websock, module, winhttp_echo = sys.argv[1:4]
    iis_host.need_file(winhttp_echo, "winhttp_echo (examples/winhttp)", executable=True)
    with iis_host.Host(websock, [module]) as host:
        for extra in ([], ["0123456789" * 200]):
            rc, out = iis_host.run_peer([winhttp_echo, "127.0.0.1", str(host.port), "/echo", *extra], CLIENT_TIMEOUT)
            what = "the default message" if not extra else "a 2,000-character message"
            if rc != 0 or "succeeded" not in out:
                fail(f"winhttp_echo with {what}: exit status {rc}, no success reported")
            if "closed with status 1000" not in out:
                fail(f"winhttp_echo with {what}: no close status 1000 printed")


iis_host.run_test(main)
