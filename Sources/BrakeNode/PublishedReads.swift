import BrakeCore
import BrakeReplica
import Synchronization

/// What the driver publishes after every batch for readers that must never wait for it: the table
/// `check` consults and the freshness basis of the same moment.
///
/// `check` reads it under a lock held for a copy, so a driver busy with a large batch, a flood of
/// submissions or a slow disk cannot delay the answer; if the driver stops publishing, the basis
/// ages and `check` answers `unknown` once it is older than the caller's staleness bound.
public final class PublishedReads: Sendable {
    /// One published moment.
    public struct View: Sendable {
        /// The pauses not lifted, as of the applied index.
        public var table: CheckTable
        /// Freshness as of the same moment.
        public var basis: ReadBasis
        /// The consensus fields of the status at the same moment.
        public var status: NodeStatus
        /// The self-certifying triggers the node holds (pending `paused`, Specs/gossip.md).
        public var pending: [PendingTrigger] = []
        /// Whether the registry is still loading after a restart: `check` then reads the store's
        /// check index instead of `table` (`NodeDriver+Loading`).
        public var registryLoading = false
    }

    private let state: Mutex<View>
    /// The charter in force as the driver last applied it (amendments change it).
    private let charterInForce: Mutex<Charter?>
    /// Censorship alarms raised since start, newest last (at most `raisedAlarmLimit`), and how many
    /// were ever raised, so an event stream announces each one once.
    private let raised: Mutex<(alarms: [CensorshipAlarmView], total: Int)> = Mutex(([], 0))
    /// How many raised alarms are kept for streams that have not announced them yet.
    static let raisedAlarmLimit = 256

    /// Creates a publication of `status` with nothing applied and no freshness.
    init(status: NodeStatus, charter: Charter? = nil) {
        state = Mutex(View(table: .empty, basis: .none, status: status))
        charterInForce = Mutex(charter)
    }

    /// The charter in force as of the latest batch the driver carried out (nil before the driver
    /// opened its store).
    public var charter: Charter? { charterInForce.withLock { $0 } }

    /// Replaces the charter in force.
    func publishCharter(_ charter: Charter) {
        charterInForce.withLock { $0 = charter }
    }

    /// The latest view.
    public var current: View { state.withLock { $0 } }

    /// Replaces the view.
    func publish(_ view: View) {
        state.withLock { $0 = view }
    }

    /// Records a censorship alarm the node just raised, for the event streams.
    func recordRaised(_ alarm: CensorshipAlarmView) {
        raised.withLock { raised in
            raised.alarms.append(alarm)
            if raised.alarms.count > Self.raisedAlarmLimit { raised.alarms.removeFirst(raised.alarms.count - Self.raisedAlarmLimit) }
            raised.total += 1
        }
    }

    /// How many censorship alarms were raised since start.
    var raisedAlarmCount: Int { raised.withLock { $0.total } }

    /// The alarms raised after the first `count` (those still kept), and the new count.
    func alarmsRaised(after count: Int) -> (alarms: [CensorshipAlarmView], total: Int) {
        raised.withLock { raised in
            let kept = raised.total - raised.alarms.count
            return (Array(raised.alarms.dropFirst(max(0, count - kept))), raised.total)
        }
    }
}
