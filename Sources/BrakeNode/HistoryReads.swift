import BrakeCore
import BrakeLog
import BrakeReplica
import BrakeStore
import Foundation

/// The read routes of the permanent history (`/v1/log`, `/v1/proof/...`), each
/// answered from one read transaction of the store: never on the driver, and consistent within itself
/// (the rows, the tree and the applied index of one instant).
///
/// Proofs are addressed by **entry index** (the Raft index a client got back from its submission, and
/// that `/v1/log` and the events show) and by **tree size** in leaves (what a checkpoint states). The
/// answer names the leaf's position too, which is what the RFC 9162 verification runs on.
enum HistoryReads {
    /// `GET /v1/log`: the history rows from `from`, at most `limit`. Refused (`history_unavailable`)
    /// from before the node's contiguous history.
    static func log(_ history: StoredHistory, from: UInt64, limit: Int) throws -> Result<[LogEntryView], NodeError> {
        guard from >= history.historyFrom || from > history.appliedIndex else {
            return .failure(unavailable(history, "entries before \(history.historyFrom)"))
        }
        return .success(try history.records(from: from, limit: limit).map(LogEntryView.init(record:)))
    }

    /// `GET /v1/proof/inclusion`: the proof that entry `index`'s leaf is in the tree of `size` leaves
    /// (the current tree when nil).
    static func inclusion(_ history: StoredHistory, index: UInt64, size: UInt64?) throws -> Result<InclusionProofView, NodeError> {
        guard history.isComplete else { return .failure(unavailable(history, "proofs")) }
        let size = size ?? history.treeSize
        guard size <= history.treeSize else {
            return .failure(NodeError(.outOfRange, "no tree of \(size) leaves: the tree has \(history.treeSize)"))
        }
        guard let record = try history.record(at: index) else {
            return .failure(NodeError(.outOfRange, "entry \(index) is not in the log, which is applied through \(history.appliedIndex)"))
        }
        guard case .leaf(let position?, let leaf) = record.content else {
            return .failure(NodeError(.outOfRange, "entry \(index) is \(record.isNoop ? "a no-op" : "not a declaration") and has no leaf"))
        }
        guard position < size else {
            return .failure(NodeError(.outOfRange, "entry \(index) is leaf \(position), not in the tree of \(size) leaves"))
        }
        let proof = try history.tree.inclusionProof(leafIndex: position, treeSize: size)
        return .success(InclusionProofView(
            index: index, leafIndex: position, treeSize: size, leaf: Data(leaf).base64EncodedString(),
            leafHash: base64(MerkleHash.leaf(leaf)), root: base64(try history.tree.root(atSize: size)),
            hashes: proof.hashes.map(base64)))
    }

    /// `GET /v1/proof/consistency`: the proof that the tree of `to` leaves extends the tree of `from`.
    static func consistency(_ history: StoredHistory, from: UInt64, to: UInt64) throws -> Result<ConsistencyProofView, NodeError> {
        guard from > 0, from <= to else {
            return .failure(NodeError(.badRequest, "no consistency proof from size \(from) to size \(to): it needs 0 < from <= to"))
        }
        guard history.isComplete else { return .failure(unavailable(history, "proofs")) }
        guard to <= history.treeSize else {
            return .failure(NodeError(.outOfRange, "no tree of \(to) leaves: the tree has \(history.treeSize)"))
        }
        let proof = try history.tree.consistencyProof(from: from, to: to)
        return .success(ConsistencyProofView(
            from: from, to: to, fromRoot: base64(try history.tree.root(atSize: from)),
            toRoot: base64(try history.tree.root(atSize: to)), hashes: proof.hashes.map(base64)))
    }

    static func unavailable(_ history: StoredHistory, _ what: String) -> NodeError {
        NodeError(
            .historyUnavailable,
            "this node has no \(what): its history begins at entry \(history.historyFrom) (it installed a snapshot), "
                + "and fetching the entries before it from peers is not built yet")
    }

    static func base64(_ hash: MerkleHash) -> String { Data(hash.bytes).base64EncodedString() }
}

/// An inclusion proof as the API serves it.
struct InclusionProofView: Encodable {
    var index: UInt64
    var leafIndex: UInt64
    var treeSize: UInt64
    var leaf: String
    var leafHash: String
    var root: String
    var hashes: [String]
}

/// A consistency proof as the API serves it.
struct ConsistencyProofView: Encodable {
    var from: UInt64
    var to: UInt64
    var fromRoot: String
    var toRoot: String
    var hashes: [String]
}
