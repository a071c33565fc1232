#!/usr/bin/env bash
# Runs the whole test suite: unit, simulation and real-process tests, then the model checker.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
Specs/check
