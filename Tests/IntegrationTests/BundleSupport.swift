import BrakeCore
import Foundation

/// What the export and interoperability tests share: a history made on a real `braked --dev`, its
/// export, and edits of the bundle's text as a tamperer would make them.
enum BundleSupport {
    /// Submits a small history: a trigger that passes (lab-a and lab-b), its lift (gov-a and lab-a),
    /// and a second trigger co-signed in a later entry (lab-b, then gov-a). Returns the entry indexes.
    static func submitHistory(_ node: BrakedProcess) async throws -> [Int] {
        let charter = try node.charter()
        let labA = try node.key("lab-a"), labB = try node.key("lab-b"), govA = try node.key("gov-a")
        var indexes: [Int] = []
        func submit(_ envelope: Envelope) async throws -> [String: Any] {
            let reply = try await node.post("/v1/declarations", body: envelope.jsonBytes())
            guard reply.status == 200, let index = reply.json["index"] as? Int else {
                throw TestFailure("submission: status \(reply.status), \(String(decoding: reply.body, as: UTF8.self))")
            }
            indexes.append(index)
            return reply.json
        }
        let trigger = try motionEnvelope(charter: charter, kind: "trigger", scope: "training/frontier", proposer: "lab-a", signers: [labA, labB])
        let pause = try requireID(try await submit(trigger))
        _ = try await submit(try motionEnvelope(
            charter: charter, kind: "lift", scope: "training/frontier", pause: pause, proposer: "gov-a", signers: [govA, labA]))
        let second = try motionEnvelope(charter: charter, kind: "trigger", scope: "inference", proposer: "lab-b", signers: [labB])
        _ = try await submit(second)
        var cosigned = second
        cosigned.signatures = []
        _ = try await submit(cosigned.signed(with: govA))
        return indexes
    }

    /// Waits until the node serves a final checkpoint of `leaves` leaves (a lone dev node cosigns
    /// its own checkpoints, so its quorum is itself); returns it.
    @discardableResult
    static func finalCheckpoint(_ node: BrakedProcess, leaves: Int) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        do {
            try await waitFor("a final checkpoint of \(leaves) leaves", within: .seconds(30)) {
                let reply = try await node.get("/v1/checkpoint")
                last = reply.status == 200 ? reply.json : ["status": reply.status]
                return last["size"] as? Int == leaves && last["final"] as? Bool == true
            }
        } catch {
            throw TestFailure("\(error); the node's last checkpoint: \(last)")
        }
        return last
    }

    /// `brakectl export` from the node into `path`, as a user runs it (the charter and the cosigned
    /// checkpoint are the ones the node serves), once the node's final checkpoint holds `leaves`.
    static func export(_ node: BrakedProcess, to path: String, leaves: Int) async throws -> DeployKit.Run {
        try await finalCheckpoint(node, leaves: leaves)
        return try brakectlRun(["export", "--out", path, "--socket", node.socketPath])
    }

    /// Runs the built brakectl with no node socket in its environment: another machine's view.
    static func brakectlRun(_ arguments: [String]) throws -> DeployKit.Run {
        try DeployKit.run(BrakedProcess.binDirectory + "/brakectl", arguments, environment: ["BRAKE_SOCKET": nil], limit: .seconds(300))
    }
}

/// A bundle's lines as text, edited the way a tamperer would: one character at a time.
struct BundleText {
    var lines: [String]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
    }

    func write(to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Header fields; `checkpoint.note` reads inside the checkpoint.
    var header: [String: Any] {
        let object = (try? JSONSerialization.jsonObject(with: Data(lines[0].utf8))) as? [String: Any] ?? [:]
        var out = object
        if let checkpoint = object["checkpoint"] as? [String: Any] { out["checkpoint.note"] = checkpoint["note"] ?? NSNull() }
        return out
    }

    mutating func setHeader(_ key: String, _ value: Any) {
        var object = (try? JSONSerialization.jsonObject(with: Data(lines[0].utf8))) as? [String: Any] ?? [:]
        object[key] = value
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        lines[0] = String(decoding: data, as: UTF8.self)
    }

    /// The entry index of line `n` (1 = the first entry).
    func index(ofEntry n: Int) -> Int {
        ((try? JSONSerialization.jsonObject(with: Data(lines[n].utf8))) as? [String: Any])?["index"] as? Int ?? -1
    }

    /// Replaces one character of line `line`, `offset` characters after the first occurrence of
    /// `marker`, by another character of the same kind (a base64 letter or a digit), so the line still
    /// decodes and only its meaning changes.
    mutating func flip(line: Int, after marker: String, offset: Int) throws {
        guard let range = lines[line].range(of: marker) else { throw TestFailure("no \(marker) in line \(line)") }
        var characters = Array(lines[line])
        let position = lines[line].distance(from: lines[line].startIndex, to: range.upperBound) + offset
        let old = characters[position]
        characters[position] = old.isNumber ? Character(String((Int(String(old))! + 1) % 10)) : (old == "A" ? "B" : "A")
        lines[line] = String(characters)
    }
}

/// The `id` of a submission's answer.
func requireID(_ answer: [String: Any]) throws -> String {
    guard let id = answer["id"] as? String else { throw TestFailure("the answer has no id: \(answer)") }
    return id
}
