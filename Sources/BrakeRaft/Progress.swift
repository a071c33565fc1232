/// What a leader knows about one follower's log and how it is sending to it (etcd's
/// `Progress`): probing for the match point, pipelining appends, or waiting for a snapshot.
struct Progress: Sendable {
    enum State: Sendable {
        /// One append at a time until the follower accepts one; after election or a rejection.
        case probe
        /// Optimistic pipelining: `next` runs ahead of `match` by up to the inflight limit.
        case replicate
        /// A snapshot was sent; wait for its acknowledgement.
        case snapshot
    }

    /// Highest index known to match the leader's log.
    var match: UInt64 = 0
    /// Next index to send.
    var next: UInt64
    var state: State = .probe
    /// In probe state: an append is outstanding; wait for its answer or the next heartbeat.
    var probeSent = false
    /// Last index of each unacknowledged append, oldest first (replicate state).
    var inflights: [UInt64] = []
    /// The index of the snapshot in flight (snapshot state).
    var pendingSnapshot: UInt64 = 0
    var snapshotSentTick: UInt64 = 0
    /// Heard from since the last check-quorum round.
    var recentActive = false
    /// The tick of the last message from this follower in the current term.
    var lastHeardTick: UInt64?
    /// The highest heartbeat context this follower echoed, and when that heartbeat was sent.
    var ackedContext: UInt64 = 0
    var ackedSentTick: UInt64?

    init(next: UInt64) {
        self.next = next
    }

    func isPaused(maxInflight: Int) -> Bool {
        switch state {
        case .probe: probeSent
        case .replicate: inflights.count >= maxInflight
        case .snapshot: true
        }
    }

    mutating func becomeProbe() {
        if state == .snapshot {
            next = max(match + 1, pendingSnapshot + 1)
        } else {
            next = match + 1
        }
        state = .probe
        probeSent = false
        inflights = []
        pendingSnapshot = 0
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match + 1
        probeSent = false
        inflights = []
        pendingSnapshot = 0
    }

    mutating func becomeSnapshot(index: UInt64, tick: UInt64) {
        state = .snapshot
        pendingSnapshot = index
        snapshotSentTick = tick
        probeSent = false
        inflights = []
    }

    /// Records an acknowledgement through `index`; returns whether `match` grew.
    mutating func update(match index: UInt64) -> Bool {
        next = max(next, index + 1)
        guard index > match else { return false }
        match = index
        probeSent = false
        inflights.removeAll { $0 <= index }
        return true
    }

    /// Records a rejection of an append after `rejected`, moving `next` back to `hint` (fast
    /// backtracking). Returns false for a stale rejection.
    mutating func decrease(rejected: UInt64, hint: UInt64) -> Bool {
        if state == .replicate {
            guard rejected > match else { return false }
            becomeProbe()
            return true
        }
        guard rejected == next - 1 else { return false }
        next = max(min(rejected, hint), match + 1, 1)
        probeSent = false
        return true
    }
}
