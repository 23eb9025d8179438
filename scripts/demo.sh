#!/usr/bin/env bash
# The seed's demo on the embedded default (standalone mode):
#   1. `gatehouse run` with a fresh data directory (SQLite store, API on 127.0.0.1:$PORT);
#   2. a `gatehouse echo` backend on 127.0.0.1:5000 standing in for the demo-app pod, with the
#      EndpointSlice a Kubernetes endpoint controller would create;
#   3. the seed's manifests (namespace kuma-demo, Service demo-app:5000, GatewayClass kuma with
#      its MeshGatewayConfig, Gateway kuma with an HTTP listener on 8080, HTTPRoute echo);
#   4. waits for the Gateway to be Programmed, shows it with its Deployment, Service and pod,
#      and curls it through Envoy;
#   5. shows `gatehouse inspect gateway`, the web console's title and the number of metrics.
# Everything it starts is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build --show-bin-path)/gatehouse"
[ -x "$bin" ] || swift build
data="$(mktemp -d)"
port="${GATEHOUSE_DEMO_PORT:-5681}"
export GATEHOUSE_SERVER="http://127.0.0.1:$port"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT

"$bin" run --data-dir "$data" --api-address "127.0.0.1:$port" --log-level warning &
pids+=($!)
"$bin" echo --port 5000 --name demo-app-5f8d9c7b6d-x2x9q --namespace kuma-demo &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "$GATEHOUSE_SERVER/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

"$bin" apply -f examples/seed/
"$bin" apply -f - <<'SLICE'
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: demo-app-7x2kq
  namespace: kuma-demo
  labels: {kubernetes.io/service-name: demo-app}
addressType: IPv4
ports: [{name: http, port: 5000, protocol: TCP, appProtocol: http}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
SLICE

echo
echo "waiting for the Gateway to be Programmed..."
address=""
for _ in $(seq 1 200); do
  state="$("$bin" get gateway kuma -n kuma-demo -o json)"
  programmed="$(python3 -c 'import json,sys; s=json.load(sys.stdin).get("status",{}); print(next((c["status"] for c in s.get("conditions",[]) if c["type"]=="Programmed"),""))' <<<"$state")"
  address="$(python3 -c 'import json,sys; a=json.load(sys.stdin).get("status",{}).get("addresses",[]); print(a[0]["value"] if a else "")' <<<"$state")"
  [ "$programmed" = "True" ] && break
  sleep 0.1
done
"$bin" get gateways -A
echo
"$bin" get httproutes -A
echo
# The gateway's infrastructure, as a cluster would show it: Deployment, LoadBalancer Service
# with the Gateway's address, and the Running pod the local runtime started.
"$bin" get deployments -n kuma-demo
echo
"$bin" get services -n kuma-demo
echo
"$bin" get pods -n kuma-demo
echo
# The backend's endpoints may reach Envoy a moment after the Gateway is Programmed.
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$address:8080/")" = "200" ] && break
  sleep 0.1
done
echo "curl -i http://$address:8080/"
curl -sS -i "http://$address:8080/"

echo
echo "gatehouse inspect gateway kuma -n kuma-demo"
"$bin" inspect gateway kuma -n kuma-demo
echo "web console: $GATEHOUSE_SERVER/gui/ ($(curl -fsS "$GATEHOUSE_SERVER/gui/" | grep -o '<title>[^<]*</title>' | sed 's/<[^>]*>//g'))"
echo "metrics: $GATEHOUSE_SERVER/metrics ($(curl -fsS "$GATEHOUSE_SERVER/metrics" | grep -c '^gatehouse_') gatehouse_* samples)"
