import BrakeCore
import BrakeFiles
import Foundation

/// The command-line description of a new charter, turned into its JSON payload.
struct CharterDraft {
    var federation: String
    var parties: [String]
    /// Paths of node entry files (`node.pub.json`, made by `brakectl node init`).
    var nodeFiles: [String]
    var trigger: String
    var lift: String
    var amend: String
    var motionLifetime: String
    var attestationInterval: String
    var sunset: String?
    /// Always written, so the charter says which skew it allows (`Specs/time.md`).
    var maxClockSkew: String
    /// Written only when given: a charter without it means the default bound (`Specs/gossip.md`).
    var maxPending: String? = nil

    /// The charter payload JSON; `Charter.parse` validates it.
    func payload() throws(CLIError) -> [UInt8] {
        var partyObjects: [[String: Any]] = []
        for text in parties {
            let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else { throw CLIError(.usage, "--party \(text): expected ID:NAME:CLASS:PUBLIC-KEY-FILE") }
            var keys: [String] = []
            for file in parts[3].split(separator: ",") {
                do throws(FileError) { keys.append(try KeyFiles.read(String(file)).publicKey.base64) } catch {
                    throw CLIError(.file, error.message, code: error.code)
                }
            }
            partyObjects.append(["id": parts[0], "name": parts[1], "class": parts[2], "keys": keys])
        }
        var nodeObjects: [[String: Any]] = []
        for path in nodeFiles {
            let node: NodeInfo
            do throws(FileError) { node = try NodeIdentity.readEntry(at: path) } catch {
                throw CLIError(error.code == "file_unreadable" ? .file : .refused, error.message, code: error.code)
            }
            nodeObjects.append([
                "id": node.id, "party": node.party, "address": node.address,
                "tlsPin": node.tlsPin, "checkpointKey": node.checkpointKey.base64,
            ])
        }
        var object: [String: Any] = [
            "federation": federation,
            "parties": partyObjects,
            "nodes": nodeObjects,
            "policies": ["trigger": try rule(trigger), "lift": try rule(lift), "amend": try rule(amend)],
            "motionLifetimeSeconds": try seconds(motionLifetime),
            "attestationIntervalSeconds": try seconds(attestationInterval),
            "pauseSunsetSeconds": try sunset.map(seconds) ?? NSNull(),
            "maxClockSkewSeconds": try seconds(maxClockSkew),
        ]
        if let maxPending { object["maxPendingSeconds"] = try seconds(maxPending) }
        do {
            return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        } catch {
            throw CLIError(.internalError, "cannot encode the charter: \(error)")
        }
    }

    func rule(_ text: String) throws(CLIError) -> [String: Any] {
        var clauses: [[String: Any]] = []
        for clause in text.split(separator: ",") {
            let parts = clause.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[0]) else {
                throw CLIError(.usage, "policy \(text): expected K:CLASS clauses joined by commas, e.g. 2:any,1:government")
            }
            clauses.append(["atLeast": count, "class": String(parts[1])])
        }
        return ["clauses": clauses]
    }

    func seconds(_ text: String) throws(CLIError) -> Int {
        guard let millis = DurationText.millis(text), millis >= 1000 else { throw CLIError(.usage, "\(text) is not a duration like 90s, 12h or 7d") }
        return millis / 1000
    }
}
