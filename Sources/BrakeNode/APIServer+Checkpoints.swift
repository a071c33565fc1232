import BrakeCore
import BrakeLog
import BrakeReplica
import BrakeStore
import Foundation
import Hummingbird
import NIOCore

/// The checkpoint routes: `GET /v1/checkpoint` (the latest final checkpoint as a signed note, or
/// before any is final the latest this node cosigned), `GET /v1/evidence` (fork evidence), the
/// `fork_evidence` events on `/v1/events`, and the checkpoint metrics.
extension APIServer {
    /// `GET /v1/checkpoint`: 404 `not_found` until this node cosigned one or learned a final one.
    /// Its cosigners and quorum are those of the charter that judges the checkpoint's size: the one
    /// in force after its last leaf (`CheckpointCharters`), as `brakectl verify` judges it.
    func checkpoint() async -> Response {
        let registry = await driver.currentRegistry()
        do {
            let rows = try driver.store.checkpointRows()
            guard let note = rows.final ?? rows.cosigned else {
                return APIResponses.error(NodeError(
                    .notFound, "no checkpoint yet: the leader proposes one once the log holds a declaration, and nodes cosign it"))
            }
            let size = note.checkpoint.size
            let appliedIndex = try driver.store.readHistory { history in
                size == 0 ? 0 : try history.entryIndex(ofLeaf: size - 1) ?? 0
            }
            // The charter in force after entry `appliedIndex` (the first one judges entry
            // `appliedIndex + 1`); a node that has not applied the last leaf serves the one in force.
            let charter = appliedIndex > 0 && appliedIndex <= registry.appliedIndex ? registry.charter(at: appliedIndex + 1) : registry.charter
            return APIResponses.json(SignedCheckpointView(
                origin: note.checkpoint.origin, size: size, root: Data(note.checkpoint.root.bytes).base64EncodedString(),
                appliedIndex: appliedIndex, note: note.text, cosigners: Self.cosigners(of: note, charter),
                quorum: SignedCheckpoint.quorum(of: charter), final: rows.final != nil))
        } catch {
            return APIResponses.error(NodeError(.unavailable, "cannot read the checkpoints: \(error)"))
        }
    }

    /// `GET /v1/evidence`: every fork evidence record this node keeps, in the order found.
    func evidence() -> Response {
        do {
            return APIResponses.json(["evidence": try driver.store.evidence().map(EvidenceView.init)])
        } catch {
            return APIResponses.error(NodeError(.unavailable, "cannot read the evidence: \(error)"))
        }
    }

    /// The node ids whose cosignatures a note carries, in key name order.
    static func cosigners(of note: SignedCheckpoint, _ charter: Charter) -> [String] {
        let prefix = charter.federation + "/"
        return note.cosignatures.compactMap { cosignature in
            guard cosignature.keyName.hasPrefix(prefix) else { return nil }
            let node = String(cosignature.keyName.dropFirst(prefix.count))
            return charter.node(id: node) != nil ? node : nil
        }
    }

    /// The `fork_evidence` events for evidence stored since `announced`: node-level events, with no
    /// id (they are not entries of the log, so a resume does not replay them; `/v1/evidence` keeps
    /// them all). Nil when there is none new.
    func newEvidenceEvents(announced: inout Set<String>) -> ByteBuffer? {
        guard let count = try? driver.store.evidenceCount(), count > announced.count,
              let all = try? driver.store.evidence() else { return nil }
        var buffer = ByteBuffer()
        for item in all where announced.insert(item.id).inserted {
            guard let json = try? JSONEncoder().encode(EvidenceView(item)) else { continue }
            buffer.writeString("event: fork_evidence\ndata: ")
            buffer.writeBytes(json)
            buffer.writeString("\n\n")
        }
        return buffer.readableBytes > 0 ? buffer : nil
    }

    /// The ids of the evidence stored now, which a new event stream does not announce.
    func storedEvidenceIDs() -> Set<String> {
        Set((try? driver.store.evidence().map(\.id)) ?? [])
    }

    /// Sets the checkpoint gauges for `/metrics`.
    func updateCheckpointMetrics() {
        guard let rows = try? driver.store.checkpointRows() else { return }
        metrics.registry.makeGauge(descriptor: NodeMetrics.name(
            "brake_checkpoint_final_size", "Tree size of the latest final checkpoint (cosigned by a majority of the charter's nodes)"))
            .set(Double(rows.final?.checkpoint.size ?? 0) as Double)
        metrics.registry.makeGauge(descriptor: NodeMetrics.name(
            "brake_fork_evidence_total", "Fork evidence records kept: pairs of cosigned checkpoints that no single log has (GET /v1/evidence)"))
            .set(Double(rows.evidenceIDs.count) as Double)
    }
}

/// A checkpoint as `/v1/checkpoint` serves it (the contract in `Specs/log.md` 7.5).
struct SignedCheckpointView: Encodable {
    var origin: String
    var size: UInt64
    var root: String
    /// The entry index of the checkpoint's last leaf (0 when this node has not applied it yet).
    var appliedIndex: UInt64
    /// The signed note, verifiable against the charter's checkpoint keys.
    var note: String
    var cosigners: [String]
    var quorum: Int
    var final: Bool
}

/// One evidence record as `/v1/evidence` and the `fork_evidence` event show it.
struct EvidenceView: Encodable {
    var id: String
    var kind: String
    var detectedAt: String
    var detectedAtMillis: Int64
    var size: UInt64
    var notes: [String]
    var nodes: [String]

    init(_ evidence: ForkEvidence) {
        id = evidence.id
        kind = evidence.kind.rawValue
        detectedAt = RFC3339.format(evidence.detectedAtMillis)
        detectedAtMillis = evidence.detectedAtMillis
        size = evidence.size
        notes = evidence.notes.map(\.text)
        nodes = evidence.nodes
    }
}
