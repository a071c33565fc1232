import BrakeCore
import BrakeRaft

/// Submissions: admission, the in-flight bound, proposing with a leader stamp, forwarding to the
/// leader, and answering once the entry applies or the request's time runs out.
extension BrakeReplica {
    /// A client submits a declaration. The answer arrives in a later `ready()` as
    /// `.submit(requestID:...)`: applied, pending (time ran out, it may still commit), or refused.
    ///
    /// A declaration the registry refuses never reaches the log. A follower admits it against its
    /// own registry first (a cheap refusal of bad input; a refusal that depends on state the
    /// follower may not have applied yet is left to the leader), then forwards it to the leader it knows,
    /// once: a forwarded submission is never forwarded again, so two nodes with different views of
    /// the leader cannot bounce it.
    ///
    /// `memo` holds signatures of the envelope the shell already verified (off the driver, in
    /// parallel): admission and the apply of this entry on this node do not verify them again.
    public mutating func submit(
        _ envelope: Envelope, requestID: UInt64, timeoutMillis: Int, at time: ReplicaTime, memo: SignatureMemo = .none
    ) {
        advance(to: time)
        let origin = Origin.local(requestID)
        if let halted {
            answerSubmit(origin, .refused(.node(NodeError(.halted, "storage failed, node stopped writing: \(halted)"))))
            return
        }
        guard loading == nil else {
            answerSubmit(origin, .refused(.node(Self.loadingRefusal)))
            return
        }
        let admission: Admission?
        switch registry.admit(envelope, at: nextStamp, memo: memo) {
        case .success(let a): admission = a
        case .failure(let error):
            // The pool may hold what makes it valid: a lone co-signature of a motion whose
            // proposer's signature this node pools but has not seen committed.
            var pooled = false
            if error.code.dependsOnState, case .added = offerToPool(envelope, memo: memo) { pooled = true }
            // A follower may lag the leader: a refusal that more applied entries could change is
            // the leader's to give (the motion being co-signed may have just committed there).
            guard error.code.dependsOnState, raft.role != .leader, let leader = raft.leader, leader != nodeID else {
                if pooled {
                    // Valid as merged: held and gossiped, and a leader proposes it from its pool.
                    proposeFromPool()
                    answerSubmit(origin, .pending(id: motionID(payload: envelope.payload), index: 0))
                } else {
                    answerSubmit(origin, .refused(.registry(error)))
                }
                return
            }
            admission = nil
        }
        // An admitted declaration enters the pool first: gossip carries it to the leader by any
        // path, even when the forward below cannot reach it (Specs/gossip.md).
        if let admission, case .refused(let error) = offerToPool(envelope, memo: memo, admitted: admission), case .node = error {
            answerSubmit(origin, .refused(error))
            return
        }
        if raft.role == .leader, let admission {
            propose(envelope, admission: admission, origin: origin, timeoutMillis: timeoutMillis, memo: memo)
        } else if let leader = raft.leader, leader != nodeID {
            let grace = Int64(config.tickMillis * config.electionTicks)
            forwarded[requestID] = Forwarded(leader: leader, deadline: now.monotonic + Int64(max(timeoutMillis, 0)) + grace)
            pending.messages.append(PeerMessage(
                from: nodeID, to: leader,
                body: .submit(requestID: requestID, envelope: envelope.jsonBytes(), timeoutMillis: UInt64(max(timeoutMillis, 0)))))
        } else {
            let held = admission != nil ? "; it holds the declaration in its pending pool and gossips it to the others" : ""
            answerSubmit(origin, .refused(.node(NodeError(.notLeader, "this node is not the leader and knows no leader yet\(held); retry shortly"))))
        }
    }

    /// The stamp the next entry would get: the wall clock, never below an earlier stamp.
    var nextStamp: Millis { max(lastStamp, now.wall) }

    /// The leader takes a submission a follower forwarded.
    mutating func receiveForwarded(requestID: UInt64, envelope bytes: [UInt8], timeoutMillis: UInt64, from peer: NodeID) {
        let origin = Origin.peer(peer, requestID)
        if let halted {
            answerSubmit(origin, .refused(.node(NodeError(.halted, "the leader's storage failed: \(halted)"))))
            return
        }
        guard loading == nil else {
            answerSubmit(origin, .refused(.node(Self.loadingRefusal)))
            return
        }
        guard raft.role == .leader else {
            let known = raft.leader.map { "; the leader is \($0)" } ?? ""
            answerSubmit(origin, .refused(.node(NodeError(.notLeader, "\(nodeID) is not the leader\(known)"))))
            return
        }
        let envelope: Envelope
        do { envelope = try Envelope(json: bytes) } catch {
            answerSubmit(origin, .refused(.registry(error)))
            return
        }
        switch registry.admit(envelope, at: nextStamp) {
        case .success(let admission):
            if case .refused(let error) = offerToPool(envelope, admitted: admission), case .node = error {
                answerSubmit(origin, .refused(error))
                return
            }
            // A follower's request waits at most a minute on the leader, whatever it asked for.
            propose(envelope, admission: admission, origin: origin, timeoutMillis: Int(min(timeoutMillis, 60_000)))
        case .failure(let error):
            answerSubmit(origin, .refused(.registry(error)))
        }
    }

    /// Proposes an admitted declaration as this leader's next entry and waits for it to apply.
    mutating func propose(_ envelope: Envelope, admission: Admission, origin: Origin, timeoutMillis: Int, memo: SignatureMemo = .none) {
        // A concurrent submission of the same declaration may already carry these parties.
        let carried = inFlight.values.filter { $0.declarationID == admission.id }
            .reduce(into: Set<String>()) { $0.formUnion($1.parties) }
        let adding = Set(admission.newSigners).subtracting(carried)
        guard !adding.isEmpty else {
            answerSubmit(origin, .refused(.registry(BrakeError(
                code: .noNewSignature,
                message: "the signatures of \(admission.newSigners.sorted().joined(separator: ", ")) are already being committed"))))
            return
        }
        if censors(admission) {
            // The test switch: a censoring leader keeps the declaration in its pool and never proposes it.
            answerSubmit(origin, .pending(id: admission.id, index: 0))
            return
        }
        let waiting = raft.lastIndex - raft.commitIndex
        guard waiting < UInt64(max(config.maxUncommittedEntries, 1)) else {
            answerSubmit(origin, .refused(.node(NodeError(.overloaded, "\(waiting) entries are waiting to commit; retry shortly"))))
            return
        }
        let stamp = nextStamp
        let position: (index: UInt64, term: UInt64)
        do {
            position = try raft.propose(LogRecord(time: stamp, envelope: envelope).encoded())
        } catch {
            answerSubmit(origin, .refused(.node(NodeError(.notLeader, "cannot propose now: \(error)"))))
            return
        }
        lastStamp = stamp
        inFlight[position.index] = InFlight(declarationID: admission.id, parties: adding, memo: memo)
        submitWaiters[position.index, default: []].append(SubmitWaiter(
            origin: origin, term: position.term, declarationID: admission.id,
            deadline: now.monotonic + Int64(max(timeoutMillis, 0))))
    }

    /// Proposes a declaration without admission, as a misbehaving leader would: the simulation
    /// uses it to check that every node refuses such an entry when it applies it. Returns the
    /// entry's position, or nil when this node cannot propose.
    public mutating func proposeWithoutAdmission(_ envelope: Envelope, at time: ReplicaTime) -> (index: UInt64, term: UInt64)? {
        advance(to: time)
        guard halted == nil, raft.role == .leader else { return nil }
        let stamp = nextStamp
        guard let position = try? raft.propose(LogRecord(time: stamp, envelope: envelope).encoded()) else { return nil }
        lastStamp = stamp
        return position
    }

    /// Asks for a linearizable read: answered `.read(requestID:confirmed:)` once a quorum
    /// confirmed the leader's commit index and this node applied through it, or with false when
    /// `timeoutMillis` passes first.
    public mutating func readIndex(requestID: UInt64, timeoutMillis: Int, at time: ReplicaTime) {
        advance(to: time)
        guard halted == nil else {
            pending.answers.append(.read(requestID: requestID, confirmed: false))
            return
        }
        reads[requestID] = PendingRead(deadline: now.monotonic + Int64(max(timeoutMillis, 0)), index: nil)
        raft.readIndex(requestID: requestID)
    }

    /// Answers clients whose time ran out: submissions as pending, forwarded ones as unanswered,
    /// reads as unconfirmed.
    mutating func expireWaiters() {
        let t = now.monotonic
        for index in submitWaiters.keys.sorted() {
            guard let waiters = submitWaiters[index] else { continue }
            let (expired, kept) = (waiters.filter { $0.deadline <= t }, waiters.filter { $0.deadline > t })
            for waiter in expired { answerSubmit(waiter.origin, .pending(id: waiter.declarationID, index: index)) }
            submitWaiters[index] = kept.isEmpty ? nil : kept
        }
        for requestID in forwarded.keys.sorted() where forwarded[requestID].map({ $0.deadline <= t }) == true {
            let leader = forwarded.removeValue(forKey: requestID)?.leader ?? ""
            answerSubmit(.local(requestID), .refused(.node(NodeError(
                .unavailable, "the leader \(leader) did not answer in time; the declaration may still commit, check before resubmitting"))))
        }
        for requestID in reads.keys.sorted() where reads[requestID].map({ $0.deadline <= t }) == true {
            reads[requestID] = nil
            pending.answers.append(.read(requestID: requestID, confirmed: false))
        }
    }

    /// Answers reads whose read index this node has applied.
    mutating func answerReads() {
        let applied = registry.appliedIndex
        for requestID in reads.keys.sorted() {
            guard let index = reads[requestID]?.index, index <= applied else { continue }
            reads[requestID] = nil
            pending.answers.append(.read(requestID: requestID, confirmed: true))
        }
    }
}
