#!/usr/bin/env bash
# Runs the whole test suite (unit, golden and end-to-end with the real binary, kubectl and Envoy)
# after making sure everything it needs is installed. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec swift test --no-parallel "$@"
