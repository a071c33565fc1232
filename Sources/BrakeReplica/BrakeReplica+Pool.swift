import BrakeCore
import BrakeRaft

/// The pending pool in the node's core: what enters it (submissions, forwarded submissions,
/// gossip), what leaves it (commits, expiry, revalidation), and the leader proposing from it.
extension BrakeReplica {
    /// Offers a declaration to this node's pool at the current time; the stamp is the one the next
    /// entry would get, so admission matches what the leader would decide now.
    @discardableResult
    mutating func offerToPool(_ envelope: Envelope, memo: SignatureMemo = .none, admitted: Admission? = nil) -> DeclarationPool.Offer {
        pool.offer(envelope, registry: registry, at: nextStamp, monotonic: now.monotonic, memo: memo, admitted: admitted)
    }

    /// Restores the pool from the envelopes the store held: each is admitted again (the registry may
    /// have moved on while the node was down); the rows of those it no longer admits are deleted.
    mutating func restorePool(_ envelopes: [Envelope]) {
        var storedIDs = Set<String>()
        for envelope in envelopes {
            storedIDs.insert(motionID(payload: envelope.payload))
            offerToPool(envelope)
        }
        _ = pool.takeWrites()
        for id in storedIDs.sorted() where pool.entries[id] == nil {
            pool.writes[id] = .some(nil)
        }
    }

    /// What applying one committed entry means for the pool: the parties it recorded leave their
    /// entry; a motion it closed or an attestation it recorded leaves the pool; and when it changed
    /// pauses or closed motions, every entry is admitted again once the batch is applied
    /// (`revalidatePoolAfterBatch`): once per batch, so a batch of n such entries costs one pass
    /// over the pool, not n.
    mutating func poolNoteApplied(_ result: ApplyResult) {
        guard pool.count > 0 else { return }
        if case .accepted(let receipt) = result.outcome {
            if receipt.kind == "motion", receipt.state == MotionState.open.rawValue {
                pool.drop(parties: receipt.signers, from: receipt.id)
            } else {
                pool.remove(receipt.id)
            }
        }
        var revalidate = false
        for event in result.events {
            switch event {
            case .motionExpired(let id, _), .motionSuperseded(let id, _), .motionPassed(let id, _):
                pool.remove(id)
                revalidate = true
            default:
                if event.changesPauses { revalidate = true }
            }
        }
        if revalidate { gossip.revalidateAfterBatch = true }
    }

    /// Admits the whole pool again against the registry the batch left, if an entry of the batch
    /// asked for it.
    mutating func revalidatePoolAfterBatch() {
        guard gossip.revalidateAfterBatch else { return }
        gossip.revalidateAfterBatch = false
        pool.revalidate(registry: registry, at: nextStamp)
    }

    /// Once per tick: expired motions leave the pool, a slice of the pool is admitted again (so an
    /// entry the registry came to refuse, say a duplicate attestation that committed through another
    /// id, does not stay forever), and a leader proposes what it holds.
    mutating func poolTick() {
        guard pool.count > 0 else { return }
        pool.dropExpired(at: now.wall)
        gossip.revalidateElapsed += 1
        if gossip.revalidateElapsed >= max(config.gossip.intervalTicks, 1) {
            gossip.revalidateElapsed = 0
            let ids = pool.entries.keys.sorted()
            let start = gossip.revalidateCursor % max(ids.count, 1)
            let slice = (0..<min(Self.revalidatedPerRound, ids.count)).map { ids[(start + $0) % ids.count] }
            gossip.revalidateCursor = start + slice.count
            pool.revalidate(registry: registry, at: nextStamp, only: slice)
        }
        proposeFromPool()
    }

    /// The most pool entries admitted again per gossip interval.
    static var revalidatedPerRound: Int { 128 }

    /// A leader proposes, from its pool, every declaration that holds signatures of parties no
    /// entry in flight carries yet: at most one entry per new set of party signatures. A
    /// declaration the registry no longer admits leaves the pool.
    mutating func proposeFromPool() {
        guard raft.role == .leader, halted == nil, pool.count > 0 else { return }
        var carriedByID: [String: Set<String>] = [:]
        for flight in inFlight.values { carriedByID[flight.declarationID, default: []].formUnion(flight.parties) }
        let ordered = pool.entries.values
            .filter { !Set($0.signatures.keys).isSubset(of: carriedByID[$0.id] ?? []) }
            .sorted { ($0.waitingSince ?? 0, $0.id) < ($1.waitingSince ?? 0, $1.id) }
        var proposed = 0
        for entry in ordered where proposed < Self.poolProposalsPerTick {
            let adding = Set(entry.signatures.keys).subtracting(carriedByID[entry.id] ?? [])
            guard !adding.isEmpty else { continue }
            if let owner = entry.owner, config.testing.censoredParty == owner { continue }
            guard raft.lastIndex - raft.commitIndex < UInt64(max(config.maxUncommittedEntries, 1)) else { return }
            let envelope = entry.envelope
            switch registry.admit(envelope, at: nextStamp, memo: entry.memo) {
            case .success(let admission):
                let open = Set(admission.newSigners)
                let recorded = adding.subtracting(open)
                if !recorded.isEmpty { pool.drop(parties: recorded.sorted(), from: entry.id) }
                let parties = adding.intersection(open)
                guard !parties.isEmpty else { continue }
                let stamp = nextStamp
                guard let position = try? raft.propose(LogRecord(time: stamp, envelope: envelope).encoded()) else { return }
                lastStamp = stamp
                inFlight[position.index] = InFlight(declarationID: entry.id, parties: parties, memo: entry.memo)
                proposed += 1
            case .failure:
                pool.remove(entry.id)
            }
        }
    }

    /// The most declarations a leader proposes from its pool per tick, so a full pool after an
    /// election does not stall the driver for one long batch.
    static var poolProposalsPerTick: Int { 256 }

    /// Whether the leader's test switch keeps it from proposing `admission`'s declaration.
    func censors(_ admission: Admission) -> Bool {
        guard let party = config.testing.censoredParty else { return false }
        return admission.declaration.owner == party
    }
}
