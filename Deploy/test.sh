#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first when it is missing (liblmdb-dev, spin):
# unit and real-process tests, then the deterministic simulation (on its own, since its CPU-bound
# seed sweep would starve the timing-sensitive process tests on 2 cores), then the model checker,
# then a short libFuzzer run of each fuzz target (BRAKE_FUZZ_SECONDS per target, default 10; see
# Tests/Fuzz/README.md for a long run).
set -euo pipefail
cd "$(dirname "$0")/.."
Deploy/install-deps.sh
swift build --build-tests
swift test --skip-build --skip BrakeSimTests
swift test --skip-build --filter BrakeSimTests
Specs/check
Tests/Fuzz/run.sh "${BRAKE_FUZZ_SECONDS:-10}"
