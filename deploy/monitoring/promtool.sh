#!/usr/bin/env bash
# Prints the path of a promtool (Prometheus's rule checker): the one on PATH, else the one in
# .data/tools, else Debian's `prometheus` package's, fetched with `apt-get download` and unpacked
# there (installing the package would start a Prometheus server; only promtool is needed).
set -euo pipefail
cd "$(dirname "$0")/../.."
if command -v promtool >/dev/null 2>&1; then command -v promtool; exit 0; fi
tool=.data/tools/promtool
if [[ -x $tool ]]; then echo "$PWD/$tool"; exit 0; fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "error: promtool is needed: apt-get install prometheus, or put promtool on PATH" >&2; exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # apt's download user reads it
echo "fetching promtool (apt-get download prometheus) ..." >&2
download() { (cd "$tmp" && apt-get download -q prometheus) >"$tmp/log" 2>&1; }
if ! download; then
  if [[ $(id -u) -eq 0 ]]; then apt-get update -q >>"$tmp/log" 2>&1 || true; fi
  download || { cat "$tmp/log" >&2; echo "error: apt-get download prometheus failed" >&2; exit 1; }
fi
dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x"
mkdir -p .data/tools
install -m 755 "$tmp/x/usr/bin/promtool" "$tool"
echo "$PWD/$tool"
