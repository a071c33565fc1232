import BrakeRaft
import BrakeReplica

/// The wire between simulated nodes: every message waits in flight for its latency and is then
/// delivered, lost, duplicated or held back as the run's `SimRandom` decides. Links can be cut
/// one way at a time, which gives both symmetric and one-way partitions.
///
/// A message is dropped if its link is cut when it is sent or when it would arrive, and when its
/// sender or receiver crashes while it is in flight.
struct SimulatedNetwork {
    /// One message on the wire.
    struct Flight {
        var deliverAt: UInt64
        /// Tie-breaker among messages due at the same tick; random, so equal-time messages arrive
        /// in a random order.
        var order: UInt64
        var message: PeerMessage
    }

    private(set) var inFlight: [Flight] = []
    /// Cut links, as (from, to): messages from `from` do not reach `to`.
    private(set) var cut: Set<Link> = []
    var faults: SimulationFaults
    /// Whether loss, duplication and reordering are active (off once the run turns quiet).
    var lossy = true

    /// Counters for the report.
    private(set) var sent = 0
    private(set) var delivered = 0
    private(set) var dropped = 0
    private(set) var duplicated = 0

    /// A directed link.
    struct Link: Hashable {
        var from: NodeID
        var to: NodeID
    }

    init(faults: SimulationFaults) {
        self.faults = faults
    }

    var isPartitioned: Bool { !cut.isEmpty }

    func isCut(from: NodeID, to: NodeID) -> Bool {
        cut.contains(Link(from: from, to: to))
    }

    /// Puts `message` on the wire at time `now`.
    mutating func send(_ message: PeerMessage, now: UInt64, random: inout SimRandom) {
        sent += 1
        if isCut(from: message.from, to: message.to) || (lossy && random.chance(faults.loss)) {
            dropped += 1
            return
        }
        enqueue(message, now: now, random: &random)
        if lossy && random.chance(faults.duplication) {
            duplicated += 1
            enqueue(message, now: now, random: &random)
        }
    }

    private mutating func enqueue(_ message: PeerMessage, now: UInt64, random: inout SimRandom) {
        var delay = random.int(in: faults.latency)
        if lossy && random.chance(faults.reordering) {
            delay += random.int(in: faults.reorderDelay)
        }
        inFlight.append(Flight(deliverAt: now + UInt64(delay), order: random.nextUInt64(), message: message))
    }

    /// Removes and returns the messages due at or before `now`, earliest first, then in random
    /// order. Messages over a link cut in the meantime are dropped.
    mutating func takeDue(now: UInt64) -> [PeerMessage] {
        guard inFlight.contains(where: { $0.deliverAt <= now }) else { return [] }
        var due: [Flight] = []
        var rest: [Flight] = []
        for flight in inFlight {
            if flight.deliverAt <= now { due.append(flight) } else { rest.append(flight) }
        }
        inFlight = rest
        due.sort { ($0.deliverAt, $0.order) < ($1.deliverAt, $1.order) }
        var result: [PeerMessage] = []
        for flight in due {
            if isCut(from: flight.message.from, to: flight.message.to) {
                dropped += 1
            } else {
                delivered += 1
                result.append(flight.message)
            }
        }
        return result
    }

    /// Whether any message is due at or before `now`.
    func hasDue(now: UInt64) -> Bool {
        inFlight.contains { $0.deliverAt <= now }
    }

    /// Drops every message to or from `node` (it crashed: its sockets and buffers are gone).
    mutating func dropAll(involving node: NodeID) {
        let before = inFlight.count
        inFlight.removeAll { $0.message.from == node || $0.message.to == node }
        dropped += before - inFlight.count
    }

    /// Cuts both directions between every node of `a` and every node of `b`.
    mutating func partition(_ a: [NodeID], _ b: [NodeID]) {
        for x in a {
            for y in b {
                cut.insert(Link(from: x, to: y))
                cut.insert(Link(from: y, to: x))
            }
        }
    }

    /// Cuts one direction only: nodes of `deaf` stop hearing nodes of `unheard`, while the
    /// reverse direction keeps working.
    mutating func cutOneWay(from unheard: [NodeID], to deaf: [NodeID]) {
        for x in unheard {
            for y in deaf {
                cut.insert(Link(from: x, to: y))
            }
        }
    }

    /// Restores every link.
    mutating func heal() {
        cut = []
    }
}
