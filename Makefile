# Two commands do all set-up on a fresh Debian 12 machine: `make run` and `make test`.
.PHONY: all deps bench-deps build run test test-release test-asan test-tsan bench clean

all: build

deps:
	@scripts/install-deps.sh
	@scripts/install-node-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release

# Starts the demo server with its defaults; it prints the URL to open (Ctrl-C stops it).
run: build
	./build/release/tools/websock/websock serve

test: deps test-release test-asan test-tsan

test-release:
	cmake --preset release >/dev/null
	cmake --build --preset release
	ctest --preset release

# ASan + UBSan build (clang) of every test, plus a bounded run of each libFuzzer target.
test-asan:
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan

# ThreadSanitizer run of the multi-threaded tests (label `threads`: the channel, the server and client over
# loopback with several loops and sending threads, websocket.h handles shared between threads, the WinHTTP
# face's callbacks from loop threads, the IIS host's module pool meeting its loops and `websock iis` running
# the example IIS modules). Only the targets listed are built; `-L threads` runs only what was built, because an
# unbuilt test binary leaves just an unlabelled <target>_NOT_BUILT placeholder (the IIS example tests are
# scripts: their host and modules are listed here).
test-tsan:
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan --target api_test wsh_threads_test channel_test \
	  winhttp_rules_test winhttp_async_stress_test winhttp_wine_scenarios_test \
	  iis_rules_test iis_faults_test websock_cli echo_module sync_echo_module closes_first_module chat_module
	ctest --preset tsan -L threads

# Core micro-benchmarks (the bench preset builds them and the echo peers of bench/macro.sh). Only the
# benchmarks need scripts/bench-packages.txt; a package of it that cannot be installed is skipped.
bench-deps: deps
	@scripts/install-deps.sh --optional scripts/bench-packages.txt

bench: bench-deps
	cmake --preset bench >/dev/null
	cmake --build --preset bench
	@BENCH_NO_BUILD=1 bench/run.sh

clean:
	rm -rf build
