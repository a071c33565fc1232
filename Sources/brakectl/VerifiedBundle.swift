import BrakeCore
import BrakeLog
import Foundation

/// A bundle that verified, and how `brakectl verify` shows it: the checkpoint and its cosigners,
/// the counts, the pause history (who signed what and when) and each party's compliance.
struct VerifiedBundle {
    var header: BundleHeader
    var charter: Charter
    var report: BundleReport
    var elapsed: Duration

    var seconds: Double { Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 }

    /// The node id of a cosignature's key name `<federation>/<node>`.
    func node(of cosignature: Cosignature) -> String {
        String(cosignature.keyName.dropFirst(charter.federation.utf8.count + 1))
    }

    func printText() {
        let checkpoint = report.checkpoint
        print("bundle of federation \(charter.federation), exported from \(header.exportedFrom) at \(header.exportedAt)")
        print("charter \(charter.id): signed by all \(charter.parties.count) parties")
        let chain = report.registry.charterHistory
        for (before, epoch) in zip(chain, chain.dropFirst()) {
            print("  entry \(epoch.index): \(causeKind(epoch)) \(epoch.cause ?? "?") made charter \(epoch.charter.id), checked under charter \(before.charter.id)")
            for line in CharterDifference(from: before.charter, to: epoch.charter).lines { print("    \(line)") }
        }
        let cosigners = report.cosignatures.map { "\(node(of: $0)) at \(RFC3339.format(Int64(clamping: $0.timestamp) * 1000))" }
        print("checkpoint \(checkpoint.origin) size \(checkpoint.size) root \(Base64.encode(checkpoint.root.bytes))")
        print("  cosigned by \(report.cosignatures.count) of \(report.registry.charter.nodes.count) nodes (final needs \(report.quorum)): \(cosigners.joined(separator: ", "))")
        print("tree: \(report.entries) leaves recomputed, root matches the checkpoint")
        print("signatures: \(report.signatures) DSSE signatures verified")
        print("registry: replayed through entry \(report.registry.appliedIndex), digest \(report.registryDigest)")
        for entry in report.rejected { print("  entry \(entry.index) was rejected by the registry: \(entry.code): \(entry.message)") }
        let history = report.pauseHistory
        print(history.isEmpty ? "pauses: none" : "pauses:")
        for item in history {
            let pause = item.pause
            let state = pause.liftedAt == nil ? (pause.isInForce(at: report.registry.lastTime) ? "IN FORCE" : "ended (sunset)") : "lifted"
            print("  \(pause.scope) \(state), pause \(pause.id)")
            print("    triggered at entry \(pause.triggeredAt) (\(RFC3339.format(pause.since))), signed by \(describe(item.triggerSigners))")
            if let liftedAt = pause.liftedAt {
                print("    lifted at entry \(liftedAt) (\(pause.liftedTime.map(RFC3339.format) ?? "?")) by motion \(pause.liftedBy ?? "?"), signed by \(describe(item.liftSigners))")
            }
        }
        let rows = report.compliance
        if !rows.isEmpty { print("compliance at \(RFC3339.format(report.registry.lastTime)):") }
        for row in rows {
            let last = row.lastAttested.map { "last attested \(RFC3339.format($0)) (period \(row.lastPeriod ?? "?"))" } ?? "never attested"
            let countersigned = row.countersignedBy.isEmpty ? "" : ", countersigned by \(row.countersignedBy.joined(separator: ", "))"
            print("  pause \(row.pauseID.prefix(12)) \(row.party): \(last)\(countersigned)\(row.overdue ? ", OVERDUE" : "")")
            for dispute in row.disputes {
                print("    period \(dispute.period) DISPUTED by \(dispute.reviewer) at entry \(dispute.index) (\(RFC3339.format(dispute.time))): \"\(dispute.reason)\"")
            }
        }
        print(String(format: "verified %llu entries in %.2f s (%.0f entries/s)", report.entries, seconds, Double(report.entries) / max(seconds, 1e-9)))
    }

    /// "amendment" or "revocation", for an epoch after genesis.
    private func causeKind(_ epoch: CharterEpoch) -> String {
        epoch.cause.flatMap { report.registry.amendment(id: $0) } != nil ? "amendment" : "revocation"
    }

    private func describe(_ signers: [BundleReport.Signer]) -> String {
        signers.map { "\($0.party) (key \($0.keyID.prefix(16)), entry \($0.index), \(RFC3339.format($0.time)))" }.joined(separator: ", ")
    }

    /// The report as JSON.
    var json: [String: Any] {
        func signers(_ list: [BundleReport.Signer]) -> [[String: Any]] {
            list.map { ["party": $0.party, "keyID": $0.keyID, "index": Int(clamping: $0.index), "time": RFC3339.format($0.time)] }
        }
        let checkpoint = report.checkpoint
        return [
            "verified": true,
            "federation": charter.federation,
            "charter": charter.id,
            "charters": report.registry.charterHistory.map { epoch -> [String: Any] in
                var item: [String: Any] = ["index": Int(clamping: epoch.index), "id": epoch.charter.id]
                if let cause = epoch.cause { item["cause"] = cause; item["causeKind"] = causeKind(epoch) }
                return item
            },
            "checkpoint": [
                "origin": checkpoint.origin, "size": Int(clamping: checkpoint.size), "root": Base64.encode(checkpoint.root.bytes),
                "quorum": report.quorum,
                "cosigners": report.cosignatures.map { ["node": node(of: $0), "keyName": $0.keyName, "timestamp": Int(clamping: $0.timestamp)] as [String: Any] },
            ] as [String: Any],
            "entries": Int(clamping: report.entries),
            "signatures": report.signatures,
            "appliedIndex": Int(clamping: report.registry.appliedIndex),
            "registryDigest": report.registryDigest,
            "rejected": report.rejected.map { ["index": Int(clamping: $0.index), "code": $0.code, "message": $0.message] as [String: Any] },
            "pauses": report.pauseHistory.map { item -> [String: Any] in
                var pause: [String: Any] = [
                    "id": item.pause.id, "scope": item.pause.scope.description, "triggeredAt": Int(clamping: item.pause.triggeredAt),
                    "since": RFC3339.format(item.pause.since), "inForce": item.pause.isInForce(at: report.registry.lastTime),
                    "triggerSigners": signers(item.triggerSigners),
                ]
                if let liftedAt = item.pause.liftedAt {
                    pause["liftedAt"] = Int(clamping: liftedAt)
                    pause["liftedBy"] = item.pause.liftedBy ?? ""
                    pause["liftSigners"] = signers(item.liftSigners)
                }
                return pause
            },
            "compliance": report.compliance.map { row -> [String: Any] in
                var out: [String: Any] = ["pause": row.pauseID, "party": row.party, "overdue": row.overdue]
                if let last = row.lastAttested { out["lastAttested"] = RFC3339.format(last) }
                if let period = row.lastPeriod { out["lastPeriod"] = period }
                out["countersignedBy"] = row.countersignedBy
                out["disputes"] = row.disputes.map { dispute -> [String: Any] in
                    [
                        "attestation": dispute.attestation, "period": dispute.period, "reviewer": dispute.reviewer, "reason": dispute.reason,
                        "index": Int(clamping: dispute.index), "time": RFC3339.format(dispute.time),
                    ]
                }
                return out
            },
            "seconds": seconds,
        ]
    }
}
