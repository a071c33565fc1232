/// What changed between two charters, item by item, for the people about to sign an amendment and
/// for anyone reading the charter history.
///
/// The difference is computed, never taken from the proposer: `brakectl charter propose-amendment`
/// and `brakectl sign` show it for the exact charter an amendment carries, so a signer reads what the
/// signed bytes would do ("adds key 3f2a… to party lab-a"), not what someone says they do. Every
/// string that came from a charter is escaped for display (`DisplayText`), as motion fields are.
///
/// Order is stable: parties (removed, added, changed, by id), then nodes likewise, then policies and
/// durations, so two tools print the same lines for the same pair.
public struct CharterDifference: Sendable, Hashable {
    /// One change.
    public enum Change: Sendable, Hashable {
        /// The federation id differs (an amendment may never do this; shown so the refusal is clear).
        case federation(from: String, to: String)
        /// A party joins, with its class and keys.
        case partyAdded(Party)
        /// A party leaves; its keys are revoked with it.
        case partyRemoved(Party)
        /// A party's display name changes.
        case partyRenamed(party: String, from: String, to: String)
        /// A party's class changes (which policy clauses count it).
        case partyClassChanged(party: String, from: PartyClass, to: PartyClass)
        /// A key is added to a party that stays.
        case keyAdded(party: String, key: PublicKey)
        /// A key of a party that stays is removed: from then on it is revoked.
        case keyRemoved(party: String, key: PublicKey)
        /// A node joins.
        case nodeAdded(NodeInfo)
        /// A node leaves: it is no longer contacted, its TLS pin no longer accepted.
        case nodeRemoved(NodeInfo)
        /// One field of a node that stays changes (`party`, `address`, `tlsPin`, `checkpointKey`).
        case nodeChanged(node: String, field: String, from: String, to: String)
        /// A policy (`trigger`, `lift`, `amend`) changes.
        case policyChanged(name: String, from: PolicyRule, to: PolicyRule)
        /// A duration or bound changes (`motionLifetimeSeconds`, ...); nil means unset (the default).
        case settingChanged(name: String, from: Int64?, to: Int64?)
    }

    /// The changes, in the stable order described above.
    public let changes: [Change]

    /// The difference that turns `old` into `new`.
    public init(from old: Charter, to new: Charter) {
        var out: [Change] = []
        if !Bytes.same(old.federation, new.federation) { out.append(.federation(from: old.federation, to: new.federation)) }
        let oldParties = old.parties.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let newParties = new.parties.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        for party in oldParties where new.party(id: party.id) == nil { out.append(.partyRemoved(party)) }
        for party in newParties where old.party(id: party.id) == nil { out.append(.partyAdded(party)) }
        for before in oldParties {
            guard let after = new.party(id: before.id) else { continue }
            if !Bytes.same(before.name, after.name) { out.append(.partyRenamed(party: before.id, from: before.name, to: after.name)) }
            if before.partyClass != after.partyClass {
                out.append(.partyClassChanged(party: before.id, from: before.partyClass, to: after.partyClass))
            }
            for key in before.keys where !after.keys.contains(key) { out.append(.keyRemoved(party: before.id, key: key)) }
            for key in after.keys where !before.keys.contains(key) { out.append(.keyAdded(party: before.id, key: key)) }
        }
        let oldNodes = old.nodes.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let newNodes = new.nodes.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        for node in oldNodes where new.node(id: node.id) == nil { out.append(.nodeRemoved(node)) }
        for node in newNodes where old.node(id: node.id) == nil { out.append(.nodeAdded(node)) }
        for before in oldNodes {
            guard let after = new.node(id: before.id) else { continue }
            let fields: [(String, String, String)] = [
                ("party", before.party, after.party), ("address", before.address, after.address),
                ("tlsPin", before.tlsPin, after.tlsPin), ("checkpointKey", before.checkpointKey.base64, after.checkpointKey.base64),
            ]
            for (field, from, to) in fields where !Bytes.same(from, to) {
                out.append(.nodeChanged(node: before.id, field: field, from: from, to: to))
            }
        }
        for (name, from, to) in [("trigger", old.trigger, new.trigger), ("lift", old.lift, new.lift), ("amend", old.amend, new.amend)]
        where from != to {
            out.append(.policyChanged(name: name, from: from, to: to))
        }
        let settings: [(String, Int64?, Int64?)] = [
            ("motionLifetimeSeconds", old.motionLifetimeSeconds, new.motionLifetimeSeconds),
            ("attestationIntervalSeconds", old.attestationIntervalSeconds, new.attestationIntervalSeconds),
            ("pauseSunsetSeconds", old.pauseSunsetSeconds, new.pauseSunsetSeconds),
            ("maxClockSkewSeconds", old.maxClockSkewSeconds, new.maxClockSkewSeconds),
            ("maxPendingSeconds", old.maxPendingSeconds, new.maxPendingSeconds),
        ]
        for (name, from, to) in settings where from != to { out.append(.settingChanged(name: name, from: from, to: to)) }
        changes = out
    }

    /// Whether the two charters are the same.
    public var isEmpty: Bool { changes.isEmpty }

    /// One line per change, for people, e.g. `+ party gov-b "Gov B" (government), keys 3f2a…`,
    /// `- key 9c1d… of party lab-a (revoked from then on)`, `~ trigger: at least 2 … -> at least 3 …`.
    public var lines: [String] { changes.map(\.line) }
}

extension CharterDifference.Change {
    /// The change as one line: `+` added, `-` removed, `~` changed.
    public var line: String {
        func text(_ s: String) -> String { DisplayText.escaped(s) }
        func keys(_ list: [PublicKey]) -> String { list.map(\.keyID).joined(separator: ", ") }
        switch self {
        case .federation(let from, let to):
            return "~ federation: \(text(from)) -> \(text(to))"
        case .partyAdded(let p):
            return "+ party \(text(p.id)) \(DisplayText.quoted(p.name)) (\(p.partyClass.rawValue)), keys \(keys(p.keys))"
        case .partyRemoved(let p):
            return "- party \(text(p.id)) \(DisplayText.quoted(p.name)) (\(p.partyClass.rawValue)); its keys \(keys(p.keys)) are revoked"
        case .partyRenamed(let party, let from, let to):
            return "~ party \(text(party)) name: \(DisplayText.quoted(from)) -> \(DisplayText.quoted(to))"
        case .partyClassChanged(let party, let from, let to):
            return "~ party \(text(party)) class: \(from.rawValue) -> \(to.rawValue)"
        case .keyAdded(let party, let key):
            return "+ key \(key.keyID) of party \(text(party))"
        case .keyRemoved(let party, let key):
            return "- key \(key.keyID) of party \(text(party)) (revoked from then on)"
        case .nodeAdded(let n):
            return "+ node \(text(n.id)) of party \(text(n.party)) at \(text(n.address)), tls pin \(text(n.tlsPin))"
        case .nodeRemoved(let n):
            return "- node \(text(n.id)) of party \(text(n.party)) at \(text(n.address))"
        case .nodeChanged(let node, let field, let from, let to):
            return "~ node \(text(node)) \(field): \(text(from)) -> \(text(to))"
        case .policyChanged(let name, let from, let to):
            return "~ \(name) policy: \(from.summary) -> \(to.summary)"
        case .settingChanged(let name, let from, let to):
            return "~ \(name): \(from.map(String.init) ?? "unset") -> \(to.map(String.init) ?? "unset")"
        }
    }
}
