import BrakeCore
import BrakeLog
import BrakeRaft
import BrakeReplica
import BrakeSim
import Foundation
import Testing

/// Checkpoint decisions of the core (`Specs/log.md` 7.5): the leader proposes, each node cosigns its
/// own root, a majority makes a checkpoint final, and conflicting cosigned checkpoints are kept as
/// evidence once.
@Suite("Checkpoints")
struct CheckpointTests {
    /// A cluster whose nodes hold their checkpoint keys (none with `keys` false: then no node proposes
    /// or cosigns, and a test hands them the notes it means); the nodes in `forked` present a forked history.
    static func cluster(
        nodes: Int, forked: Set<NodeID> = [], keys: Bool = true, configure: (inout ReplicaConfig) -> Void = { _ in }
    ) throws -> ReplicaCluster {
        var cluster = try ReplicaCluster(nodes: nodes, configure: configure)
        for (i, id) in cluster.ids.enumerated() {
            var config = ReplicaConfig()
            configure(&config)
            config.checkpointTesting.forkAtNextLeaf = forked.contains(id)
            cluster.replicas[id] = try BrakeReplica(
                charter: cluster.federation.charter, nodeID: id, config: config,
                stored: .init(hardState: HardState(), snapshot: nil, entries: [], registry: Registry(charter: cluster.federation.charter)),
                now: cluster.time, random: SplitMix64(seed: UInt64(i + 1)), checkpointKey: keys ? cluster.federation.checkpointKey(of: id) : nil)
        }
        return cluster
    }

    /// A keyless cluster whose nodes all applied `count` declarations (leaves); the root every node
    /// has at that size.
    static func applied(_ count: Int, nodes: Int) throws -> (ReplicaCluster, MerkleHash) {
        var cluster = try Self.cluster(nodes: nodes, keys: false)
        _ = try Self.commit(count, in: &cluster)
        let applied = cluster.run(upTo: 200) { c in c.ids.allSatisfy { c.replicas[$0]?.checkpointState.treeSize == UInt64(count) } }
        #expect(applied, "tree sizes: \(cluster.ids.map { cluster.replicas[$0]?.checkpointState.treeSize ?? 0 })")
        let root = try #require(cluster.replicas[cluster.ids[0]]?.checkpointState.ownRoot(atSize: UInt64(count)))
        return (cluster, root)
    }

    /// Elects a leader and commits `count` trigger motions; returns the leader.
    static func commit(_ count: Int, in cluster: inout ReplicaCluster) throws -> NodeID {
        let elected = cluster.run(upTo: 100) { $0.leader != nil }
        #expect(elected, "no leader elected")
        let leader = try #require(cluster.leader)
        for n in 0..<count {
            let envelope = try cluster.trigger("training/run-\(n)", signers: ["lab-a", "lab-b"], nonce: nonce(n + 1))
            _ = cluster.submit(envelope, on: leader)
            cluster.run(steps: 2)
        }
        return leader
    }

    /// A note of `size` and `root` cosigned by `signers` with their charter keys.
    static func note(_ federation: SimFederation, size: UInt64, root: MerkleHash, signers: [NodeID], time: UInt64 = 1_795_910_400) throws -> SignedCheckpoint {
        let checkpoint = try Checkpoint(origin: federation.charter.federation, size: size, root: root)
        var note = SignedCheckpoint(checkpoint: checkpoint)
        for signer in signers {
            let key = try #require(federation.checkpointKey(of: signer))
            note = note.adding(Cosignature.sign(
                checkpoint, keyName: Cosignature.keyName(origin: federation.charter.federation, node: signer), key: key, timestamp: time))
        }
        return note
    }

    /// Delivers one message to `to` and drains what it answers.
    static func send(_ body: PeerMessage.Body, from: NodeID, to: NodeID, in cluster: inout ReplicaCluster) {
        let now = cluster.time(of: to)
        cluster.replicas[to]?.receive(PeerMessage(from: from, to: to, body: body), from: from, at: now)
        cluster.drain(to)
    }

    static let otherRoot = MerkleHash(bytes: Array(repeating: 0xAB, count: 32))!

    @Test("the leader proposes, every node cosigns its own root, and the checkpoint is final on every node")
    func finalOnEveryNode() throws {
        var cluster = try Self.cluster(nodes: 5)
        _ = try Self.commit(3, in: &cluster)
        let finalEverywhere = cluster.run(upTo: 200) { c in
            c.ids.allSatisfy { c.replicas[$0]?.checkpointState.final?.checkpoint.size == 3 }
        }
        let finals = cluster.ids.map { cluster.replicas[$0]?.checkpointState.final }
        #expect(finalEverywhere, "final checkpoints: \(finals.map { $0.map { "\($0.checkpoint)" } ?? "none" })")
        let charter = cluster.federation.charter
        let roots = Set(finals.compactMap { $0?.checkpoint.root })
        #expect(roots.count == 1, "every node finds one root final: \(roots)")
        for final in finals.compactMap({ $0 }) {
            let verified = try final.verifiedCosigners(SignedCheckpoint.cosigners(of: charter))
            #expect(verified.count >= SignedCheckpoint.quorum(of: charter), "final with \(verified.sorted())")
            // The note is what the API serves: it parses back to itself.
            #expect(try SignedCheckpoint(text: final.text) == final)
        }
        // Every node cosigned that checkpoint, persisted it (a write) and kept no evidence.
        for id in cluster.ids {
            #expect(cluster.replicas[id]?.checkpointState.cosigned?.checkpoint == finals[0]?.checkpoint, "\(id) cosigned")
            #expect(cluster.checkpointWrites[id]?.contains { $0.cosigned != nil } == true, "\(id) persisted its cosignature")
            #expect(cluster.replicas[id]?.checkpointState.evidenceIDs.isEmpty == true, "\(id) kept evidence among honest nodes")
        }
        // A cosignature leaves a node only in a batch that also persists it.
        for id in cluster.ids {
            #expect(cluster.checkpointWrites[id]?.allSatisfy { $0.evidence.isEmpty } == true)
        }
    }

    @Test("a checkpoint is final at a majority of the charter's nodes and not before", arguments: [
        (nodes: 3, signers: 1, final: false), (nodes: 3, signers: 2, final: true),
        (nodes: 5, signers: 2, final: false), (nodes: 5, signers: 3, final: true), (nodes: 5, signers: 5, final: true),
    ])
    func finalityAtMajority(nodes: Int, signers: Int, final: Bool) throws {
        // No node holds a key, so only the notes the test sends are cosigned; every node applied 7
        // leaves, so the receiver can judge size 7 (by the genesis charter: no amendment).
        var (cluster, root) = try Self.applied(7, nodes: nodes)
        let receiver = cluster.ids[0]
        let others = Array(cluster.ids.dropFirst())
        // Cosignatures arrive one note at a time, from nodes other than the receiver.
        for signer in others.prefix(signers) {
            let note = try Self.note(cluster.federation, size: 7, root: root, signers: [signer])
            Self.send(.checkpointCosignatures(note: note.text), from: signer, to: receiver, in: &cluster)
        }
        let found = cluster.replicas[receiver]?.checkpointState.final
        #expect((found?.checkpoint.size == 7) == final, "\(signers) of \(nodes) cosigners: final \(found.map { "\($0.checkpoint)" } ?? "none")")
        #expect((cluster.checkpointWrites[receiver] ?? []).contains { $0.final != nil } == final, "the final checkpoint is persisted")
    }

    @Test("a cosignature that does not verify, of another log, or of a stranger is not counted")
    func badCosignaturesRefused() throws {
        var (cluster, root) = try Self.applied(4, nodes: 3)
        let receiver = cluster.ids[0]
        let good = try Self.note(cluster.federation, size: 4, root: root, signers: [cluster.ids[1]])
        // One flipped byte in the signature.
        var broken = good.text
        let line = try #require(good.cosignatures.first?.line)
        var signature = try #require(good.cosignatures.first)
        var bytes = signature.signature
        bytes[0] ^= 1
        signature = Cosignature(keyName: signature.keyName, keyID: signature.keyID, timestamp: signature.timestamp, signature: bytes)
        broken = broken.replacingOccurrences(of: line, with: signature.line)
        // Another origin, signed with the right key.
        let foreign = SignedCheckpoint(checkpoint: try Checkpoint(origin: "other-log", size: 4, root: root))
            .adding(Cosignature.sign(
                try Checkpoint(origin: "other-log", size: 4, root: root), keyName: "other-log/\(cluster.ids[2])",
                key: try #require(cluster.federation.checkpointKey(of: cluster.ids[2])), timestamp: 1))
        for (sender, text) in [(cluster.ids[1], broken), (cluster.ids[2], foreign.text), (cluster.ids[2], "not a note\n")] {
            Self.send(.checkpointCosignatures(note: text), from: sender, to: receiver, in: &cluster)
        }
        #expect(cluster.replicas[receiver]?.checkpointState.final == nil)
        // The genuine one and one more make a majority of 3.
        let second = try Self.note(cluster.federation, size: 4, root: root, signers: [cluster.ids[2]])
        for (sender, note) in [(cluster.ids[1], good), (cluster.ids[2], second)] {
            Self.send(.checkpointCosignatures(note: note.text), from: sender, to: receiver, in: &cluster)
        }
        #expect(cluster.replicas[receiver]?.checkpointState.final?.cosignatures.count == 2)
        #expect(cluster.checkpointWrites[receiver]?.flatMap(\.evidence).isEmpty != false, "the receiver's own root is the notes' root")
    }

    @Test("a node behind keeps cosignatures of a size it has not applied, and finds them final once it applies that far")
    func behindWaitsThenFinal() throws {
        var cluster = try Self.cluster(nodes: 3, keys: false)
        let receiver = cluster.ids[0]
        cluster.isolated.insert(receiver)
        let elected = cluster.run(upTo: 100) { $0.leader != nil }
        #expect(elected, "the two others elect a leader")
        let leader = try #require(cluster.leader)
        for n in 0..<3 {
            _ = cluster.submit(try cluster.trigger("training/run-\(n)", signers: ["lab-a", "lab-b"], nonce: nonce(n + 1)), on: leader)
            cluster.run(steps: 2)
        }
        let ahead = cluster.run(upTo: 100) { $0.replicas[leader]?.checkpointState.treeSize == 3 }
        #expect(ahead, "the leader applied 3 leaves")
        let root = try #require(cluster.replicas[leader]?.checkpointState.ownRoot(atSize: 3))
        let others = cluster.ids.filter { $0 != receiver }
        for signer in others {
            Self.send(.checkpointCosignatures(note: try Self.note(cluster.federation, size: 3, root: root, signers: [signer]).text),
                      from: signer, to: receiver, in: &cluster)
        }
        // It cannot tell which charter judges size 3 (an amendment may come before leaf 3): not yet.
        #expect(cluster.replicas[receiver]?.checkpointState.treeSize == 0)
        #expect(cluster.replicas[receiver]?.checkpointState.final == nil)
        cluster.isolated.remove(receiver)
        let caughtUp = cluster.run(upTo: 200) { $0.replicas[receiver]?.checkpointState.treeSize == 3 }
        #expect(caughtUp, "the receiver applied the 3 leaves")
        let final = cluster.replicas[receiver]?.checkpointState.final
        #expect(final?.checkpoint.size == 3 && final?.checkpoint.root == root && final?.cosignatures.count == 2,
                "final after catching up: \(final.map { "\($0.checkpoint) with \($0.cosignatures.count)" } ?? "none")")
    }

    @Test("a node refuses to cosign a root its tree does not have: it signs its own, and keeps the split view")
    func wrongRootRefused() throws {
        var cluster = try Self.cluster(nodes: 3, configure: { $0.checkpointEveryMillis = 1_000_000 })
        let leader = try Self.commit(2, in: &cluster)
        cluster.run(steps: 5)
        let follower = try #require(cluster.ids.first { $0 != leader })
        let before = cluster.replicas[follower]?.checkpointState.cosigned
        // A proposal of size 2 with a root no honest tree has, signed by the leader.
        let forged = try Self.note(cluster.federation, size: 2, root: Self.otherRoot, signers: [leader])
        Self.send(.checkpointProposal(note: forged.text), from: leader, to: follower, in: &cluster)
        let state = try #require(cluster.replicas[follower]?.checkpointState)
        let own = try #require(state.cosigned, "cosigned before: \(before.map { "\($0.checkpoint)" } ?? "none")")
        #expect(own.checkpoint.size == 2 && own.checkpoint.root != Self.otherRoot, "the follower cosigned \(own.checkpoint.root.hex)")
        let evidence = cluster.checkpointWrites[follower]?.flatMap(\.evidence) ?? []
        #expect(evidence.count == 1, "evidence: \(evidence.map(\.kind))")
        #expect(evidence.first?.kind == .splitView && evidence.first?.size == 2)
        let named = Set(evidence.first?.nodes ?? [])
        #expect(named.isSuperset(of: [leader, follower]), "\(named.sorted())")
        #expect(evidence.first?.notes.map(\.checkpoint.root).contains(Self.otherRoot) == true)
    }

    @Test("evidence is kept once: the same conflict seen again, from more cosigners, adds no record")
    func evidenceKeptOnce() throws {
        // Keyless nodes that applied 9 leaves: the receiver judges size 9, and has no cosignature of its own to add.
        var (cluster, _) = try Self.applied(9, nodes: 5)
        let receiver = cluster.ids[0]
        let a = try Self.note(cluster.federation, size: 9, root: Self.otherRoot, signers: [cluster.ids[1]])
        let other = MerkleHash(bytes: Array(repeating: 0xCD, count: 32))!
        let b = try Self.note(cluster.federation, size: 9, root: other, signers: [cluster.ids[2]])
        let c = try Self.note(cluster.federation, size: 9, root: other, signers: [cluster.ids[3]])
        for (sender, note) in [(cluster.ids[1], a), (cluster.ids[2], b), (cluster.ids[2], b), (cluster.ids[3], c), (cluster.ids[1], a)] {
            Self.send(.checkpointCosignatures(note: note.text), from: sender, to: receiver, in: &cluster)
        }
        let evidence = cluster.checkpointWrites[receiver]?.flatMap(\.evidence) ?? []
        #expect(evidence.count == 1, "records: \(evidence.map(\.id))")
        let first = try #require(evidence.first)
        #expect(first.id == ForkEvidence.id(a.checkpoint, b.checkpoint))
        #expect(first.kind == .splitView && first.size == 9)
        #expect(first.nodes == [cluster.ids[1], cluster.ids[2]].sorted())
        #expect(cluster.replicas[receiver]?.checkpointState.evidenceIDs == [first.id])
    }

    @Test("a node that cosigned two checkpoints no single log has is caught: inconsistent evidence")
    func inconsistentCaught() throws {
        var cluster = try Self.cluster(nodes: 5, configure: { $0.checkpointEveryMillis = 1_000_000 })
        _ = try Self.commit(2, in: &cluster)
        cluster.run(steps: 5)
        let receiver = cluster.ids[0]
        let liar = cluster.ids[4]
        // The liar's tree of size 2 is the honest one, but its size 1 root is not its prefix.
        let honestRoot = try #require(cluster.replicas[receiver]?.checkpointState.ownRoot(atSize: 2))
        let small = try Self.note(cluster.federation, size: 1, root: Self.otherRoot, signers: [liar])
        let large = try Self.note(cluster.federation, size: 2, root: honestRoot, signers: [liar])
        for note in [large, small] {
            Self.send(.checkpointCosignatures(note: note.text), from: liar, to: receiver, in: &cluster)
        }
        let evidence = cluster.checkpointWrites[receiver]?.flatMap(\.evidence) ?? []
        #expect(evidence.contains { $0.kind == .inconsistent && $0.size == 2 && $0.nodes.contains(liar) }, "evidence: \(evidence.map { ($0.kind, $0.size, $0.nodes) })")
        #expect(evidence.contains { $0.kind == .splitView && $0.size == 1 }, "the size 1 root is also a split view against the receiver's own tree")
    }

    @Test("a node made to present a forked history is caught by every honest node, and the honest root is final")
    func forkedNodeCaught() throws {
        let forked: NodeID = "node-5"
        var cluster = try Self.cluster(nodes: 5, forked: [forked])
        _ = try Self.commit(2, in: &cluster)
        let honest = cluster.ids.filter { $0 != forked }
        let caught = cluster.run(upTo: 300) { c in
            honest.allSatisfy { c.replicas[$0]?.checkpointState.evidenceIDs.isEmpty == false && c.replicas[$0]?.checkpointState.final != nil }
        }
        #expect(caught, "evidence on honest nodes: \(honest.map { cluster.replicas[$0]?.checkpointState.evidenceIDs.count ?? 0 })")
        for id in honest {
            let evidence = cluster.checkpointWrites[id]?.flatMap(\.evidence) ?? []
            #expect(evidence.allSatisfy { $0.kind == .splitView && $0.nodes.contains(forked) }, "\(id): \(evidence.map { ($0.kind, $0.nodes) })")
            let final = try #require(cluster.replicas[id]?.checkpointState.final)
            #expect(final.cosignature(keyName: Cosignature.keyName(origin: cluster.federation.charter.federation, node: forked)) == nil,
                    "\(id)'s final checkpoint carries the forked node's cosignature")
        }
        let roots = Set(honest.compactMap { cluster.replicas[$0]?.checkpointState.final?.checkpoint.root })
        #expect(roots.count == 1, "honest nodes agree on the final root: \(roots)")
    }

    @Test("a node does not cosign a smaller checkpoint after a larger one")
    func noSmallerAfterLarger() throws {
        var cluster = try Self.cluster(nodes: 3, configure: {
            $0.checkpointEveryMillis = 1_000_000
            $0.checkpointEveryEntries = 1
        })
        let leader = try Self.commit(2, in: &cluster)
        cluster.run(steps: 5)
        let follower = try #require(cluster.ids.first { $0 != leader })
        #expect(cluster.replicas[follower]?.checkpointState.cosigned?.checkpoint.size == 2)
        let writes = cluster.checkpointWrites[follower]?.count ?? 0
        let smaller = try Self.note(cluster.federation, size: 1, root: Self.otherRoot, signers: [leader])
        Self.send(.checkpointProposal(note: smaller.text), from: leader, to: follower, in: &cluster)
        #expect(cluster.replicas[follower]?.checkpointState.cosigned?.checkpoint.size == 2)
        // Only evidence (the root differs from its own at size 1) was written, no new cosignature.
        #expect(cluster.checkpointWrites[follower]?.dropFirst(writes).allSatisfy { $0.cosigned == nil } == true)
    }
}
