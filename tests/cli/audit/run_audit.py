#!/usr/bin/python3
"""Runs the issue 9 audit suite against a websock binary (docs/audit.md).

  run_audit.py WEBSOCK [--old OLD_WEBSOCK] [SCRIPT ...]

Every script's checks must pass against WEBSOCK. With --old, the same scripts also run against
the server from before the security fixes: each group A check (a defect the new HTTP front
fixed) must FAIL there, each group B check (what held up in the audit) must pass. CTest runs the
scripts one by one (tests/cli/CMakeLists.txt); this runner is for a whole run and for the
before/after evidence.
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = ["static_confinement", "static_streaming", "slow_reader", "handshake", "frames", "floods",
           "slow_peers", "tls", "survival"]


def run(script, binary, group=None):
    cmd = ["/usr/bin/python3", os.path.join(HERE, script + ".py"), binary]
    if group:
        cmd += ["--group", group]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    return p.returncode, out, time.monotonic() - t0


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    binary = args.pop(0)
    old = None
    if len(args) >= 2 and args[0] == "--old":
        old = args[1]
        args = args[2:]
    scripts = args or SCRIPTS
    problems = []
    total = 0.0
    print("== %s" % binary)
    for script in scripts:
        rc, out, took = run(script, binary)
        total += took
        print(out.rstrip())
        print("-- %s: exit %d, %.1f s" % (script, rc, took))
        if rc != 0:
            problems.append("%s failed against %s" % (script, binary))
    print("== all against %s: %.1f s" % (binary, total))
    if old:
        print("\n== %s (before the fixes): group A must fail, group B must pass" % old)
        for script in scripts:
            for group in ("A", "B"):
                rc, out, took = run(script, old, group)
                print(out.rstrip())
                if group == "A":
                    passed = re.findall(r"^PASS \[A\] (\S+)", out, re.M)
                    failed = re.findall(r"^FAIL \[A\] (\S+)", out, re.M)
                    if passed:
                        problems.append("group A checks pass against the old binary: %s" % ", ".join(passed))
                    if "no checks in group A" not in out and not failed:
                        problems.append("%s: no group A result against the old binary" % script)
                elif rc != 0:
                    problems.append("%s group B failed against the old binary" % script)
    print()
    for p in problems:
        print("PROBLEM: " + p)
    print("audit: %s" % ("ok" if not problems else "%d problem(s)" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
