import BrakeReplica
import BrakeStore
import Hummingbird

extension APIServer {
    /// `GET /v1/log?from=N&limit=M`: committed entries from the permanent history (so they are served
    /// whatever Raft compacted), each declaration envelope as a JSON object.
    func log(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let from = max(query.get("from").flatMap(UInt64.init) ?? 1, 1)
        let limit = min(max(query.get("limit").flatMap(Int.init) ?? 100, 0), 1_000)
        return answer { try HistoryReads.log($0, from: from, limit: limit).map { ["entries": $0] } }
    }

    /// `GET /v1/proof/inclusion?index=I&size=S`: entry `I`'s leaf in the tree of `S` leaves (default:
    /// the current tree).
    func inclusionProof(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        guard let index = query.get("index").flatMap(Self.wholeNumber), index > 0 else {
            return APIResponses.error(NodeError(.badRequest, "index must be an entry index, a whole number from 1"))
        }
        let size = query.get("size").flatMap(Self.wholeNumber)
        guard size != nil || query.get("size") == nil else {
            return APIResponses.error(NodeError(.badRequest, "size must be a tree size, a whole number"))
        }
        return answer { try HistoryReads.inclusion($0, index: index, size: size) }
    }

    /// `GET /v1/proof/consistency?from=A&to=B`: the tree of `B` leaves extends the tree of `A`.
    func consistencyProof(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        guard let from = query.get("from").flatMap(Self.wholeNumber), let to = query.get("to").flatMap(Self.wholeNumber) else {
            return APIResponses.error(NodeError(.badRequest, "from and to must both be tree sizes, whole numbers"))
        }
        return answer { try HistoryReads.consistency($0, from: from, to: to) }
    }

    /// Runs a history read in one read transaction of the store, off the driver, and answers with its
    /// view or its error; a storage failure is `unavailable`.
    private func answer<View: Encodable>(_ read: (StoredHistory) throws -> Result<View, NodeError>) -> Response {
        do {
            switch try driver.store.readHistory(read) {
            case .success(let view): return APIResponses.json(view)
            case .failure(let error): return APIResponses.error(error)
            }
        } catch {
            return APIResponses.error(NodeError(.unavailable, "cannot read the history: \(error)"))
        }
    }

    /// Decimal digits only (no sign, no space), as a `UInt64`.
    static func wholeNumber(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(text)
    }
}
