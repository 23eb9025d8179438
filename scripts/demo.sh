#!/usr/bin/env bash
# The seed's demo on the embedded default: starts `gatehouse run` (SQLite store in a temporary
# data directory), applies the seed manifests (namespace kuma-demo, Service demo-app, the
# GatewayClass `kuma` with its MeshGatewayConfig, the Gateway and the HTTPRoute), shows them
# with `gatehouse get` and kubectl, then stops the control plane.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)/gatehouse"
[ -x "$bin" ] || swift build
data="$(mktemp -d)"
port="${GATEHOUSE_DEMO_PORT:-5681}"
export GATEHOUSE_SERVER="http://127.0.0.1:$port"
"$bin" run --data-dir "$data" --api-address "127.0.0.1:$port" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fs "$GATEHOUSE_SERVER/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
"$bin" apply -f examples/seed/
echo
"$bin" get gatewayclasses
echo
"$bin" get gateways -A
echo
"$bin" get httproutes -A
echo
echo "kubectl sees the same objects:"
cat > "$data/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: gatehouse, cluster: {server: "$GATEHOUSE_SERVER"}}]
contexts: [{name: gatehouse, context: {cluster: gatehouse}}]
current-context: gatehouse
KUBECONFIG
KUBECONFIG="$data/kubeconfig" .venv/bin/kubectl get gateways,httproutes -n kuma-demo
