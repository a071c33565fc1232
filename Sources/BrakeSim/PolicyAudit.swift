import BrakeCore

/// Policy safety, checked without the registry's logic: for each pause a registry reports, the
/// auditor gathers the signatures over the trigger (and lift) motion's payload from the committed
/// entries themselves, verifies them against the charter's keys with plain Ed25519, maps keys to
/// distinct parties, and asks whether the charter's policy holds.
///
/// The auditor reads each committed entry once (in index order, as the observer learns it) and
/// remembers, per motion id, which parties validly signed it at which index and effective time.
struct PolicyAudit {
    /// One entry's valid signatures over one motion payload.
    struct Signing {
        var index: UInt64
        var time: Int64
        var parties: Set<String>
    }

    let charter: Charter
    /// Every motion seen in a committed entry, by id.
    private(set) var motions: [String: Motion] = [:]
    /// The signings of each motion, in index order.
    private(set) var signings: [String: [Signing]] = [:]
    /// The effective time: the running maximum of the leader timestamps.
    private(set) var effectiveTime: Int64 = .min
    /// The index of the last entry read.
    private(set) var lastIndex: UInt64 = 0

    init(charter: Charter) {
        self.charter = charter
    }

    /// Reads the committed entry at `index` (entries come in index order, each once).
    mutating func read(index: UInt64, data: [UInt8]) {
        guard index == lastIndex + 1 else { return }
        lastIndex = index
        guard !data.isEmpty, let record = try? LogRecord(decoding: data) else { return }
        effectiveTime = max(effectiveTime, record.time)
        let envelope = record.envelope
        guard envelope.payloadType == Motion.payloadType, let motion = try? Motion.parse(payload: envelope.payload) else { return }
        let id = motionID(payload: envelope.payload)
        motions[id] = motion
        let pae = Envelope.pae(payloadType: envelope.payloadType, payload: envelope.payload)
        var parties = Set<String>()
        for signature in envelope.signatures {
            // Try the key the (unauthenticated) hint names first, then every other charter key.
            let keys = charter.parties.flatMap { party in party.keys.map { (party: party.id, key: $0) } }
            let ordered = keys.filter { $0.key.keyID == signature.keyID } + keys.filter { $0.key.keyID != signature.keyID }
            if let signer = ordered.first(where: { $0.key.isValidSignature(signature.sig, for: pae) }) {
                parties.insert(signer.party)
            }
        }
        signings[id, default: []].append(Signing(index: index, time: effectiveTime, parties: parties))
    }

    /// The distinct parties that validly signed motion `id` in entries up to `index`, while the
    /// motion was not yet expired.
    func signers(of id: String, through index: UInt64) -> Set<String> {
        guard let motion = motions[id], motion.federation == charter.federation else { return [] }
        var parties = Set<String>()
        for signing in signings[id] ?? [] where signing.index <= index && signing.time < motion.expires {
            parties.formUnion(signing.parties)
        }
        return parties
    }

    /// Checks every pause of a registry that applied through `applied`; returns what is wrong.
    func check(pauses: [Pause], applied: UInt64) -> String? {
        guard applied <= lastIndex else { return nil }
        for pause in pauses {
            guard pause.triggeredAt <= applied else {
                return "pause \(pause.id.prefix(12)) claims trigger entry \(pause.triggeredAt) beyond applied index \(applied)"
            }
            guard let trigger = motions[pause.id], trigger.kind == .trigger, trigger.scope == pause.scope else {
                return "pause \(pause.id.prefix(12)) of \(pause.scope) has no committed trigger motion of that id and scope"
            }
            let triggerSigners = signers(of: pause.id, through: pause.triggeredAt)
            guard charter.trigger.isSatisfied(by: triggerSigners, in: charter) else {
                return "pause \(pause.id.prefix(12)) of \(pause.scope) is in force from index \(pause.triggeredAt) but only \(triggerSigners.sorted()) validly signed its trigger (\(charter.trigger.summary))"
            }
            guard let liftID = pause.liftedBy else {
                if pause.liftedAt != nil { return "pause \(pause.id.prefix(12)) is lifted by no motion" }
                continue
            }
            guard let liftedAt = pause.liftedAt, liftedAt <= applied, liftedAt > pause.triggeredAt else {
                return "pause \(pause.id.prefix(12)) has an impossible lift index \(pause.liftedAt.map(String.init) ?? "nil")"
            }
            guard let lift = motions[liftID], lift.kind == .lift, lift.pause == pause.id else {
                return "pause \(pause.id.prefix(12)) was lifted by \(liftID.prefix(12)), which is no committed lift of it"
            }
            let liftSigners = signers(of: liftID, through: liftedAt)
            guard charter.lift.isSatisfied(by: liftSigners, in: charter) else {
                return "pause \(pause.id.prefix(12)) of \(pause.scope) was lifted at index \(liftedAt) but only \(liftSigners.sorted()) validly signed the lift (\(charter.lift.summary))"
            }
        }
        return nil
    }
}
