#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then builds C programs written for Windows
# (<windows.h>, <websocket.h>; one with wmain) against it twice, with nothing but the compat flag set: through
# find_package(websock) + websock::websock_compat, and through `pkg-config websock-compat`.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consumer="$source_dir/tests/compat/websocket_h/install_consumer"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$consumer" -B "$work/cmake-consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_C_COMPILER="${CC:-cc}" >/dev/null
cmake --build "$work/cmake-consumer" >/dev/null
"$work/cmake-consumer/consumer"
"$work/cmake-consumer/wmain_consumer"
echo "find_package consumer: ok"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig"
flags=$(pkg-config --cflags --libs websock-compat)
echo "pkg-config websock-compat: $flags"
# shellcheck disable=SC2086
"${CC:-cc}" -std=c99 -Wall -Wextra -pedantic-errors "$consumer/consumer.c" -o "$work/pc-consumer" $flags
"$work/pc-consumer"
wmain_flags=$(pkg-config --cflags --libs websock-wmain)
echo "pkg-config websock-wmain: $wmain_flags"
# shellcheck disable=SC2086
"${CC:-cc}" -std=c99 -Wall -Wextra -Werror "$consumer/wmain_consumer.c" -o "$work/pc-wmain-consumer" $wmain_flags
"$work/pc-wmain-consumer"
echo "pkg-config consumer: ok"
# Linking websock alone does not put the Windows headers on the path.
if pkg-config --cflags websock | grep -q 'websock/win'; then
  echo "websock.pc exposes the Windows headers" >&2
  exit 1
fi
