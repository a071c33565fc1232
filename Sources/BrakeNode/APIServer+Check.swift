import BrakeCore
import BrakeFiles
import BrakeReplica
import Hummingbird
import HummingbirdCore

/// `GET /v1/check`: the route, and the answer `CheckFastPath` writes on the event loop.
extension APIServer {
    /// `GET /v1/check`: a local check answers from the published state at once; a linearizable one
    /// waits for the driver to confirm leadership.
    func check(_ request: Request) async -> Response {
        switch checkRequest(request.uri) {
        case .answered(let answer):
            return answer.response
        case .linearizable(let scope, let staleness):
            let verdict = await driver.check(scope, maxStalenessMillis: staleness, consistency: .linearizable, timeoutMillis: max(staleness, 1_000))
            return checkAnswer(verdict).response
        }
    }

    /// A check request once its query is read: answered already, or a linearizable check for the driver.
    enum CheckRequest {
        case answered(APIResponses.Answer)
        case linearizable(Scope, stalenessMillis: Int)
    }

    /// Reads a check's query and answers it when it needs no driver (a bad query, or a local
    /// check, from the published state): the route and `CheckFastPath` both use it, so a check gets
    /// the same answer on either.
    func checkRequest(_ uri: URI) -> CheckRequest {
        let query = uri.queryParameters
        guard let rawScope = query.get("scope") else {
            return .answered(APIResponses.errorAnswer(NodeError(.badRequest, "missing query parameter scope")))
        }
        let scope: Scope
        do { scope = try Scope(rawScope) } catch { return .answered(APIResponses.errorAnswer(error)) }
        var staleness = 5_000
        if let raw = query.get("max-staleness") {
            guard let millis = DurationText.millis(raw) else {
                return .answered(APIResponses.errorAnswer(NodeError(.badRequest, "max-staleness \(raw) is not a duration like 500ms, 5s or 1m")))
            }
            staleness = millis
        }
        let requested = query.get("consistency") ?? ReadConsistency.local.rawValue
        guard let consistency = ReadConsistency(rawValue: requested) else {
            return .answered(APIResponses.errorAnswer(NodeError(.badRequest, "consistency \(requested) is neither local nor linearizable")))
        }
        guard consistency == .local else { return .linearizable(scope, stalenessMillis: staleness) }
        return .answered(checkAnswer(driver.checkLocal(scope, maxStalenessMillis: staleness)))
    }

    /// The answer for a verdict, counted in the metrics.
    func checkAnswer(_ verdict: CheckVerdict) -> APIResponses.Answer {
        metrics.checks(verdict.verdict.rawValue).increment()
        let view = CheckView(
            verdict: verdict.verdict, scope: verdict.scope, pauses: verdict.pauses.map { PauseView($0, inForce: true) }, reason: verdict.reason,
            pending: verdict.pending, pendingPauses: verdict.pendingPauses,
            federation: driver.charter.federation, charter: charterID, node: driver.nodeID)
        return view.plainBody.map { APIResponses.Answer(status: .ok, body: $0) } ?? APIResponses.answer(view)
    }

    /// A verdict with the federation, charter and node that gave it, so a client can refuse an
    /// answer from a socket that belongs to another federation.
    struct CheckView: Encodable {
        var verdict: CheckVerdict.Verdict
        var scope: Scope
        /// The pauses in force that cover the scope (so `inForce` is always true here).
        var pauses: [PauseView]
        var reason: String?
        /// True when `paused` rests only on self-certifying triggers not yet committed.
        var pending: Bool
        /// The self-certifying triggers this node holds that cover the scope (Specs/gossip.md).
        var pendingPauses: [PendingTrigger]
        var federation: String
        var charter: String
        var node: String
    }
}

extension APIServer.CheckView {
    /// The body of the common answer, a verdict with no pause, no pending trigger and no reason (a
    /// `clear`), written directly rather than through Foundation's `JSONEncoder`, which was half of
    /// the cost of a `check`. The bytes are exactly the encoder's (sorted keys, slashes as they are);
    /// nil for any other answer, or when a field holds a character JSON would escape.
    var plainBody: [UInt8]? {
        guard pauses.isEmpty, pendingPauses.isEmpty, reason == nil else { return nil }
        let fields = [charter, federation, node, scope.path]
        guard fields.allSatisfy(Self.needsNoEscape) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(192 + fields.reduce(0) { $0 + $1.utf8.count })
        out += #"{"charter":""#.utf8
        out += charter.utf8
        out += #"","federation":""#.utf8
        out += federation.utf8
        out += #"","node":""#.utf8
        out += node.utf8
        out += #"","pauses":[],"pending":"#.utf8
        out += (pending ? "true" : "false").utf8
        out += #","pendingPauses":[],"scope":""#.utf8
        out += scope.path.utf8
        out += #"","verdict":""#.utf8
        out += verdict.rawValue.utf8
        out += #""}"#.utf8
        return out
    }

    /// Printable ASCII other than `"` and `\`: written as is by any JSON encoder.
    static func needsNoEscape(_ s: String) -> Bool {
        s.utf8.allSatisfy { (0x20...0x7e).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }
}
