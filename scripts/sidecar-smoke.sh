#!/usr/bin/env bash
# Manual end-to-end check of the sidecar stage with the real Envoy and echo backends: the
# golden cases sidecar-two-ports and sidecar-producer (their pods 127.0.7.1 and 127.0.8.1 on
# port 8080) are moved to 127.0.0.78 / 127.0.0.79, two echo backends serve those, an Envoy
# runs each case's static bootstrap with its outbound forward proxy on 127.0.0.77:15001, and
# curl sends requests through it (`curl -x`), printing status, answering pod and x-header-set.
#
#   scripts/sidecar-smoke.sh [ENVOY] [ECHO_PY]
#
# ENVOY defaults to $GATEHOUSE_ENVOY, then .venv/bin/envoy; ECHO_PY to
# ../shared/conformance/echo.py. Needs python3 and curl. Every process it starts is stopped
# by PID on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
envoy="${1:-${GATEHOUSE_ENVOY:-$root/.venv/bin/envoy}}"
echo_py="${2:-$root/../shared/conformance/echo.py}"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The static bootstraps of every golden sidecar (EnvoyValidationTests writes them).
mkdir -p "$work/bootstraps"
(cd "$root" && GATEHOUSE_ENVOY="$envoy" GATEHOUSE_SIDECAR_BOOTSTRAPS="$work/bootstraps" \
    swift test --filter 'SidecarTranslatorTests.EnvoyValidationTests' >"$work/test.log" 2>&1) \
    || { tail -20 "$work/test.log"; exit 1; }

python3 "$echo_py" --bind 127.0.0.78 --port 8080 --service echo-v1 --namespace mesh --pod echo-v1-5d8f-aaaaa >"$work/echo-v1.log" 2>&1 &
pids+=($!)
python3 "$echo_py" --bind 127.0.0.79 --port 8080 --service echo-v2 --namespace mesh --pod echo-v2-5d8f-bbbbb >"$work/echo-v2.log" 2>&1 &
pids+=($!)

for backend in 127.0.0.78 127.0.0.79; do
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null --max-time 1 "http://$backend:8080/"; then break; fi
        sleep 0.1
    done
done

# Runs the sidecar of one bootstrap (addresses moved), then curl requests: "URL [HOST-HEADER]"
# through the proxy (absolute form), or "origin PATH HOST-HEADER" straight to the listener.
run_case() {
    local bootstrap="$1"; shift
    sed -e 's/127\.0\.7\.1/127.0.0.78/g' -e 's/127\.0\.8\.1/127.0.0.79/g' -e 's/127\.0\.254\.[0-9]*/127.0.0.77/g' \
        "$work/bootstraps/$bootstrap.json" >"$work/$bootstrap.json"
    "$envoy" -c "$work/$bootstrap.json" --disable-hot-restart --concurrency 1 --log-level warning >"$work/envoy.log" 2>&1 &
    local envoy_pid=$!
    pids+=("$envoy_pid")
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null --max-time 1 http://127.0.0.77:15001/ 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "== $bootstrap"
    local request url host args answer
    for request in "$@"; do
        args=(-s -o "$work/body" -D "$work/headers" -w '%{http_code}' --max-time 5)
        if [[ "$request" == origin\ * ]]; then
            read -r _ path host <<<"$request"
            url="http://127.0.0.77:15001$path"
        else
            url="${request%% *}"
            host=""
            [[ "$request" == *" "* ]] && host="${request#* }"
            args+=(-x http://127.0.0.77:15001)
        fi
        [[ -n "$host" ]] && args+=(-H "Host: $host")
        answer="$(curl "${args[@]}" "$url" || true)"
        printf '%-42s %-15s -> %s %s %s\n' "$url" "${host:+Host: $host}" "$answer" \
            "$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print("pod=%s host=%s path=%s" % (b.get("pod"), b.get("host"), b.get("path")))' "$work/body" 2>/dev/null || echo "(not an echo)")" \
            "$(grep -iE '^(x-header-set|x-route|location):' "$work/headers" | tr -d '\r' | tr '\n' ' ' || true)"
    done
    kill "$envoy_pid"
    wait "$envoy_pid" 2>/dev/null || true
}

run_case sidecar-two-ports-mesh_echo-v1-5d8f-abcde \
    http://echo-v1/ http://echo-v1:80/ http://echo-v1.mesh/ http://echo-v1.mesh.svc.cluster.local:80/ \
    http://echo-v1:8080/ http://echo-v2/ http://echo-v2.mesh:8080/ \
    "http://echo-v2/ echo-v1" http://127.0.0.79:8080/ http://unknown/ http://echo-v1:9999/ \
    "origin / echo-v1" "origin /x echo-v2.mesh:8080"

run_case sidecar-producer-frontend_web-7d4b9 \
    http://catalog.shop/api/items http://catalog.shop/v2/items http://catalog.shop/other \
    http://catalog.shop:8080/api http://catalog/api http://catalog-v2.shop/anything

run_case sidecar-filters-shop_client-1 \
    http://api.shop/old http://api/rw/items http://api.shop/orders http://api.shop/split http://api.shop/split \
    http://api.shop/split http://api.shop/split
