import BrakeCore
import BrakeFiles
import BrakeHarness
import Foundation
import Testing

/// Charter amendments with real processes (Specs/consensus.md): a party and its node join while
/// declarations flow, a removed node is refused, and a revoked key signs nothing more.
@Suite("Membership follows the charter (real processes)", .serialized, .enabled(if: MultiNode.isAvailable))
struct MembershipScenarioTests {
    @Test("a 4th party and its node join a 3-node federation while declarations flow", .timeLimit(.minutes(3)))
    func join() async throws {
        try await withScenario(nodes: 3, joining: 1) { s in
            let flow = DeclarationFlow(scenario: s, nodes: [1, 2, 3])
            let stream = Task { await flow.run() }
            try await s.federation.start(4)
            var next = s.charter
            next.parties.append(try s.party(4))
            next.nodes.append(try s.nodeEntry(4))
            // The amend policy is a majority of the three parties; p4 proves its new key by signing.
            let amendment = try s.amendment(from: s.charter, to: next, signedBy: ["p1", "p2", "p4"])
            try await s.submitUntilAcknowledged(amendment, to: [1, 2, 3])
            try await s.waitMembership(voters: ["node-1", "node-2", "node-3", "node-4"], on: [1, 2, 3, 4])
            stream.cancel()
            let flowed = await stream.value
            #expect(flowed > 0, "declarations acknowledged while the node joined: \(flowed)")
            // The new party's signature now counts: p4 and p1 pass a trigger on their own.
            let motion = try s.motion(.trigger, scope: "membership/joined", signedBy: ["p4", "p1"])
            let answer = try await s.submitUntilAcknowledged(motion, to: [4, 1])
            #expect(answer.state == "passed")
            try await s.waitVerdict("paused", scope: "membership/joined", on: [1, 2, 3, 4])
            try await s.waitSameRegistry(on: [1, 2, 3, 4])
        }
    }

    @Test("a removed node's connections are refused and it falls behind", .timeLimit(.minutes(3)))
    func removal() async throws {
        try await withScenario(nodes: 4) { s in
            var next = s.charter
            next.nodes.removeAll { $0.id == "node-4" }
            let amendment = try s.amendment(from: s.charter, to: next, signedBy: ["p1", "p2", "p3"])
            try await s.submitUntilAcknowledged(amendment, to: [1, 2, 3])
            try await s.waitMembership(voters: ["node-1", "node-2", "node-3"], on: [1, 2, 3])
            // node-4 still runs and keeps dialing the others: they refuse its key from now on.
            let refused = try await s.refusedHandshakes(on: [1, 2, 3])
            try await Deadline.waitUntil("nodes 1-3 refusing node-4's connections", timeout: .seconds(20), poll: .milliseconds(200)) {
                let now = (try? await s.refusedHandshakes(on: [1, 2, 3])) ?? refused
                return now > refused
            }
            let motion = try s.motion(.trigger, scope: "membership/after-removal", signedBy: ["p1", "p2"])
            let answer = try await s.submitUntilAcknowledged(motion, to: [1, 2, 3])
            try await s.waitVerdict("paused", scope: "membership/after-removal", on: [1, 2, 3])
            let status = try await s.federation.api(4).status()
            #expect((status.appliedIndex ?? 0) < answer.index, "node-4 applied \(status.appliedIndex ?? 0), the motion is at \(answer.index)")
            #expect(status.role != "leader")
        }
    }

    @Test("a revoked key's new signature is refused on every node; its earlier signature still counts", .timeLimit(.minutes(3)))
    func revocation() async throws {
        try await withScenario(nodes: 3) { s in
            let oldKey = s.keys["p1"]!
            let newKey = try SigningKey(seed: (0..<32).map { UInt8($0 &* 7 &+ 3) })
            // p1 adds a second key (signed by p1 itself, p2 for the policy, and the new key).
            var next = s.charter
            let p1 = try #require(next.parties.firstIndex { $0.id == "p1" })
            next.parties[p1].keys.append(newKey.publicKey)
            var amendment = try s.amendment(from: s.charter, to: next, signedBy: ["p1", "p2"])
            amendment = amendment.signed(with: newKey)
            let added = try await s.submitUntilAcknowledged(amendment, to: [1, 2, 3])
            #expect(added.state == "passed", "the amendment adding p1's second key is \(added.state)")
            // A trigger signed with the old key before the revocation: passed, and stays so.
            let before = try s.motion(.trigger, scope: "membership/before-revocation", signedBy: ["p1", "p2"])
            let passed = try await s.submitUntilAcknowledged(before, to: [1, 2, 3])
            #expect(passed.state == "passed")
            let now = Int64(Date().timeIntervalSince1970) * 1000
            let revocation = Revocation(
                federation: s.charter.federation, party: "p1", keys: [oldKey.publicKey], reason: "harness: key leaked",
                created: now, nonce: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
            try await s.submitUntilAcknowledged(revocation.unsignedEnvelope().signed(with: newKey), to: [1, 2, 3])
            try await s.waitSameRegistry(on: [1, 2, 3])
            let after = try s.motion(.trigger, scope: "membership/after-revocation", signedBy: ["p1"])
            for n in [1, 2, 3] {
                let reply = try await s.federation.api(n).submit(after)
                #expect(reply.errorCode == "revoked_key", "node \(n) answered \(reply.status) \(reply.errorCode ?? String(decoding: reply.body.prefix(200), as: UTF8.self))")
            }
            // The new key signs for p1.
            var fresh = try s.motion(.trigger, scope: "membership/new-key", signedBy: ["p2"])
            fresh = fresh.signed(with: newKey)
            #expect(try await s.submitUntilAcknowledged(fresh, to: [1, 2, 3]).state == "passed")
            // History: the earlier motion keeps p1's old-key signature and its pause.
            let motionID = motionID(payload: before.payload)
            for n in [1, 2, 3] {
                let view = try await s.federation.api(n).send(.GET, "/v1/motions/\(motionID)").decode(MotionSigners.self)
                #expect(view.state == "passed")
                #expect(view.signers.contains { $0.party == "p1" && $0.keyID == oldKey.publicKey.keyID }, "node \(n): \(view.signers)")
            }
            try await s.waitVerdict("paused", scope: "membership/before-revocation", on: [1, 2, 3])
        }
    }
}

/// The fields of `GET /v1/motions/{id}` these tests read.
struct MotionSigners: Decodable {
    struct Signer: Decodable, CustomStringConvertible {
        var party: String
        var keyID: String
        var description: String { "\(party):\(keyID.prefix(8))" }
    }
    var state: String
    var signers: [Signer]
}

/// Trigger motions submitted one after another, round robin over `nodes`, until cancelled;
/// `run()` returns how many were acknowledged.
struct DeclarationFlow {
    let scenario: Scenario
    let nodes: [Int]

    func run() async -> Int {
        var acknowledged = 0
        var n = 0
        while !Task.isCancelled {
            n += 1
            guard let motion = try? scenario.motion(.trigger, scope: "flow/m\(n)", signedBy: ["p1"]) else { break }
            let reply = try? await scenario.federation.api(nodes[n % nodes.count]).submit(motion, timeout: .seconds(3))
            if reply?.status == 200 { acknowledged += 1 }
        }
        return acknowledged
    }
}

extension Scenario {
    /// Party `pn` as a charter party, from its public key file.
    func party(_ n: Int) throws -> Party {
        let files = try #require(layout.parties.first { $0.id == FederationPlan.partyID(n) })
        let key = try #require(keys[files.id])
        return Party(id: files.id, name: "Party \(n)", partyClass: PartyClass(rawValue: files.partyClass) ?? .lab, keys: [key.publicKey])
    }

    /// Node `n`'s charter entry, from its `node.pub.json`.
    func nodeEntry(_ n: Int) throws -> NodeInfo {
        let node = try layout.node(n)
        return try NodeInfo(jsonBytes: FileBytes.read(node.identity + "/node.pub.json"))
    }

    /// An amendment from `current` to `next`, proposed by the first of `parties`, signed by each.
    func amendment(from current: Charter, to next: Charter, signedBy parties: [String]) throws -> Envelope {
        let now = Int64(Date().timeIntervalSince1970) * 1000
        let amendment = Amendment(
            federation: current.federation, amends: current.id, charter: next, proposer: parties[0],
            reason: "harness membership scenario", created: now, expires: now + 3_600_000,
            nonce: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
        var envelope = amendment.unsignedEnvelope()
        for party in parties { envelope = envelope.signed(with: try #require(keys[party])) }
        return envelope
    }

    /// Waits until every node in `nodes` reports exactly `voters` as Raft's voters and no learner.
    func waitMembership(voters: [String], on nodes: [Int], timeout: Duration = .seconds(40)) async throws {
        var seen: [Int: NodeStatusView] = [:]
        do {
            try await Deadline.waitUntil("voters \(voters) on nodes \(nodes)", timeout: timeout, poll: .milliseconds(200)) {
                for n in nodes { seen[n] = try? await federation.api(n).status() }
                return nodes.allSatisfy { seen[$0]?.voters == voters && seen[$0]?.learners == [] }
            }
        } catch {
            let text = nodes.map { n in
                "node \(n): " + (seen[n].map { "voters \($0.voters ?? []) learners \($0.learners ?? []) applied \($0.appliedIndex ?? 0)" } ?? "no answer")
            }
            throw HarnessError(.timeout, "\(error); last seen: \(text.joined(separator: "; "))")
        }
    }

    /// Waits until every node in `nodes` has applied the same index with the same registry digest.
    func waitSameRegistry(on nodes: [Int], timeout: Duration = .seconds(20)) async throws {
        var seen: [Int: String] = [:]
        do {
            try await Deadline.waitUntil("one registry on nodes \(nodes)", timeout: timeout, poll: .milliseconds(200)) {
                for n in nodes {
                    let status = try? await federation.api(n).status()
                    seen[n] = status.map { "\($0.appliedIndex ?? 0) \($0.registryDigest ?? "")" } ?? "no answer"
                }
                return Set(nodes.map { seen[$0] ?? "" }).count == 1 && seen[nodes[0]] != "no answer"
            }
        } catch {
            throw HarnessError(.timeout, "\(error); last seen: \(seen.sorted { $0.key < $1.key })")
        }
    }

    /// The sum of `brake_peer_refused_handshakes_total` over `nodes`.
    func refusedHandshakes(on nodes: [Int]) async throws -> Double {
        var total = 0.0
        for n in nodes {
            let text = String(decoding: try await federation.api(n).send(.GET, "/metrics").body, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("brake_peer_refused_handshakes_total") {
                total += Double(line.split(separator: " ").last ?? "0") ?? 0
            }
        }
        return total
    }
}
