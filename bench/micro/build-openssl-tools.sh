#!/bin/sh
# Builds the C micro-benchmarks twice — against the system OpenSSL (libssl-dev; Node 20 bundles
# the same 3.0 series) and against tls-rs's vendored OpenSSL from the cargo build — and runs them.
#
#   sh bench/micro/build-openssl-tools.sh        (after `node scripts/build-addon.js`)
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
vendored=$(ls -td "$root"/target/release/build/openssl-sys-*/out/openssl-build/install 2>/dev/null | head -n 1)
[ -n "$vendored" ] || { echo "no vendored OpenSSL under target/release: build the addon first" >&2; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/key.pem" \
  -out "$out/cert.pem" -days 2 -subj /CN=localhost 2>/dev/null
for tool in openssl-aead openssl-ssl-memory openssl-handshake openssl-context; do
  cc -O2 "$here/$tool.c" -o "$out/$tool-system" -lssl -lcrypto
  cc -O2 -I"$vendored/include" "$here/$tool.c" -o "$out/$tool-vendored" "$vendored/lib/libssl.a" "$vendored/lib/libcrypto.a" -lpthread -ldl
done
for v in system vendored; do "$out/openssl-aead-$v"; done
for v in system vendored; do "$out/openssl-handshake-$v" "$out/cert.pem" "$out/key.pem"; done
for v in system vendored; do "$out/openssl-context-$v"; done
for v in system vendored; do
  for side in server client; do
    for args in "1 2" "0 2" "1 0"; do
      # shellcheck disable=SC2086
      "$out/openssl-ssl-memory-$v" "$side" $args "$out/cert.pem" "$out/key.pem"
    done
  done
done
