import BrakeCore
import BrakeRaft
import BrakeSim
import Foundation

// brake-bench: figures, not a test. Run in release: `swift run -c release brake-bench`.
//
// 1. Cluster throughput: entries committed and applied by every node per second, for 3 and 5
//    nodes in the simulator with zero network delay and no faults — the pure Raft core plus
//    the registry's apply (which verifies every signature on every node), without the
//    simulator's per-step registry comparisons and audit.
// 2. The cost of one Ready cycle on a lone node: propose → ready → persist → apply, with and
//    without the registry apply.

/// Valid, distinct declarations: trigger motions on scopes of their own, each signed by two
/// parties (so each one passes and creates a pause), built before any timing starts.
func declarations(_ count: Int, federation: SimFederation, salt: Int) -> [Envelope] {
    let created: Millis = 1_795_910_400_000
    let parties = federation.partyIDs
    return (0..<count).compactMap { n in
        guard let scope = try? Scope("bench/s\(salt)-\(n)") else { return nil }
        let motion = Motion(
            federation: federation.charter.federation, kind: .trigger, scope: scope, reason: "bench",
            proposer: parties[n % parties.count], created: created, expires: created + 3_000_000,
            nonce: String(format: "%016x%08x", n, salt))
        var envelope = motion.unsignedEnvelope()
        for party in [parties[n % parties.count], parties[(n + 1) % parties.count]] {
            if let key = federation.key(of: party) { envelope = envelope.signed(with: key) }
        }
        return envelope
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func clusterThroughput(nodes: Int, entries: Int, batch: Int) -> (perSecond: Double, steps: Int) {
    var faults = SimulationFaults.none
    faults.faultFraction = 1  // no liveness probe: the benchmark is the only client
    var sim = Simulation(seed: 1, nodes: nodes, steps: 1_000_000, faults: faults, clientRate: 0)
    sim.checksEnabled = false
    _ = sim.run(maxSteps: 1_000) { $0.leader != nil }
    guard let federation = SimFederation.make(cachedNodes: nodes) else { return (0, 0) }
    let envelopes = declarations(entries, federation: federation, salt: nodes)
    let startIndex = sim.committedIndex
    let clock = ContinuousClock()
    var steps = 0
    let elapsed = clock.measure {
        var next = 0
        while next < envelopes.count {
            let proposed = sim.proposeOnLeader(Array(envelopes[next..<min(next + batch, envelopes.count)]))
            next += proposed
            let target = sim.committedIndex + UInt64(proposed)
            _ = sim.run(maxSteps: 100) { $0.minimumAppliedIndex >= target }
            steps += 1
        }
        _ = sim.run(maxSteps: 1_000) { $0.minimumAppliedIndex >= startIndex + UInt64(entries) }
    }
    let applied = Double(sim.minimumAppliedIndex - startIndex)
    return (applied / seconds(elapsed), steps)
}

func readyCycle(count: Int) -> Double {
    guard let federation = ReadyLoop.federation else { return 0 }
    let envelopes = declarations(count, federation: federation, salt: 1)
    var loop = ReadyLoop()
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for envelope in envelopes { loop.cycle(envelope) }
    }
    return seconds(elapsed) * 1e9 / Double(envelopes.count)
}

print("brake-bench (simulated cluster, zero network delay, no faults)")
// The registry grows from empty to 1000 pauses during each run; its apply cost does not depend on
// its size (it is dominated by verifying each entry's two Ed25519 signatures).
for nodes in [3, 5] {
    let result = clusterThroughput(nodes: nodes, entries: 1_000, batch: 64)
    print(String(format: "  %d nodes: %8.0f entries/s committed and applied on every node (1000 signed triggers, batches of 64)", nodes, result.perSecond))
}
let cycle = readyCycle(count: 1_000)
print(String(format: "  node core cycle, 1 node, submit→admit→propose→persist→apply→answer: %8.0f ns", cycle))

/// What opening a node's registry costs at restart: `Registry(charter:rows:)` over the rows of a
/// registry of `count` passed triggers (each a motion row and a pause row, as the harness's bench
/// workload makes), in milliseconds, and per record.
func registryRestore(count: Int) -> (millis: Double, perRecordMicros: Double, rows: Int) {
    guard let federation = SimFederation.make(cachedNodes: 1) else { return (0, 0, 0) }
    var registry = Registry(charter: federation.charter)
    for (n, envelope) in declarations(count, federation: federation, salt: 7).enumerated() {
        _ = registry.apply(index: UInt64(n + 1), data: LogRecord(time: 1_795_910_400_000 + Millis(n), envelope: envelope).encoded())
    }
    let rows = registry.rows
    let clock = ContinuousClock()
    var restored: Registry?
    let elapsed = clock.measure { restored = try? Registry(charter: federation.charter, rows: rows) }
    guard restored == registry else { return (0, 0, rows.count) }
    return (seconds(elapsed) * 1e3, seconds(elapsed) * 1e6 / Double(rows.count), rows.count)
}

for count in [1_000, 10_000] {
    let restore = registryRestore(count: count)
    print(String(format: "  registry restore, %d passed triggers (%d rows): %8.1f ms, %.1f µs per row", count, restore.rows, restore.millis, restore.perRecordMicros))
}
