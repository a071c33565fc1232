import BrakeCore
import BrakeReplica
import Foundation
import Hummingbird

extension APIServer {
    /// `GET /v1/charter[?at=INDEX]`: the charter in force, or the one that judged entry `INDEX`
    /// (`Registry.charter(at:)`: entries up to and including the one where an amendment passed were
    /// judged by the charter before it). An index beyond the applied one is `out_of_range`: this node
    /// cannot tell yet which charter will judge it.
    func charter(_ request: Request) async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        let history = registry.charterHistory
        var epoch = history[history.count - 1]
        if let raw = request.uri.queryParameters.get("at") {
            guard let index = Self.wholeNumber(raw) else {
                return APIResponses.error(NodeError(.badRequest, "at must be an entry index, a whole number"))
            }
            guard index <= registry.appliedIndex else {
                return APIResponses.error(NodeError(
                    .outOfRange, "entry \(index) is beyond the applied index \(registry.appliedIndex): its charter is not known yet"))
            }
            epoch = history.last(where: { $0.index < index }) ?? history[0]
        }
        return APIResponses.json(CharterView(epoch, kind: Self.causeKind(epoch, registry), genesis: history[0].charter.id, envelope: charterEnvelope))
    }

    /// `GET /v1/charter/history`: every charter from genesis, each with its exact payload, what it
    /// changed, and the declaration that made it (an amendment's merged envelope, with every recorded
    /// signature; a revocation's envelope as committed), so a client checks each step under the
    /// charter before it without trusting this node.
    func charterHistory() async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        let history = registry.charterHistory
        var items: [CharterEpochView] = []
        for (n, epoch) in history.enumerated() {
            let changes = n == 0 ? [] : CharterDifference(from: history[n - 1].charter, to: epoch.charter).lines
            var declaration: Envelope?
            if let cause = epoch.cause {
                declaration = registry.amendment(id: cause)?.envelope ?? committedEnvelope(at: epoch.index)
            }
            items.append(CharterEpochView(
                epoch, kind: Self.causeKind(epoch, registry), changes: changes, declaration: declaration))
        }
        return APIResponses.json(CharterHistoryView(genesis: history[0].charter.id, charters: items))
    }

    /// `GET /v1/amendments`: every amendment, oldest first.
    func amendments() async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        let now = await driver.currentTime().wall
        return APIResponses.json(["amendments": registry.amendments.map { AmendmentView($0, registry: registry, now: now) }])
    }

    /// `GET /v1/amendments/{id}`: one amendment, with its exact payload (what `brakectl sign` signs).
    func amendment(_ id: String) async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        guard let record = registry.amendment(id: id) else {
            return APIResponses.error(NodeError(.notFound, "no amendment \(id)"))
        }
        let now = await driver.currentTime().wall
        return APIResponses.json(AmendmentView(record, registry: registry, now: now))
    }

    /// "amendment" or "revocation" for an epoch after genesis; nil for genesis.
    static func causeKind(_ epoch: CharterEpoch, _ registry: Registry) -> String? {
        guard let cause = epoch.cause else { return nil }
        return registry.amendment(id: cause) != nil ? "amendment" : "revocation"
    }

    /// The envelope committed at entry `index`, from the permanent history.
    private func committedEnvelope(at index: UInt64) -> Envelope? {
        try? driver.store.readHistory { history in try history.record(at: index).flatMap { try? $0.leaf()?.envelope } }
    }
}

/// One charter of the chain, as `GET /v1/charter/history` lists it.
struct CharterEpochView: Encodable {
    /// The entry from which it judges (0 for genesis).
    var since: UInt64
    var id: String
    var cause: String?
    var causeKind: String?
    /// The charter's canonical payload, base64: it hashes to `id`.
    var payload: String
    /// What it changed from the charter before, one line each, for people.
    var changes: [String]
    /// The amendment (merged) or revocation envelope that made it.
    var declaration: Envelope?

    init(_ epoch: CharterEpoch, kind: String?, changes: [String], declaration: Envelope?) {
        since = epoch.index
        id = epoch.charter.id
        cause = epoch.cause
        causeKind = kind
        payload = Data(epoch.charter.payloadBytes()).base64EncodedString()
        self.changes = changes
        self.declaration = declaration
    }
}

/// `GET /v1/charter/history`.
struct CharterHistoryView: Encodable {
    /// The genesis charter's id: what an outsider compares with the charter it holds.
    var genesis: String
    var charters: [CharterEpochView]
}

/// An amendment as the API shows it.
struct AmendmentView: Encodable {
    var id: String
    var state: String
    var amends: String
    /// The id of the charter it carries.
    var charter: String
    var proposer: String
    var reason: String
    var created: String
    var expires: String
    var payloadType: String
    /// The payload bytes, base64, exactly as signed.
    var payload: String
    var signers: [SignerView]
    var openedAt: UInt64
    var passedAt: UInt64?
    var closedAt: UInt64?
    /// What it changes in the charter it amends, one line each (empty when that charter is unknown).
    var changes: [String]

    init(_ record: AmendmentRecord, registry: Registry, now: Millis) {
        id = record.id
        state = record.state(at: now).rawValue
        amends = record.amendment.amends
        charter = record.amendment.charter.id
        proposer = record.amendment.proposer
        reason = record.amendment.reason
        created = RFC3339.format(record.amendment.created)
        expires = RFC3339.format(record.amendment.expires)
        payloadType = Amendment.payloadType
        payload = Data(record.payload).base64EncodedString()
        signers = record.signers.map(SignerView.init)
        openedAt = record.openedAt
        passedAt = record.passedAt
        closedAt = record.closedAt
        let amended = registry.charterHistory.first { $0.charter.id == record.amendment.amends }?.charter
        changes = amended.map { CharterDifference(from: $0, to: record.amendment.charter).lines } ?? []
    }
}
