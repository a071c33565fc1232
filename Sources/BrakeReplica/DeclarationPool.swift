import BrakeCore

/// The pending pool: valid declarations this node holds that are not yet committed, merged by
/// declaration id with one signature per party, as the registry merges them.
///
/// A declaration enters through `offer`: its signatures are verified once (a `SignatureMemo` per
/// entry remembers them, so a signature gossip brings again costs no Ed25519), merged with the
/// entry's, and the merged envelope is admitted against the registry as the next entry would be.
/// The entry keeps only the signatures of parties the registry has not recorded yet: what a
/// leader still has to commit. It leaves the pool when those are committed (`noteApplied`), when
/// its motion expires or closes, or when the registry no longer admits it (`revalidate`).
///
/// The pool is bounded in entries and bytes (`Limits`); a full pool refuses a new declaration with
/// `pool_full` and counts the refusal. It is pure: the time is an argument, and every change is
/// reported as a `PoolWrite` the shell persists, so the pool survives a restart.
public struct DeclarationPool: Sendable {
    /// How much the pool may hold.
    public struct Limits: Sendable, Hashable {
        /// Most declarations held at once.
        public var maxEntries: Int
        /// Most bytes held at once (the entries' envelopes as JSON).
        public var maxBytes: Int

        /// Creates limits.
        public init(maxEntries: Int = 4_096, maxBytes: Int = 16 << 20) {
            self.maxEntries = maxEntries
            self.maxBytes = maxBytes
        }
    }

    /// What became of an offer.
    public enum Offer: Sendable, Hashable {
        /// The pool holds the declaration with signatures of these parties it did not hold before.
        case added(id: String, parties: Set<String>)
        /// The pool already held every signature the offer carries that is not committed.
        case unchanged(id: String)
        /// The pool refused it: the registry does not admit it, or the pool is full.
        case refused(SubmitError)
    }

    /// The bounds.
    public let limits: Limits
    /// The entries, by declaration id.
    public private(set) var entries: [String: PooledDeclaration] = [:]
    /// The bytes the entries hold.
    public private(set) var totalBytes = 0
    /// Offers refused because the pool was full, since start.
    public private(set) var refusedFull = 0
    /// Changes not yet handed to the shell: an entry's envelope to store, or nil to delete it.
    var writes: [String: [UInt8]?] = [:]

    /// An empty pool.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The number of declarations held.
    public var count: Int { entries.count }

    /// Offers `envelope` to the pool, at effective time `stamp` (the stamp the next entry would
    /// get) and monotonic time `monotonic`. `memo` holds signatures the caller already verified.
    ///
    /// `admitted` is the registry's admission of `envelope` as it is, when the caller already ran
    /// it (a submission): for a declaration the pool does not hold yet, it stands for the merged
    /// envelope's, which has the same parties, and admission does not run twice.
    public mutating func offer(
        _ envelope: Envelope, registry: Registry, at stamp: Millis, monotonic: Int64, memo: SignatureMemo = .none,
        admitted: Admission? = nil
    ) -> Offer {
        let id = motionID(payload: envelope.payload)
        let existing = entries[id]
        let known = memo.merging(existing?.memo ?? .none)
        if let existing, !existing.payloadType.utf8.elementsEqual(envelope.payloadType.utf8) {
            // Same payload under another type: not the declaration the pool holds.
            return .refused(.registry(BrakeError(
                .wrongPayloadType, "declaration \(id) is held with payloadType \(existing.payloadType), not \(envelope.payloadType)")))
        }
        do {
            let verified = try SignatureMemo.verifying(envelope, under: registry.charter, known: known).merging(known)
            // The registry's verification: the current charter's keys (an amendment's new keys too),
            // and `revoked_key` for a key an amendment or revocation dropped.
            let incoming = try registry.verifiedSignatures(of: envelope, memo: verified)
            return merge(envelope, id: id, existing: existing, incoming: incoming, memo: verified,
                         registry: registry, stamp: stamp, monotonic: monotonic, admitted: existing == nil ? admitted : nil)
        } catch {
            return .refused(.registry(error))
        }
    }

    private mutating func merge(
        _ envelope: Envelope, id: String, existing: PooledDeclaration?, incoming: [VerifiedSignature], memo: SignatureMemo,
        registry: Registry, stamp: Millis, monotonic: Int64, admitted: Admission?
    ) -> Offer {
        var merged = existing?.signatures ?? [:]
        var arrivals = existing?.arrivals ?? [:]
        for signature in VerifiedSignature.distinctParties(incoming) where merged[signature.party] == nil {
            merged[signature.party] = signature
            arrivals[signature.party] = monotonic
        }
        if let existing, merged.count == existing.signatures.count { return .unchanged(id: id) }
        let candidate = PooledDeclaration(
            id: id, payloadType: envelope.payloadType, payload: envelope.payload, signatures: merged,
            arrivals: arrivals, memo: memo, declaration: nil)
        let admission: Admission
        if let admitted {
            admission = admitted
        } else {
            switch registry.admit(candidate.envelope, at: stamp, memo: memo) {
            case .success(let a): admission = a
            case .failure(let error):
                return .refused(.registry(error))
            }
        }
        // Keep only what the registry has not recorded: what a leader still has to commit.
        let open = Set(admission.newSigners)
        var entry = candidate
        entry.signatures = merged.filter { open.contains($0.key) }
        entry.arrivals = arrivals.filter { open.contains($0.key) }
        entry.declaration = admission.declaration
        entry.wouldPass = admission.wouldPass
        let before = Set(existing.map { Array($0.signatures.keys) } ?? [])
        let added = Set(entry.signatures.keys).subtracting(before)
        guard !added.isEmpty else { return .unchanged(id: id) }
        let grow = entry.byteSize - (existing?.byteSize ?? 0)
        guard existing != nil || entries.count < limits.maxEntries, totalBytes + grow <= limits.maxBytes else {
            refusedFull += 1
            return .refused(.node(NodeError(
                .poolFull,
                "the pending pool is full (\(entries.count) of \(limits.maxEntries) declarations, \(totalBytes) of \(limits.maxBytes) bytes); retry once pending declarations commit")))
        }
        put(entry)
        return .added(id: id, parties: added)
    }

    /// Stores `entry`, replacing any entry of its id, and records the write.
    mutating func put(_ entry: PooledDeclaration) {
        totalBytes += entry.byteSize - (entries[entry.id]?.byteSize ?? 0)
        entries[entry.id] = entry
        writes[entry.id] = .some(entry.envelope.jsonBytes())
    }

    /// Removes entry `id`, recording the delete.
    mutating func remove(_ id: String) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        totalBytes -= entry.byteSize
        writes[id] = .some(nil)
    }

    /// Drops the signatures of `parties` from entry `id` (they were committed); an entry left
    /// with none leaves the pool.
    mutating func drop(parties: [String], from id: String) {
        guard var entry = entries[id] else { return }
        for party in parties {
            entry.signatures[party] = nil
            entry.arrivals[party] = nil
        }
        if entry.signatures.isEmpty { remove(id) } else { put(entry) }
    }

    /// Drops every motion whose `expires` is at or before wall time `now`.
    public mutating func dropExpired(at now: Millis) {
        for (id, entry) in entries where entry.motion.map({ $0.expires <= now }) == true {
            remove(id)
        }
    }

    /// Admits every entry again against `registry` (signatures come from each entry's memo, so no
    /// Ed25519 runs): entries it refuses leave, entries whose parties it has partly recorded keep
    /// the rest. Run after committed entries changed what admission depends on.
    public mutating func revalidate(registry: Registry, at stamp: Millis, only ids: [String]? = nil) {
        for id in ids ?? entries.keys.sorted() {
            guard let entry = entries[id] else { continue }
            switch registry.admit(entry.envelope, at: stamp, memo: entry.memo) {
            case .success(let admission):
                if entry.wouldPass != admission.wouldPass {
                    entries[id]?.wouldPass = admission.wouldPass
                }
                let committed = Set(entry.signatures.keys).subtracting(admission.newSigners)
                if !committed.isEmpty { drop(parties: committed.sorted(), from: id) }
            case .failure:
                remove(id)
            }
        }
    }

    /// Hands the writes made since the last call to the shell, in id order.
    mutating func takeWrites() -> [PoolWrite] {
        defer { writes.removeAll() }
        return writes.keys.sorted().map { PoolWrite(id: $0, envelope: writes[$0] ?? nil) }
    }
}

/// A change to the stored pool: the entry's merged envelope (DSSE JSON), or nil to delete it.
public struct PoolWrite: Sendable, Hashable {
    /// The declaration id.
    public var id: String
    /// The envelope to store under it, or nil to delete the row.
    public var envelope: [UInt8]?

    /// Creates a write.
    public init(id: String, envelope: [UInt8]?) {
        self.id = id
        self.envelope = envelope
    }
}
