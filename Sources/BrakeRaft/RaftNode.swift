/// The Raft consensus core of one node, in the shape of etcd's raft: a value with no I/O, no
/// clock and no threads.
///
/// The shell feeds it inputs — `tick()`, `step(_:)` with a message from a peer, `propose(_:)`,
/// `readIndex(requestID:)` — and then drains `ready()`, which says what to persist, send and
/// apply, in that order. Everything is deterministic given the injected `RandomSource`, so a
/// simulation can replay a run from its seed.
///
/// The core keeps the log after the last snapshot in memory; the shell keeps the durable copy
/// and rebuilds the core from it with `init(config:hardState:snapshot:entries:applied:random:)`.
/// Sections of the Raft paper (§) and of Ongaro's thesis are cited where a rule comes from.
public struct RaftNode: Sendable {
    /// This node's id.
    public let id: NodeID
    /// The configuration this node runs with.
    public let config: RaftConfig
    /// Test-only deliberately wrong rules; all off by default.
    public var testing = TestingSwitches()

    /// The node's current term.
    public internal(set) var term: UInt64
    /// Whom this node voted for in `term`.
    public internal(set) var vote: NodeID?
    /// The node's role.
    public internal(set) var role: RaftRole = .follower
    /// The leader of `term` as far as this node knows.
    public internal(set) var leader: NodeID?

    var log: RaftLog
    var random: any RandomSource

    // Timers, in ticks.
    /// Ticks since the last leader contact (follower), since the campaign started (candidate),
    /// or since the last check-quorum round (leader).
    var electionElapsed = 0
    var heartbeatElapsed = 0
    var randomizedElectionTimeout = 0
    /// Ticks since the node started: the core's only notion of time.
    var now: UInt64 = 0
    /// When this follower last heard from its leader.
    var lastLeaderContact: UInt64?

    // Candidate state.
    var votes: [NodeID: Bool] = [:]

    // Leader state.
    var progress: [NodeID: Progress] = [:]
    var transferee: NodeID?
    var heartbeatContext: UInt64 = 0
    var heartbeatSentTick: [UInt64: UInt64] = [:]
    var pendingReads: [PendingRead] = []
    var readsAwaitingCommit: [(requestID: UInt64, from: NodeID)] = []

    // Output, drained by `ready()`.
    var messages: [RaftMessage] = []
    var readStates: [ReadState] = []
    var reportedHardState: HardState
    var reportedSoftState: SoftState

    /// A read waiting for a quorum to echo heartbeat `context`.
    struct PendingRead: Sendable {
        var requestID: UInt64
        var from: NodeID
        var index: UInt64
        var context: UInt64
    }

    /// Restarts a node from what the store kept. The membership is the snapshot's (or the
    /// configured voters and learners without a snapshot), changed by the conf entries in
    /// `entries`, committed or not.
    ///
    /// - Parameters:
    ///   - hardState: the last persisted term, vote and commit index.
    ///   - snapshot: the last persisted snapshot, if any.
    ///   - entries: the persisted entries after the snapshot, in order.
    ///   - applied: the application's applied index; committed entries after it are handed out
    ///     again in `Ready.committedEntries` (up to `hardState.commit`).
    ///   - random: the source of election timeout jitter.
    public init(
        config: RaftConfig,
        hardState: HardState,
        snapshot: Snapshot?,
        entries: [Entry],
        applied: UInt64,
        random: some RandomSource
    ) {
        self.id = config.id
        self.config = config
        self.term = hardState.term
        self.vote = hardState.vote
        self.log = RaftLog(
            snapshot: snapshot, entries: entries, commit: hardState.commit, applied: applied,
            configured: Membership(voters: config.voters, learners: config.learners))
        self.random = random
        self.reportedHardState = HardState(term: hardState.term, vote: hardState.vote, commit: log.committed)
        self.reportedSoftState = SoftState(role: .follower, leader: nil, term: hardState.term)
        resetRandomizedElectionTimeout()
    }

    // MARK: Public state

    /// The highest index known committed.
    public var commitIndex: UInt64 { log.committed }
    /// The index of the last entry in the log (or of the snapshot if the log is empty).
    public var lastIndex: UInt64 { log.lastIndex }
    /// The term of the last entry.
    public var lastTerm: UInt64 { log.lastTerm }
    /// The first index still held in memory; earlier entries are in the snapshot.
    public var firstIndex: UInt64 { log.firstIndex }
    /// The highest index handed out in `Ready.committedEntries` (or installed by a snapshot).
    public var appliedIndex: UInt64 { log.applied }
    /// The latest snapshot this node holds, if any.
    public var snapshot: Snapshot? { log.snapshot }
    /// The term, vote and commit index as they are now (the shell persists them via `Ready`).
    public var hardState: HardState { HardState(term: term, vote: vote, commit: log.committed) }
    /// Role, leader and term as they are now.
    public var softState: SoftState { SoftState(role: role, leader: leader, term: term) }
    /// The leadership transfer in progress, if any (leader only).
    public var transferTarget: NodeID? { transferee }
    /// The highest index known to be stored by `peer` (leader only; nil elsewhere).
    public func matchIndex(of peer: NodeID) -> UInt64? {
        guard role == .leader else { return nil }
        return peer == id ? log.lastIndex : progress[peer]?.match
    }

    /// The membership in effect: the one after the last conf entry in this node's log (thesis
    /// §4.1: a configuration is used as soon as it is in the log, committed or not).
    public var membership: Membership { log.memberships.latest }
    /// Every node that may still be a member: those of the membership at the commit index and of
    /// every conf entry after it in this node's log, sorted. A conf entry that is not committed
    /// may yet be overwritten (a new leader's log wins), so a node its suffix removed may still be
    /// the member, even the leader, whose messages overwrite it: the shell must keep hearing it.
    public var possibleMembers: [NodeID] { log.memberships.members(from: log.committed) }
    /// The voting members, sorted (of `membership`).
    public var voters: [NodeID] { membership.voters }
    /// The non-voting members, sorted (of `membership`).
    public var learners: [NodeID] { membership.learners }

    var quorum: Int { voters.count / 2 + 1 }
    var isVoter: Bool { voters.contains(id) }

    // MARK: Inputs

    /// Advances the logical clock by one tick: drives election timeouts, heartbeats,
    /// check-quorum and the transfer timeout.
    public mutating func tick() {
        now += 1
        switch role {
        case .leader: tickLeader()
        case .follower, .preCandidate, .candidate: tickElection()
        }
    }

    /// Feeds a message from a peer. Messages that are not for this node, come from a node
    /// outside the group, or are malformed are ignored; the core never traps on input. Outside
    /// the group means: neither a voter nor a learner of this node's membership, and not the
    /// leader this node follows in its term. Append, heartbeat and snapshot are taken from any
    /// node, since this node's log may not yet hold the entry that made their sender a member
    /// (thesis §4.1).
    public mutating func step(_ message: RaftMessage) {
        guard message.to == id, message.from != id else { return }
        guard membership.contains(message.from) || message.kind.replicatesLog
                || (message.from == leader && message.term == term)
        else { return }
        if message.term > term {
            if case .vote(_, _, let transfer) = message.kind, !transfer, inLease { return }
            if case .preVote = message.kind, inLease { return }
            switch message.kind {
            case .preVote:
                break  // a pre-vote never changes the receiver's term (thesis §9.6)
            case .preVoteResponse(granted: true):
                break  // granted pre-votes carry the pre-candidate's future term
            case .append, .heartbeat, .snapshot:
                becomeFollower(term: message.term, leader: message.from)
            default:
                becomeFollower(term: message.term, leader: nil)
            }
        } else if message.term < term {
            switch message.kind {
            case .append, .heartbeat, .snapshot:
                // Tell a stale leader about the newer term so it steps down.
                send(to: message.from, .heartbeatResponse(context: 0))
            case .preVote:
                send(to: message.from, .preVoteResponse(granted: false))
            default:
                break
            }
            return
        }

        switch message.kind {
        case .preVote(let lastIndex, let lastTerm):
            handleVoteRequest(message, lastIndex: lastIndex, lastTerm: lastTerm, preVote: true)
        case .vote(let lastIndex, let lastTerm, _):
            handleVoteRequest(message, lastIndex: lastIndex, lastTerm: lastTerm, preVote: false)
        default:
            switch role {
            case .leader: stepLeader(message)
            case .preCandidate, .candidate: stepCandidate(message)
            case .follower: stepFollower(message)
            }
        }
    }

    /// Appends `data` to the log as a new entry of the current term and starts replicating it.
    /// Data starting with `ConfChange.reservedByte` is refused (`reservedData`): membership
    /// changes go through `proposeConfChange(_:)`.
    /// Returns the entry's index and term: the proposal is committed once that index is
    /// committed with that term (a later leader may overwrite an uncommitted one).
    public mutating func propose(_ data: [UInt8]) throws(RaftError) -> (index: UInt64, term: UInt64) {
        guard role == .leader else { throw .notLeader(leader: leader) }
        guard transferee == nil else { throw .transferInProgress }
        guard data.count <= config.maxBatchBytes else { throw .proposalTooLarge }
        guard data.first != ConfChange.reservedByte else { throw .reservedData }
        let entry = Entry(term: term, index: log.lastIndex + 1, data: data)
        appendAsLeader([entry])
        return (entry.index, entry.term)
    }

    /// Whether `ready()` has anything to return.
    public var hasReady: Bool {
        !messages.isEmpty || !readStates.isEmpty || readRoundDue || log.hasUnstable || log.hasCommittedToApply
            || hardState != reportedHardState || softState != reportedSoftState
    }

    /// Drains everything accumulated since the last call. The shell must persist, then send,
    /// then apply (see `Ready`) before it feeds the next input; the core considers the
    /// returned entries persisted and the returned committed entries applied.
    public mutating func ready() -> Ready {
        var ready = Ready()
        if readRoundDue { broadcastHeartbeat() }
        let hard = hardState
        if hard != reportedHardState {
            ready.hardState = hard
            reportedHardState = hard
        }
        let soft = softState
        if soft != reportedSoftState {
            ready.softState = soft
            reportedSoftState = soft
        }
        ready.snapshot = log.takePendingSnapshot()
        ready.entries = log.takeUnstable()
        ready.messages = messages
        messages = []
        ready.committedEntries = log.takeCommitted()
        ready.readStates = readStates
        readStates = []
        return ready
    }

    // MARK: Role changes

    mutating func becomeFollower(term newTerm: UInt64, leader newLeader: NodeID?) {
        if newTerm != term {
            term = newTerm
            vote = nil
        }
        role = .follower
        leader = newLeader
        lastLeaderContact = newLeader == nil ? nil : now
        resetElectionState()
    }

    mutating func resetElectionState() {
        electionElapsed = 0
        heartbeatElapsed = 0
        resetRandomizedElectionTimeout()
        votes = [:]
        progress = [:]
        transferee = nil
        pendingReads = []
        readsAwaitingCommit = []
        heartbeatSentTick = [:]
    }

    mutating func resetRandomizedElectionTimeout() {
        let base = max(config.electionTicks, 1)
        randomizedElectionTimeout = base + random.next(upperBound: base)
    }

    /// Leader stickiness (thesis §4.2.3): while this node has heard from a leader within the
    /// election timeout, it ignores (pre-)vote requests of a higher term.
    var inLease: Bool {
        config.checkQuorum && leader != nil && electionElapsed < config.electionTicks
    }

    // MARK: Helpers

    mutating func send(to peer: NodeID, _ kind: RaftMessage.Kind, term messageTerm: UInt64? = nil) {
        messages.append(RaftMessage(from: id, to: peer, term: messageTerm ?? term, kind: kind))
    }
}
