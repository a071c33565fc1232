import Prometheus
import Synchronization

/// The node's Prometheus metrics, emitted at `GET /metrics`.
public final class NodeMetrics: Sendable {
    /// The registry the metrics live in; `braked` also bootstraps swift-metrics with it.
    public let registry: PrometheusCollectorRegistry
    let accepted: Counter
    let term: Gauge
    let commitIndex: Gauge
    let appliedIndex: Gauge
    let isLeader: Gauge
    let pausesInForce: Gauge
    let openMotions: Gauge

    /// Creates the metrics in `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        accepted = registry.makeCounter(name: "brake_declarations_accepted_total", help: "Declarations committed and accepted by the registry")
        term = registry.makeGauge(name: "brake_raft_term", help: "Current Raft term")
        commitIndex = registry.makeGauge(name: "brake_raft_commit_index", help: "Highest committed log index")
        appliedIndex = registry.makeGauge(name: "brake_applied_index", help: "Highest log index applied to the registry")
        isLeader = registry.makeGauge(name: "brake_raft_is_leader", help: "1 if this node leads Raft")
        pausesInForce = registry.makeGauge(name: "brake_pauses_in_force", help: "Pauses in force now")
        openMotions = registry.makeGauge(name: "brake_motions_open", help: "Motions open for signatures")
    }

    /// The counter of refused declarations with this error code.
    func rejected(_ code: String) -> Counter {
        registry.makeCounter(name: "brake_declarations_rejected_total", labels: [("code", code)], help: "Declarations refused, by error code")
    }

    /// The counter of check verdicts of this kind.
    func checks(_ verdict: String) -> Counter {
        registry.makeCounter(name: "brake_checks_total", labels: [("verdict", verdict)], help: "Check verdicts given")
    }

    /// Sets the gauges from a status.
    func update(from status: NodeStatus) {
        term.set(Double(status.term) as Double)
        commitIndex.set(Double(status.commitIndex) as Double)
        appliedIndex.set(Double(status.appliedIndex) as Double)
        isLeader.set(status.role == "leader" ? 1.0 : 0.0 as Double)
        pausesInForce.set(Double(status.pausesInForce) as Double)
        openMotions.set(Double(status.openMotions) as Double)
    }
}
