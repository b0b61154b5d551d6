"""The runner of the CLI test scripts: each runs its `case_*` functions, one PASS/FAIL line each."""


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def run_cases(namespace):
    """Runs every `case_*` function of a script's globals(); exit status 1 if any failed."""
    cases = [(n, f) for n, f in sorted(namespace.items()) if n.startswith("case_")]
    failed = 0
    for name, fn in cases:
        try:
            fn()
            print(f"PASS {name[5:]}")
        except Exception as e:  # one line per case, the reason included
            failed += 1
            print(f"FAIL {name[5:]}: {e}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0
