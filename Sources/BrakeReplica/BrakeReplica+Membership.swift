import BrakeCore
import BrakeRaft

/// Following the charter: the nodes this node talks with, and (on a leader) the membership
/// changes that bring Raft's voters to the charter's nodes (`MembershipPlan`, Specs/consensus.md).
///
/// The charter in force is the registry's: the genesis charter as the committed amendments this
/// node applied changed it. A node keeps talking with a node the charter dropped for as long as
/// Raft's membership in its log still holds it (a voter or learner whose removal is not in the
/// log yet), so the removal itself can be replicated; after that, its messages are ignored and
/// the transport refuses its key.
extension BrakeReplica {
    /// The charter in force on this node: genesis as amended by the entries it applied.
    public var currentCharter: Charter { registry.charter }

    /// The nodes this node talks with, sorted by id, itself excluded: every node of the charter in
    /// force, and every Raft member the charter no longer lists, with the address and pin of the
    /// latest charter that listed it; on a node the charter does not list yet, its introducers.
    public var peerNodes: [NodeInfo] {
        var nodes: [NodeID: NodeInfo] = [:]
        if registry.charter.node(id: nodeID) == nil {
            for node in config.introducers where node.id != nodeID { nodes[node.id] = node }
        }
        for node in registry.charter.nodes where node.id != nodeID { nodes[node.id] = node }
        for member in raftMembers where member != nodeID && nodes[member] == nil {
            if let node = knownNode(member) { nodes[member] = node }
        }
        return nodes.values.sorted { $0.id < $1.id }
    }

    /// Whether messages from `peer` are heard: it is one of `peerNodes`.
    func hears(_ peer: NodeID) -> Bool {
        peerIDs.contains(peer)
    }

    /// The ids of `peerNodes`, sorted (gossip and checkpoint fan-out go to them).
    var peerList: [NodeID] { peerIDs.sorted() }

    /// Recomputes the peer set and, when it changed, tells the shell (`ReplicaReady.peers`).
    mutating func notePeerChanges() {
        let nodes = peerNodes
        guard nodes != reportedPeers else { return }
        reportedPeers = nodes
        peerIDs = Set(nodes.map(\.id))
        pending.peers = nodes
    }

    /// Raft's voters and learners as this node's log has them, with every node a conf entry not
    /// yet committed here removed (`RaftNode.possibleMembers`): until the removal commits, that
    /// node may be the leader whose log overwrites it, and dropping its messages would leave this
    /// node with the uncommitted removal for good (the membership sweep found it: seed 29).
    var raftMembers: [NodeID] { raft.possibleMembers }

    /// The entry for `id` in the charter in force or, for a node it dropped, in the latest charter
    /// of the chain that listed it.
    func knownNode(_ id: NodeID) -> NodeInfo? {
        if let node = registry.charter.node(id: id) { return node }
        for epoch in registry.charterHistory.reversed() {
            if let node = epoch.charter.node(id: id) { return node }
        }
        return charter.node(id: id)
    }

    /// For each node of the charter in force, the index of the charter epoch from which the chain
    /// lists it without a break (0: since genesis).
    var listedSince: [NodeID: UInt64] {
        var since: [NodeID: UInt64] = [:]
        for node in registry.charter.nodes {
            var index: UInt64 = 0
            for epoch in registry.charterHistory.reversed() {
                guard epoch.charter.node(id: node.id) != nil else { break }
                index = epoch.index
            }
            since[node.id] = index
        }
        return since
    }

    /// Notes the promotions among entries appended to this node's log (`MembershipPlan.promotedAt`).
    mutating func notePromotions(_ entries: [Entry]) {
        for entry in entries {
            if case .promote(let node)? = entry.confChange { promotedAt[node] = entry.index }
        }
    }

    /// The plan a leader follows now (nil on a follower).
    public var membershipPlan: MembershipPlan? {
        guard raft.role == .leader else { return nil }
        let members = raft.membership.members
        var match: [NodeID: UInt64] = [:]
        var applied: [NodeID: UInt64] = [:]
        for member in members {
            match[member] = raft.matchIndex(of: member)
            applied[member] = member == nodeID ? registry.appliedIndex : gossip.peerHeads[member]?.index
        }
        return MembershipPlan(
            target: Set(registry.charter.nodes.map(\.id)), membership: raft.membership, leader: nodeID,
            lastIndex: raft.lastIndex, matchIndex: match, catchUpEntries: config.learnerCatchUpEntries,
            listedSince: listedSince, appliedIndex: applied, promotedAt: promotedAt)
    }

    /// On a leader that applied everything committed: the next step towards the charter's nodes,
    /// if Raft will take one now (no change uncommitted, no transfer under way).
    mutating func followCharter() {
        guard halted == nil, raft.role == .leader, registry.appliedIndex >= raft.commitIndex,
              !raft.confChangePending, raft.transferTarget == nil,
              let plan = membershipPlan, !plan.isSettled, let step = plan.next else { return }
        switch step {
        case .change(let change):
            if (try? raft.proposeConfChange(change)) != nil { membershipChanges += 1 }
        case .transferLeadership(let successor):
            try? raft.transferLeadership(to: successor)
        }
    }
}
