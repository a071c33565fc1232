import BrakeCore
import BrakeRaft
import BrakeReplica

/// The client workload: real signed declarations handed to a node's core (the one the clients
/// believe leads; a follower forwards to its leader), and acknowledged when that core answers that
/// the entry applied. The core decides admission, proposal, forwarding and the answer; the
/// observer checks what it says.
extension Simulation {
    mutating func clientStep() {
        clients.expire(now: stepCount, timeout: 60)
        if quietSince != nil {
            // After the faults: a probe, resent until one is acknowledged, to prove that the
            // healed cluster commits again.
            if !clients.probeAcknowledged && !clients.probeInFlight && clients.current == nil {
                clients.current = makeProbe()
            }
        } else if clients.current == nil, random.chance(clientRate) {
            clients.current = makeSubmission()
        }
        guard var submission = clients.current else { return }
        submission.attempts += 1
        guard submission.attempts <= 40 else {
            clients.current = nil
            return
        }
        clients.current = submission
        let i = clients.target
        guard nodes[i].isUp else {
            clients.target = random.next(upperBound: nodeCount)
            return
        }
        submit(submission, on: i)
    }

    /// Hands `submission` to node `i`'s core, as a client of that node would; a follower
    /// forwards it to its leader. A bypass submission is proposed without admission, as a
    /// misbehaving leader would, and only on a leader.
    mutating func submit(_ submission: Submission, on i: Int) {
        let time = nodes[i].time
        if case .bypass(let code) = submission.expectation {
            guard nodes[i].raft?.role == .leader,
                  let position = nodes[i].replica?.proposeWithoutAdmission(submission.envelope, at: time) else {
                clients.target = nodes[i].raft?.leader.flatMap { nodeIndex[$0] } ?? random.next(upperBound: nodeCount)
                return
            }
            clients.current = nil
            clients.knownInvalid[SimulationHistory.Position(index: position.index, term: position.term)] = code
            handleReady(i)
            return
        }
        let requestID = clients.nextRequestID
        clients.nextRequestID += 1
        clients.current = nil
        clients.pending.append(ClientState.Pending(submission: submission, node: i, requestID: requestID, submittedAt: stepCount))
        nodes[i].replica?.submit(submission.envelope, requestID: requestID, timeoutMillis: 3_000, at: time)
        handleReady(i)
    }

    /// Node `i` answered one of its clients.
    mutating func clientAnswered(_ i: Int, _ answer: ReplicaAnswer) {
        guard case .submit(let requestID, let outcome) = answer,
              let k = clients.pending.firstIndex(where: { $0.node == i && $0.requestID == requestID }) else { return }
        let pending = clients.pending.remove(at: k)
        let submission = pending.submission
        switch outcome {
        case .refused(.registry(let error)):
            clients.rejected += 1
            if submission.expectation == .probe, error.code != .noNewSignature {
                // (A retried probe may find its earlier attempt still being committed; the next
                // step then makes a fresh probe.)
                fail(.liveness, "\(nodes[i].id) refused the probe submission: \(error)")
            } else if case .invalid(let code) = submission.expectation, error.code != code,
                      !(error.code == .motionExpired && nodes.contains(where: \.clockSetWrong)) {
                // (A leader whose clock a scenario set ahead finds a motion expired before it
                // reaches the rule the declaration breaks.)
                fail(.admission, "\(nodes[i].id) refused an invalid declaration with \(error.code) instead of \(code): \(error.message)")
            }
        case .refused(.node):
            // Not the leader, no leader yet, overloaded, or replaced by a new leader: retry, now
            // at the node this one names as leader.
            clients.target = nodes[i].raft?.leader.flatMap { nodeIndex[$0] } ?? random.next(upperBound: nodeCount)
            if pending.submission.attempts < 40 { clients.current = submission }
        case .pending:
            break  // the client timed out; the entry may still commit, but nobody is told
        case .applied(let result, let index):
            if case .invalid(let code) = submission.expectation {
                fail(.admission, "\(nodes[i].id) admitted an invalid declaration (expected \(code)) and it applied at index \(index)")
                return
            }
            acknowledge(submission, result: result, index: index, node: i)
        }
    }

    /// A client was told its declaration applied at `index`: the observer records it, and the
    /// client remembers the motion for later co-signatures and lifts.
    mutating func acknowledge(_ submission: Submission, result: ApplyResult.Outcome, index: UInt64, node i: Int) {
        guard let digest = history.appliedDigest(at: index) else {
            fail(.acknowledgedLost, "\(nodes[i].id) acknowledged index \(index), which no node has applied")
            return
        }
        let declarationID = motionID(payload: submission.envelope.payload)
        if case .accepted(let receipt) = result, receipt.id != declarationID {
            fail(.acknowledgedLost, "\(nodes[i].id) acknowledged index \(index) with receipt \(receipt.id.prefix(12)) for a submission of \(declarationID.prefix(12))")
            return
        }
        clients.acknowledged += 1
        history.recordAcknowledged(index: index, digest: digest)
        if submission.expectation == .probe { clients.probeAcknowledged = true }
        guard case .accepted = result else { return }
        if let m = submission.cosigns {
            clients.known[m].signers.formUnion(submission.signers)
        } else if submission.expectation == .valid || submission.expectation == .probe,
                  let motion = try? Motion.parse(payload: submission.envelope.payload) {
            clients.known.append(ClientState.KnownMotion(
                motion: motion, envelope: submission.envelope, id: declarationID, signers: submission.signers))
        }
    }

    // MARK: Workload

    typealias Submission = ClientState.Submission

    /// A random declaration: new triggers, co-signatures, lifts, and invalid ones.
    mutating func makeSubmission() -> Submission? {
        let parties = federation.partyIDs
        guard let proposer = random.pick(parties) else { return nil }
        let now = SimulatedNode.epoch + Millis(stepCount) * SimulatedNode.tickMillis
        let nonce = clients.nextNonce(&random)
        let roll = random.next(upperBound: 100)
        switch roll {
        case 0..<30:
            let scope = random.pick(["training", "training/frontier", "deploy", "eval/bio", "eval/cyber"]) ?? "training"
            guard let motion = factory.motion(kind: .trigger, scope: scope, pause: nil, proposer: proposer, now: now, nonce: nonce) else { return nil }
            var signers = [proposer]
            if random.chance(0.25), let other = random.pick(parties.filter { $0 != proposer }) { signers.append(other) }
            return Submission(envelope: factory.signed(motion, by: signers), expectation: .valid, signers: Set(signers))
        case 30..<60:
            let open = clients.known.indices.filter { clients.known[$0].signers.count < parties.count }
            guard let m = random.pick(open) else { return nil }
            let missing = parties.filter { !clients.known[m].signers.contains($0) }
            guard let party = random.pick(missing) else { return nil }
            let envelope = factory.cosigned(clients.known[m].envelope, by: party, alone: random.chance(0.5))
            return Submission(envelope: envelope, expectation: .valid, cosigns: m, signers: [party])
        case 60..<75:
            let triggers = clients.known.filter { $0.motion.kind == .trigger && $0.signers.count >= 2 }
            guard let trigger = random.pick(triggers),
                  let motion = factory.motion(kind: .lift, scope: trigger.motion.scope.path, pause: trigger.id, proposer: proposer, now: now, nonce: nonce)
            else { return nil }
            var signers = [proposer]
            if random.chance(0.3), let other = random.pick(parties.filter { $0 != proposer }) { signers.append(other) }
            return Submission(envelope: factory.signed(motion, by: signers), expectation: .valid, signers: Set(signers))
        case 75..<92:
            guard let kind = random.pick(DeclarationFactory.Invalid.allCases),
                  let envelope = factory.invalid(kind, proposer: proposer, now: now, nonce: nonce) else { return nil }
            return Submission(envelope: envelope, expectation: .invalid(kind.expectedCode), signers: [])
        default:
            // A misbehaving leader proposes a forged or foreign declaration without admission.
            let kinds: [DeclarationFactory.Invalid] = [.forgedSignature, .unknownKey, .wrongFederation]
            guard let kind = random.pick(kinds),
                  let envelope = factory.invalid(kind, proposer: proposer, now: now, nonce: nonce) else { return nil }
            return Submission(envelope: envelope, expectation: .bypass(kind.expectedCode), signers: [])
        }
    }

    /// The liveness probe: a new trigger on a scope no one else uses, signed by its proposer only.
    mutating func makeProbe() -> Submission? {
        let now = SimulatedNode.epoch + Millis(stepCount) * SimulatedNode.tickMillis
        let nonce = clients.nextNonce(&random)
        guard let proposer = federation.partyIDs.first,
              let motion = factory.motion(kind: .trigger, scope: "sim/probe", pause: nil, proposer: proposer, now: now, nonce: nonce)
        else { return nil }
        return Submission(envelope: factory.signed(motion, by: [proposer]), expectation: .probe, signers: [proposer])
    }
}
