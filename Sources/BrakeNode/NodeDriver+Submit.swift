import BrakeCore
import BrakeReplica
import BrakeRaft
import BrakeStore

/// What became of a submission the driver proposed.
public enum SubmitOutcome: Sendable {
    /// The entry committed and was applied; the registry accepted or rejected it.
    case applied(ApplyResult.Outcome, index: UInt64)
    /// Not applied within the request's time; it may still commit at `index`.
    case pending(id: String, index: UInt64)
    /// A new leader replaced the entry before it committed.
    case dropped
    /// Storage failed; the node stopped writing.
    case halted(String)
    /// The node is stopping.
    case shuttingDown
}

extension NodeDriver {
    /// Admits a declaration against the current registry state, proposes it, and waits until its
    /// entry is applied or `timeoutMillis` passes.
    ///
    /// A declaration the registry refuses never reaches the log: it is answered with the registry's
    /// error and leaves nothing behind.
    /// A follower forwards the declaration to the leader it knows (once: a forwarded submission is
    /// never forwarded again, so two nodes with different views of the leader cannot bounce it).
    public func submit(_ envelope: Envelope, timeoutMillis: Int, forwarded: Bool = false) async throws(SubmitError) -> SubmitOutcome {
        if let halted { throw .node(NodeError(.halted, "storage failed, node stopped writing: \(halted)")) }
        let now = stamp()
        let admission: Admission
        switch registry.admit(envelope, at: now) {
        case .success(let a): admission = a
        case .failure(let e): throw .registry(e)
        }
        // A concurrent submission of the same declaration may already carry these parties.
        let alreadyCarried = inFlight.values.filter { $0.declarationID == admission.id }.reduce(into: Set<String>()) { $0.formUnion($1.parties) }
        let adding = Set(admission.newSigners).subtracting(alreadyCarried)
        guard !adding.isEmpty else {
            throw .registry(BrakeError(code: .noNewSignature, message: "the signatures of \(admission.newSigners.sorted().joined(separator: ", ")) are already being committed"))
        }
        let record = LogRecord(time: now, envelope: envelope)
        let position: (index: UInt64, term: UInt64)
        do {
            position = try raft.propose(record.encoded())
        } catch {
            switch error {
            case .notLeader(let leader?) where !forwarded && leader != nodeID:
                return try await transport.forward(envelope, to: leader, timeoutMillis: timeoutMillis)
            case .notLeader(let leader):
                throw .node(NodeError(.notLeader, "this node is not the leader" + (leader.map { "; the leader is \($0)" } ?? " and knows no leader yet")))
            default:
                throw .node(NodeError(.unavailable, "cannot propose now: \(error)"))
            }
        }
        inFlight[position.index] = (declarationID: admission.id, parties: adding)
        let waiterID = nextRequestID
        nextRequestID += 1
        let declarationID = admission.id
        let index = position.index
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<SubmitOutcome, Never>) in
            submitWaiters[index, default: []].append(
                SubmitWaiter(id: waiterID, term: position.term, declarationID: declarationID, continuation: continuation)
            )
            processReady()
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(timeoutMillis))
                await self?.expireWaiter(index: index, id: waiterID)
            }
        }
        return outcome
    }

    func expireWaiter(index: UInt64, id: UInt64) {
        guard var waiters = submitWaiters[index], let at = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: at)
        submitWaiters[index] = waiters.isEmpty ? nil : waiters
        waiter.continuation.resume(returning: .pending(id: waiter.declarationID, index: index))
    }
}
