import BrakeCore
import BrakeRaft

/// The client workload: real signed declarations sent to the leader, admitted with
/// `Registry.admit` on that node, proposed, and acknowledged once the proposing node applies the
/// entry at the index and term it was proposed with.
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
        guard let raft = nodes[i].raft else {
            clients.target = random.next(upperBound: nodeCount)
            return
        }
        guard raft.role == .leader else {
            // Not the leader: retry next step where this node says the leader is.
            clients.target = raft.leader.flatMap { nodeIndex[$0] } ?? random.next(upperBound: nodeCount)
            return
        }
        submit(submission, on: i)
    }

    /// Admits and proposes `submission` on leader `i`.
    mutating func submit(_ submission: Submission, on i: Int) {
        let now = nodes[i].wallClock
        switch submission.expectation {
        case .bypass:
            break
        case .valid, .probe, .invalid:
            switch nodes[i].registry.admit(submission.envelope, at: max(now, nodes[i].lastStamp)) {
            case .failure(let error):
                clients.rejected += 1
                clients.current = nil
                if submission.expectation == .probe {
                    fail(.liveness, "the leader refused the probe submission: \(error)")
                } else if case .invalid(let code) = submission.expectation, error.code != code {
                    fail(.admission, "\(nodes[i].id) refused an invalid declaration with \(error.code) instead of \(code): \(error.message)")
                }
                return
            case .success(let admission):
                if case .invalid(let code) = submission.expectation {
                    fail(.admission, "\(nodes[i].id) admitted an invalid declaration (expected \(code)): \(admission.id.prefix(12)) with signers \(admission.newSigners)")
                    return
                }
            }
        }
        let stamp = max(now, nodes[i].lastStamp)
        let data = LogRecord(time: stamp, envelope: submission.envelope).encoded()
        let proposed: (index: UInt64, term: UInt64)?
        do {
            proposed = try nodes[i].raft?.propose(data)
        } catch {
            return  // e.g. a leadership transfer: retry next step
        }
        guard let proposed else { return }
        clients.current = nil
        nodes[i].lastStamp = stamp
        let position = SimulationHistory.Position(index: proposed.index, term: proposed.term)
        history.recordStamp(position, time: stamp)
        if case .bypass(let code) = submission.expectation {
            clients.knownInvalid[position] = code
        }
        clients.pending.append(ClientState.Pending(
            submission: submission, node: i, index: proposed.index, term: proposed.term, proposedAt: stepCount))
        handleReady(i)
    }

    /// Node `i` applied `entry`: acknowledge the submission proposed there at that index and term.
    mutating func clientApplied(_ i: Int, _ entry: Entry, outcome: ApplyResult.Outcome) {
        guard let k = clients.pending.firstIndex(where: { $0.node == i && $0.index == entry.index }) else { return }
        let pending = clients.pending.remove(at: k)
        guard pending.term == entry.term else { return }  // overwritten by a later leader: not acknowledged
        clients.acknowledged += 1
        history.recordAcknowledged(index: entry.index, digest: SimulationHistory.digest(entry))
        let submission = pending.submission
        if submission.expectation == .probe { clients.probeAcknowledged = true }
        guard case .accepted = outcome else { return }
        if let m = submission.cosigns {
            clients.known[m].signers.formUnion(submission.signers)
        } else if submission.expectation == .valid || submission.expectation == .probe,
                  let motion = try? Motion.parse(payload: submission.envelope.payload) {
            clients.known.append(ClientState.KnownMotion(
                motion: motion, envelope: submission.envelope,
                id: motionID(payload: submission.envelope.payload), signers: submission.signers))
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
