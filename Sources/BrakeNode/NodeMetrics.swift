import BrakeNet
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
    let eventStreams: Gauge
    let apiConnections: Gauge
    let apiEvictions: Gauge
    let fresh: Gauge
    let halted: Gauge
    let clockRefusedAppends: Gauge
    let peerStatsSource = Mutex<(@Sendable () -> PeerNetworkStats)?>(nil)
    /// The (leader, declaration) label pairs of the censorship alarm gauges set to 1 last time.
    let alarmLabels = Mutex<Set<[String]>>([])

    /// Where the peer transport's counters come from (set once the transport runs).
    var peerStats: (@Sendable () -> PeerNetworkStats)? {
        get { peerStatsSource.withLock { $0 } }
        set { peerStatsSource.withLock { $0 = newValue } }
    }

    /// Creates the metrics in `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        accepted = registry.makeCounter(descriptor: Self.name("brake_declarations_accepted_total", "Declarations committed and accepted by the registry"))
        term = registry.makeGauge(descriptor: Self.name("brake_raft_term", "Current Raft term"))
        commitIndex = registry.makeGauge(descriptor: Self.name("brake_raft_commit_index", "Highest committed log index"))
        appliedIndex = registry.makeGauge(descriptor: Self.name("brake_applied_index", "Highest log index applied to the registry"))
        isLeader = registry.makeGauge(descriptor: Self.name("brake_raft_is_leader", "1 if this node leads Raft"))
        pausesInForce = registry.makeGauge(descriptor: Self.name("brake_pauses_in_force", "Pauses in force now"))
        openMotions = registry.makeGauge(descriptor: Self.name("brake_motions_open", "Motions open for signatures"))
        eventStreams = registry.makeGauge(descriptor: Self.name("brake_event_streams", "Open /v1/events streams"))
        apiConnections = registry.makeGauge(descriptor: Self.name("brake_api_connections", "Open local API connections"))
        apiEvictions = registry.makeGauge(descriptor: Self.name("brake_api_connections_evicted_total", "Idle API connections closed to make room for new ones"))
        fresh = registry.makeGauge(descriptor: Self.name("brake_node_fresh", "1 if this node heard from a quorum within an election timeout; 0: local checks answer unknown"))
        halted = registry.makeGauge(descriptor: Self.name("brake_node_halted", "1 if this node halted after a storage failure"))
        clockRefusedAppends = registry.makeGauge(descriptor: Self.name(
            "brake_clock_refused_appends_total",
            "Appends refused because an entry was stamped more than the charter's clock skew ahead of this node's wall clock (Specs/time.md)"))
    }

    /// One gauge per alarm in force, labelled with the leader and the declaration, at 1; an alarm
    /// that cleared drops to 0.
    func updateAlarms(_ alarms: [CensorshipAlarmView]) {
        let descriptor = Self.name(
            "brake_censorship_alarm", "1 while this node holds evidence that the labelled leader has not committed the labelled valid declaration (Specs/gossip.md)")
        let current = Set(alarms.map { [$0.leader, $0.declaration] })
        let previous = alarmLabels.withLock { labels in
            defer { labels = current }
            return labels
        }
        for labels in previous.union(current) {
            registry.makeGauge(descriptor: descriptor, labels: [("leader", labels[0]), ("declaration", labels[1])])
                .set(current.contains(labels) ? 1.0 : 0.0 as Double)
        }
    }

    static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The counter of refused declarations with this error code.
    func rejected(_ code: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("brake_declarations_rejected_total", "Declarations refused, by error code"), labels: [("code", code)])
    }

    /// The counter of check verdicts of this kind.
    func checks(_ verdict: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("brake_checks_total", "Check verdicts given"), labels: [("verdict", verdict)])
    }

    /// Sets the gauges from a status.
    func update(from status: NodeStatus) {
        term.set(Double(status.term) as Double)
        commitIndex.set(Double(status.commitIndex) as Double)
        appliedIndex.set(Double(status.appliedIndex) as Double)
        isLeader.set(status.role == "leader" ? 1.0 : 0.0 as Double)
        pausesInForce.set(Double(status.pausesInForce) as Double)
        openMotions.set(Double(status.openMotions) as Double)
        fresh.set(status.fresh ? 1.0 : 0.0 as Double)
        halted.set(status.halted == nil ? 0.0 : 1.0 as Double)
        clockRefusedAppends.set(Double(status.clockRefusedAppends) as Double)
        let pool: [(String, String, Double)] = [
            ("brake_pool_declarations", "Declarations in the pending pool (valid, not yet committed)", Double(status.poolDeclarations)),
            ("brake_pool_bytes", "Bytes the pending pool holds", Double(status.poolBytes)),
            ("brake_pool_refused_full_total", "Declarations refused with pool_full because the pending pool was full", Double(status.poolRefusedFull)),
            ("brake_censorship_alarms", "Censorship alarms in force: valid declarations held uncommitted past the charter's maxPendingSeconds under a heartbeating leader", Double(status.censorshipAlarms.count)),
            ("brake_censorship_alarms_raised_total", "Censorship alarms raised since start", Double(status.censorshipAlarmsRaised)),
        ]
        for (name, help, value) in pool {
            registry.makeGauge(descriptor: Self.name(name, help)).set(value)
        }
        updateAlarms(status.censorshipAlarms)
        guard let stats = peerStats?() else { return }
        let gauges: [(String, String, Double)] = [
            ("brake_peer_connections_in", "Open inbound peer connections", Double(stats.connectionsIn)),
            ("brake_peer_connections_out", "Open outbound peer connections", Double(stats.connectionsOut)),
            ("brake_peer_bytes_in_total", "Frame bytes received from peers", Double(stats.bytesIn)),
            ("brake_peer_bytes_out_total", "Frame bytes sent to peers", Double(stats.bytesOut)),
            ("brake_peer_frames_in_total", "Frames received from peers", Double(stats.framesIn)),
            ("brake_peer_frames_out_total", "Frames sent to peers", Double(stats.framesOut)),
            ("brake_peer_refused_handshakes_total", "Peer connections refused: wrong pin, wrong hello, timeout", Double(stats.refusedHandshakes)),
            ("brake_peer_dropped_frames_total", "Peer frames dropped: oversized, undecodable, unknown kind", Double(stats.droppedFrames)),
            ("brake_peer_sender_mismatches_total", "Peer messages dropped because they claimed another sender", Double(stats.senderMismatches)),
            ("brake_peer_outbox_drops_total", "Messages dropped because a peer's outbox was full", Double(stats.outboxDrops)),
        ]
        for (name, help, value) in gauges {
            registry.makeGauge(descriptor: Self.name(name, help)).set(value)
        }
    }
}
