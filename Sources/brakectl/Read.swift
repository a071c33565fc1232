import ArgumentParser
import BrakeFiles
import Foundation
import NIOCore

/// `brakectl status`: the node's consensus and apply state.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the node's status.")
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let reply = try await node.client().get("/v1/status")
            if json { printJSON(reply.body); return }
            let s = reply.object ?? [:]
            print("node \(s["node"] ?? "?") of \(s["party"] ?? "?") in federation \(s["federation"] ?? "?")")
            print("role \(s["role"] ?? "?"), term \(s["term"] ?? "?"), leader \(s["leader"] ?? "none")")
            let fresh = (s["fresh"] as? Bool).map { $0 ? "yes" : "no (no quorum contact within an election timeout)" } ?? "?"
            print("commit \(s["commitIndex"] ?? "?"), applied \(s["appliedIndex"] ?? "?"), fresh: \(fresh)")
            print("pauses in force \(s["pausesInForce"] ?? "?"), open motions \(s["openMotions"] ?? "?")")
            if let halted = s["halted"] as? String { print("HALTED: \(halted)") }
        }
    }
}

/// `brakectl check SCOPE`: exit 0 clear, 1 paused, 2 unknown, 64 and up for errors (69 when the
/// node cannot be reached or does not answer within `--timeout`).
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Is SCOPE paused? Exit 0 clear, 1 paused, 2 unknown.",
        discussion: "Use it in front of the work it guards: brakectl check training/frontier && ./train.sh"
    )
    @Argument(help: "The scope, e.g. training/frontier.") var scope: String
    @Option(name: .customLong("max-staleness"), help: "Answer unknown unless the node heard from a quorum this recently.") var maxStaleness = "5s"
    @Flag(name: .long, help: "Confirm with a quorum first (Raft ReadIndex).") var linearizable = false
    @Option(name: .long, help: "Refuse (exit 2) an answer from a node of another federation: a misdirected socket cannot say clear.") var federation: String?
    @Option(name: .long, help: "Give up (exit 69, code timeout) when the node has not answered within this long.") var timeout = "5s"
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        var verdict = "unknown"
        try await runReporting {
            let path = "/v1/check?scope=\(queryValue(scope))&max-staleness=\(queryValue(maxStaleness))"
                + "&consistency=\(linearizable ? "linearizable" : "local")"
            guard let limit = DurationText.millis(timeout), limit > 0 else {
                throw CLIError(.usage, "--timeout \(timeout) is not a duration like 500ms, 5s or 1m")
            }
            let reply = try await node.client().get(path, timeout: .milliseconds(Int64(limit)))
            let answer = reply.object ?? [:]
            if let federation, answer["federation"] as? String != federation {
                verdict = "unknown"
                throw CLIError(.unavailable, "the node answered for federation \(answer["federation"] as? String ?? "(none)"), not \(federation); treating the answer as unknown", code: "wrong_federation")
            }
            verdict = answer["verdict"] as? String ?? "unknown"
            if json { printJSON(reply.body); return }
            switch verdict {
            case "paused":
                let pauses = answer["pauses"] as? [[String: Any]] ?? []
                let pending = answer["pendingPauses"] as? [[String: Any]] ?? []
                let covering = pauses.map { "\($0["scope"] ?? "?") (pause \($0["id"] ?? "?"))" }
                    + pending.map { trigger in
                        let signers = (trigger["signers"] as? [String] ?? []).joined(separator: ", ")
                        return "\(trigger["scope"] ?? "?") (trigger \(trigger["id"] ?? "?") signed by \(signers), pending commit)"
                    }
                let label = answer["pending"] as? Bool == true ? "paused (pending commit)" : "paused"
                print("\(label): \(scope) is covered by " + covering.joined(separator: ", "))
            case "clear":
                print("clear: no pause covers \(scope)")
            default:
                print("unknown: \(answer["reason"] as? String ?? "the node cannot tell")")
            }
        }
        switch verdict {
        case "clear": return
        case "paused": throw ExitCode(1)
        default: throw ExitCode(2)
        }
    }
}

/// `brakectl motions`: motions and their states.
struct Motions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List motions.")
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let reply = try await node.client().get("/v1/motions")
            if json { printJSON(reply.body); return }
            let motions = reply.object?["motions"] as? [[String: Any]] ?? []
            if motions.isEmpty { print("no motions") }
            for m in motions {
                let signers = (m["signers"] as? [[String: Any]] ?? []).compactMap { $0["party"] as? String }
                print("\(m["id"] ?? "?")  \(m["state"] ?? "?")  \(m["kind"] ?? "?") \(m["scope"] ?? "?")  signed by \(signers.joined(separator: ", "))  expires \(m["expires"] ?? "?")")
            }
        }
    }
}

/// `brakectl pauses`: pauses, in force and lifted.
struct Pauses: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List pauses.")
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let reply = try await node.client().get("/v1/pauses")
            if json { printJSON(reply.body); return }
            let pauses = reply.object?["pauses"] as? [[String: Any]] ?? []
            if pauses.isEmpty { print("no pauses") }
            for p in pauses {
                let state = (p["inForce"] as? Bool ?? false) ? "IN FORCE" : "ended"
                print("\(p["id"] ?? "?")  \(state)  \(p["scope"] ?? "?")  signed by \((p["signers"] as? [String] ?? []).joined(separator: ", "))")
            }
        }
    }
}

/// `brakectl watch`: follow registry events as they are applied.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow registry events (Server-Sent Events), optionally resuming after an event id.",
        discussion: "Each event's id is INDEX.POSITION (its entry and its place among the entry's events). --from takes an id printed before, to resume right after it, or a bare INDEX, to resume after that entry."
    )
    @Option(name: .long, help: "Resume after this event id (INDEX.POSITION) or after this entry (INDEX).") var from: String?
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print each event as a JSON line: {\"id\":\"INDEX.POSITION\",\"event\":{...}}.") var json = false

    func run() async throws {
        try await runReporting {
            var headers: [(String, String)] = []
            if let from {
                guard !from.isEmpty, from.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else {
                    throw CLIError(.usage, "--from \(from) is neither INDEX nor INDEX.POSITION")
                }
                headers.append(("Last-Event-ID", from))
            }
            var id = "", type = ""
            try await node.client().streamLines("/v1/events", headers: headers) { line in
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                else if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                else if line.hasPrefix("data: ") {
                    let data = String(line.dropFirst(6))
                    // Written straight to the file descriptor: a watcher piped into another program
                    // must see each event as it happens, not when a buffer fills.
                    let text = json ? #"{"id":"\#(id)","event":\#(data)}"# : "[\(id)] \(type) \(data)"
                    FileHandle.standardOutput.write(Data((text + "\n").utf8))
                }
            }
        }
    }
}

/// `brakectl log`: committed entries, one a line: index, term, the leader's stamp and the declaration
/// envelope as compact JSON.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show committed log entries.")
    @Option(name: .long, help: "First index.") var from: UInt64 = 1
    @Option(name: .long, help: "At most this many entries.") var limit: Int = 100
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await runReporting {
            let reply = try await node.client().get("/v1/log?from=\(from)&limit=\(limit)")
            if json { printJSON(reply.body); return }
            for e in reply.object?["entries"] as? [[String: Any]] ?? [] {
                if e["noop"] as? Bool == true {
                    print("\(e["index"] ?? "?") term \(e["term"] ?? "?") no-op")
                } else {
                    let declaration = (e["declaration"] as? [String: Any]).flatMap {
                        try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .withoutEscapingSlashes])
                    }
                    print("\(e["index"] ?? "?") term \(e["term"] ?? "?") \(e["time"] ?? "?") \(declaration.map { String(decoding: $0, as: UTF8.self) } ?? "")")
                }
            }
        }
    }
}
