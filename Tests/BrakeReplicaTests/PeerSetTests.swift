import BrakeCore
import BrakeRaft
import BrakeReplica
import BrakeSim
import Testing

/// Whom a node hears while its log holds a membership change it does not know committed
/// (Specs/membership.md, "The peer set").
@Suite("Peer set")
struct PeerSetTests {
    /// node-1 applied a charter that dropped node-2, and its log holds `remove(node-2)`, not
    /// committed. A leader elected without that entry (node-2 itself, here) must still reach
    /// node-1 to overwrite it: before the fix node-1 ignored node-2 for good, kept the stale
    /// removal and never followed the group again (membership sweep, seed 29).
    @Test("a node removed by an uncommitted conf entry is still heard, and its append overwrites the entry")
    func uncommittedRemovalKeepsTheNodeHeard() throws {
        var replica = try Self.nodeOneHoldingRemoval(committedThrough: 1)
        #expect(replica.raft.membership == Membership(voters: ["node-1", "node-3"]))
        #expect(replica.peerNodes.map(\.id) == ["node-2", "node-3"], "node-2 may still lead: its removal is not committed")

        // node-2 leads term 2 without the removal: its append replaces index 2 on node-1.
        let append = RaftMessage(from: "node-2", to: "node-1", term: 2, kind: .append(
            prevIndex: 1, prevTerm: 1, entries: [Entry(term: 2, index: 2, data: [])], commit: 2))
        replica.receive(PeerMessage(from: "node-2", to: "node-1", body: .raft(append)), from: "node-2", at: Self.now)
        while replica.hasReady { _ = replica.ready() }
        #expect(replica.raft.leader == "node-2")
        #expect(replica.raft.lastTerm == 2 && replica.raft.commitIndex == 2)
        #expect(replica.raft.membership == Membership(voters: ["node-1", "node-2", "node-3"]))
    }

    /// Once the removal commits, the node is dropped (unless a charter lists it).
    @Test("a committed removal drops the node from the peer set")
    func committedRemovalDropsTheNode() throws {
        let replica = try Self.nodeOneHoldingRemoval(committedThrough: 2)
        #expect(replica.peerNodes.map(\.id) == ["node-3"])
    }

    static let now = ReplicaTime(monotonic: 1_000, wall: ReplicaCluster.epoch + 1_000)

    /// node-1 of three, having applied a charter without node-2, whose log holds a no-op and then
    /// `remove(node-2)`, committed through `commit` (1: the removal is not committed; 2: it is).
    static func nodeOneHoldingRemoval(committedThrough commit: UInt64) throws -> BrakeReplica {
        let federation = try SimFederation.make(nodes: 3)
        var inForce = federation.charter
        inForce.nodes.removeAll { $0.id == "node-2" }
        let entries = [
            Entry(term: 1, index: 1, data: []),
            Entry(term: 1, index: 2, data: ConfChange.remove("node-2").entryData),
        ]
        return try BrakeReplica(
            charter: federation.charter, nodeID: "node-1", config: ReplicaConfig(),
            stored: .init(hardState: HardState(term: 1, commit: commit), snapshot: nil, entries: entries, registry: Registry(charter: inForce)),
            now: now, random: SplitMix64(seed: 1))
    }
}
