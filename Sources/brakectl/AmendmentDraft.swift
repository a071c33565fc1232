import BrakeCore
import BrakeFiles
import Foundation

/// The flags of `brakectl charter propose-amendment`, turned into the next charter: the current
/// charter with each change applied in a fixed order (removals, then additions, then node updates,
/// then policies and durations), or the complete charter of a file.
///
/// Only what the flags say changes: a party keeps its name, class and other keys, a node its pins.
/// The result must be a valid charter of the same federation that differs from the current one;
/// every other rule (satisfiable policies, proof of possession of new keys, who may change whose
/// keys) is the registry's, which every node applies the same way.
struct AmendmentDraft {
    var addParty: [String] = []
    var removeParty: [String] = []
    var addKey: [String] = []
    var removeKey: [String] = []
    var addNode: [String] = []
    var updateNode: [String] = []
    var removeNode: [String] = []
    var trigger: String?
    var lift: String?
    var amend: String?
    var motionLifetime: String?
    var attestationInterval: String?
    var sunset: String?
    var maxClockSkew: String?
    var maxPending: String?
    var fromFile: String?

    /// Whether any change was asked for.
    var isEmpty: Bool {
        addParty.isEmpty && removeParty.isEmpty && addKey.isEmpty && removeKey.isEmpty && addNode.isEmpty && updateNode.isEmpty
            && removeNode.isEmpty && [trigger, lift, amend, motionLifetime, attestationInterval, sunset, maxClockSkew, maxPending, fromFile]
            .allSatisfy { $0 == nil }
    }

    /// The next charter: `current` with the flags applied (or the file's charter), validated.
    func nextCharter(from current: Charter) throws(CLIError) -> Charter {
        if let fromFile {
            var others = self
            others.fromFile = nil
            guard others.isEmpty else {
                throw CLIError(.usage, "--from-file gives the complete next charter; do not combine it with other changes")
            }
            return try finish(Self.readCharter(fromFile), current: current)
        }
        guard !isEmpty else {
            throw CLIError(.usage, "no change given: pass --add-party, --remove-party, --add-key, --remove-key, --add-node, --update-node, --remove-node, a policy, a duration or --from-file")
        }
        var next = current
        for id in removeParty {
            guard next.party(id: id) != nil else { throw CLIError(.usage, "--remove-party \(id): the charter has no such party") }
            next.parties.removeAll { sameBytes($0.id, id) }
        }
        for text in removeKey {
            let (partyID, key) = try partyAndKey(text, flag: "--remove-key", in: next, mustExist: true)
            next.parties = next.parties.map { party in
                guard sameBytes(party.id, partyID) else { return party }
                var changed = party
                changed.keys.removeAll { $0 == key }
                return changed
            }
        }
        for id in removeNode {
            guard next.node(id: id) != nil else { throw CLIError(.usage, "--remove-node \(id): the charter has no such node") }
            next.nodes.removeAll { sameBytes($0.id, id) }
        }
        for text in addParty { next.parties.append(try Self.party(text)) }
        for text in addKey {
            let (partyID, key) = try partyAndKey(text, flag: "--add-key", in: next, mustExist: false)
            guard let index = next.parties.firstIndex(where: { sameBytes($0.id, partyID) }) else {
                throw CLIError(.usage, "--add-key \(text): the charter has no party \(partyID)")
            }
            next.parties[index].keys.append(key)
        }
        for path in addNode {
            let node = try Self.node(path)
            guard next.node(id: node.id) == nil else {
                throw CLIError(.usage, "--add-node \(path): the charter already has node \(node.id); use --update-node to change it")
            }
            next.nodes.append(node)
        }
        for path in updateNode {
            let node = try Self.node(path)
            guard let index = next.nodes.firstIndex(where: { sameBytes($0.id, node.id) }) else {
                throw CLIError(.usage, "--update-node \(path): the charter has no node \(node.id); use --add-node to add it")
            }
            next.nodes[index] = node
        }
        if let trigger { next.trigger = try Self.rule(trigger, flag: "--trigger") }
        if let lift { next.lift = try Self.rule(lift, flag: "--lift") }
        if let amend { next.amend = try Self.rule(amend, flag: "--amend") }
        if let motionLifetime { next.motionLifetimeSeconds = try Self.seconds(motionLifetime, flag: "--motion-lifetime") }
        if let attestationInterval { next.attestationIntervalSeconds = try Self.seconds(attestationInterval, flag: "--attestation-interval") }
        if let sunset { next.pauseSunsetSeconds = sunset == "none" ? nil : try Self.seconds(sunset, flag: "--sunset") }
        if let maxClockSkew { next.maxClockSkewSeconds = try Self.seconds(maxClockSkew, flag: "--max-clock-skew") }
        if let maxPending { next.maxPendingSeconds = maxPending == "default" ? nil : try Self.seconds(maxPending, flag: "--max-pending") }
        return try finish(next, current: current)
    }

    /// Validates the result as any charter and checks what the tool can tell before the node does.
    private func finish(_ next: Charter, current: Charter) throws(CLIError) -> Charter {
        // The same refusal, with the same code and reason, as the nodes would give.
        if let why = next.unsatisfiablePolicy() {
            throw CLIError(.refused, why, code: "unsatisfiable_policy")
        }
        let charter: Charter
        do throws(BrakeError) { charter = try Charter.parse(payload: next.payloadBytes()) } catch {
            throw CLIError(.refused, "the amended charter is not valid: \(error.message)", code: error.code.rawValue)
        }
        guard sameBytes(charter.federation, current.federation) else {
            throw CLIError(.refused, "the amended charter names federation \(charter.federation), not \(current.federation); an amendment keeps the federation", code: "invalid_amendment")
        }
        guard charter != current else {
            throw CLIError(.usage, "the amended charter is the current one: nothing to propose", code: "invalid_amendment")
        }
        return charter
    }

    /// `PARTY:KEY`, the key a public key file or (for removal) a key id of 64 hex digits.
    private func partyAndKey(_ text: String, flag: String, in charter: Charter, mustExist: Bool) throws(CLIError) -> (String, PublicKey) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw CLIError(.usage, "\(flag) \(text): expected PARTY:PUBLIC-KEY-FILE\(mustExist ? " or PARTY:KEYID" : "")") }
        guard let party = charter.party(id: parts[0]) else { throw CLIError(.usage, "\(flag) \(text): the charter has no party \(parts[0])") }
        if mustExist, let key = party.keys.first(where: { $0.keyID == parts[1] }) { return (party.id, key) }
        let key = try Self.publicKey(parts[1])
        if mustExist, !party.keys.contains(key) {
            throw CLIError(.usage, "\(flag) \(text): key \(key.keyID) is not a key of party \(party.id)")
        }
        return (party.id, key)
    }

    /// `ID:NAME:CLASS:PUBLIC-KEY-FILE[,FILE...]`, as `charter init --party` takes it.
    static func party(_ text: String) throws(CLIError) -> Party {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { throw CLIError(.usage, "--add-party \(text): expected ID:NAME:CLASS:PUBLIC-KEY-FILE") }
        guard let partyClass = PartyClass(rawValue: parts[2]) else {
            throw CLIError(.usage, "--add-party \(text): class \(parts[2]) is none of lab, government, observer")
        }
        var keys: [PublicKey] = []
        for file in parts[3].split(separator: ",") { keys.append(try publicKey(String(file))) }
        return Party(id: parts[0], name: parts[1], partyClass: partyClass, keys: keys)
    }

    static func publicKey(_ path: String) throws(CLIError) -> PublicKey {
        do throws(FileError) { return try KeyFiles.read(path).publicKey } catch { throw CLIError(.file, error.message, code: error.code) }
    }

    static func node(_ path: String) throws(CLIError) -> NodeInfo {
        do throws(FileError) { return try NodeIdentity.readEntry(at: path) } catch {
            throw CLIError(error.code == "file_unreadable" ? .file : .refused, error.message, code: error.code)
        }
    }

    /// `K:CLASS` clauses joined by commas, e.g. `2:any,1:government`.
    static func rule(_ text: String, flag: String) throws(CLIError) -> PolicyRule {
        var clauses: [PolicyClause] = []
        for clause in text.split(separator: ",") {
            let parts = clause.split(separator: ":").map(String.init)
            guard parts.count == 2, let count = Int(parts[0]) else {
                throw CLIError(.usage, "\(flag) \(text): expected K:CLASS clauses joined by commas, e.g. 2:any,1:government")
            }
            if parts[1] == "any" {
                clauses.append(PolicyClause(atLeast: count))
            } else if let partyClass = PartyClass(rawValue: parts[1]) {
                clauses.append(PolicyClause(atLeast: count, partyClass: partyClass))
            } else {
                throw CLIError(.usage, "\(flag) \(text): class \(parts[1]) is none of any, lab, government, observer")
            }
        }
        return PolicyRule(clauses: clauses)
    }

    static func seconds(_ text: String, flag: String) throws(CLIError) -> Int64 {
        guard let millis = DurationText.millis(text), millis >= 1000 else {
            throw CLIError(.usage, "\(flag) \(text) is not a duration like 90s, 12h or 7d")
        }
        return Int64(millis / 1000)
    }

    /// A charter file: a charter envelope (`charter init` writes one) or the bare payload JSON.
    static func readCharter(_ path: String) throws(CLIError) -> Charter {
        let bytes: [UInt8]
        do throws(FileError) { bytes = try FileBytes.read(path) } catch { throw CLIError(.file, error.message, code: error.code) }
        let payload: [UInt8]
        if let envelope = try? Envelope(json: bytes), sameBytes(envelope.payloadType, Charter.payloadType) {
            payload = envelope.payload
        } else {
            payload = bytes
        }
        do throws(BrakeError) { return try Charter.parse(payload: payload) } catch {
            throw CLIError(.refused, "\(path): \(error.message)", code: error.code.rawValue)
        }
    }
}

/// Strings equal by their UTF-8 bytes, as the registry compares ids (not by Unicode equivalence).
func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
