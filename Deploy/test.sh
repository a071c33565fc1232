#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first when it is missing (liblmdb-dev, spin):
# unit and real-process tests; then the tests of live clusters (in-process NodeDrivers and braked
# federations through the harness), on their own because they measure elections and failover in
# real time and the CPU-heavy suites (hostile clients, Merkle properties) would starve them on 2
# cores; then the deterministic simulation (its seed sweep is CPU-bound too), then the model checker,
# then a short libFuzzer run of each fuzz target (BRAKE_FUZZ_SECONDS per target, default 10; see
# Tests/Fuzz/README.md for a long run).
set -euo pipefail
cd "$(dirname "$0")/.."
Deploy/install-deps.sh
swift build --build-tests
swift test --skip-build --skip BrakeSimTests --skip BrakeNodeTests --skip HarnessTests
swift test --skip-build --filter BrakeNodeTests
# One federation at a time: each names its loopback ports before its processes bind them, and two
# federations made at once could draw the same port in that window.
swift test --skip-build --no-parallel --filter HarnessTests
swift test --skip-build --filter BrakeSimTests
Specs/check
Tests/Fuzz/run.sh "${BRAKE_FUZZ_SECONDS:-10}"
