import Foundation
import BrakeReplica

// Gossip bodies ⇄ their protobuf messages (Specs/gossip.md).
extension WireCodec {
    func wire(_ digest: GossipDigest) -> Brake_Peer_V1_GossipDigest {
        var out = Brake_Peer_V1_GossipDigest()
        out.items = digest.items.map { item in
            var w = Brake_Peer_V1_GossipItem()
            w.id = item.id
            w.parties = item.parties
            return w
        }
        var head = Brake_Peer_V1_LogHead()
        head.index = digest.head.index
        head.term = digest.head.term
        head.hash = digest.head.hash
        out.head = head
        out.reply = digest.reply
        return out
    }

    func gossipDigest(_ w: Brake_Peer_V1_GossipDigest) throws(WireError) -> GossipDigest {
        var items: [GossipDigest.Item] = []
        for item in try bounded(w.items, limits.maxGossipItems, "gossip_digest.items") {
            var parties: [String] = []
            for party in try bounded(item.parties, limits.maxSigners, "gossip_item.parties") {
                parties.append(try identifier(party, "gossip_item.parties"))
            }
            items.append(GossipDigest.Item(id: try identifier(item.id, "gossip_item.id"), parties: parties))
        }
        let hash = try identifier(w.head.hash, "gossip_digest.head.hash", allowEmpty: true)
        return GossipDigest(items: items, head: GossipDigest.LogHead(index: w.head.index, term: w.head.term, hash: hash), reply: w.reply)
    }

    func wire(pull ids: [String]) -> Brake_Peer_V1_GossipPull {
        var out = Brake_Peer_V1_GossipPull()
        out.ids = ids
        return out
    }

    func gossipPull(_ w: Brake_Peer_V1_GossipPull) throws(WireError) -> [String] {
        var ids: [String] = []
        for id in try bounded(w.ids, limits.maxGossipItems, "gossip_pull.ids") {
            ids.append(try identifier(id, "gossip_pull.ids"))
        }
        return ids
    }

    func wire(declarations envelopes: [[UInt8]]) -> Brake_Peer_V1_GossipDeclarations {
        var out = Brake_Peer_V1_GossipDeclarations()
        out.envelopes = envelopes.map { Data($0) }
        return out
    }

    func gossipDeclarations(_ w: Brake_Peer_V1_GossipDeclarations) throws(WireError) -> [[UInt8]] {
        try bounded(w.envelopes, limits.maxGossipItems, "gossip_declarations.envelopes").map { [UInt8]($0) }
    }
}
