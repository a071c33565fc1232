import BrakeCore
import BrakeFiles
import BrakeHarness
import Foundation
import Testing

/// Whether the built `braked` can run a multi-node federation: `brakectl node init` exists (its help
/// names `--address`; an unknown subcommand's `--help` prints the root help and also exits 0). Until
/// the multi-node work lands on main, the scenario tests are skipped rather than failed.
enum MultiNode {
    static let isAvailable: Bool = {
        let path = (ToolRunner.binDirectory as NSString).appendingPathComponent("brakectl")
        guard FileManager.default.isExecutableFile(atPath: path) else { return false }
        let output = NSTemporaryDirectory() + "brake-harness-gate-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["node", "init", "--help"]
        process.standardOutput = file
        process.standardError = file
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        try? file.close()
        let help = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return process.terminationStatus == 0 && help.contains("--address")
    }()
}

/// A running federation for one test, with the party keys and helpers to sign and submit.
struct Scenario {
    let federation: Federation
    let layout: FederationLayout
    let charter: Charter
    let keys: [String: SigningKey]

    /// A motion of `kind` on `scope`, signed by each of `parties` in one envelope, open for
    /// `lifetimeMillis` from now (an hour unless said otherwise).
    func motion(
        _ kind: MotionKind, scope: String, pause: String? = nil, signedBy parties: [String], lifetimeMillis: Int64 = 3_600_000
    ) throws -> Envelope {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let motion = Motion(
            federation: charter.federation, kind: kind, scope: try Scope(scope), reason: "harness scenario",
            pause: pause, proposer: parties[0], created: now, expires: now + lifetimeMillis,
            nonce: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        )
        var envelope = motion.unsignedEnvelope()
        for party in parties { envelope = envelope.signed(with: keys[party]!) }
        return envelope
    }

    /// Submits to the given nodes in turn until one acknowledges (200); returns that reply's state
    /// and index. Throws with every answer seen if none does before `timeout`.
    @discardableResult
    func submitUntilAcknowledged(_ envelope: Envelope, to nodes: [Int], timeout: Duration = .seconds(15)) async throws -> (node: Int, state: String, index: UInt64) {
        var seen: [String] = []
        var result: (Int, String, UInt64)?
        var turn = 0
        do {
            try await Deadline.waitUntil("an acknowledgement of \(motionID(payload: envelope.payload).prefix(12)) from nodes \(nodes)", timeout: timeout, poll: .milliseconds(100)) {
                let node = nodes[turn % nodes.count]
                turn += 1
                switch await Workload.outcome(of: envelope, on: federation, node: node) {
                case .acknowledged(let index, let state):
                    result = (node, state, index)
                    return true
                case let other:
                    seen.append("node \(node): \(other)")
                    return false
                }
            }
        } catch {
            throw HarnessError(.timeout, "\(error); last answers: \(seen.suffix(6))")
        }
        return result!
    }

    /// Waits until every node in `nodes` answers `verdict` for `scope`.
    func waitVerdict(_ verdict: String, scope: String, on nodes: [Int], staleness: Int = 2_000, timeout: Duration = .seconds(10)) async throws {
        var last: [Int: String] = [:]
        do {
            try await Deadline.waitUntil("verdict \(verdict) for \(scope) on nodes \(nodes)", timeout: timeout, poll: .milliseconds(100)) {
                for n in nodes {
                    last[n] = (try? await federation.api(n).check(scope, maxStalenessMillis: staleness, timeout: .seconds(1)).verdict) ?? "no answer"
                }
                return nodes.allSatisfy { last[$0] == verdict }
            }
        } catch {
            throw HarnessError(.timeout, "\(error); last verdicts: \(last.sorted { $0.key < $1.key })")
        }
    }
}

/// Makes a federation of `nodes` in a short temporary directory, starts it, waits for a leader,
/// runs `body`, and stops every process on every path. On failure it prints the federation's state
/// and keeps the directory (its path is printed) for the node logs. `joining` more nodes and
/// parties get their files but stay outside the charter, and unstarted (`Federation.start(_:)`).
func withScenario(nodes: Int, joining: Int = 0, timing: NodeTiming = NodeTiming(), _ body: (Scenario) async throws -> Void) async throws {
    let directory = "/tmp/bh-" + UUID().uuidString.prefix(8).lowercased()
    let layout = try await FederationMaker(plan: FederationPlan(nodeCount: nodes, joining: joining), directory: directory, timing: timing).make()
    let federation = try await Federation.start(layout)
    do {
        _ = try await federation.waitForLeader()
        let charter = try Charter.verify(Envelope(json: FileBytes.read(layout.charter)))
        var keys: [String: SigningKey] = [:]
        for party in layout.parties { keys[party.id] = try KeyFiles.signingKey(at: party.key).key }
        try await body(Scenario(federation: federation, layout: layout, charter: charter, keys: keys))
    } catch {
        print("scenario failed: \(error)")
        print(ReportTable.render(await federation.report()))
        print("files kept in \(directory)")
        await federation.shutdown()
        throw error
    }
    await federation.shutdown()
    try? FileManager.default.removeItem(atPath: directory)
}
