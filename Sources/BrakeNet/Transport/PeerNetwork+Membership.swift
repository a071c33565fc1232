import BrakeRaft
import NIOCore

extension PeerNetwork {
    /// Follows the charter: makes `peers` the nodes this node talks with, while running.
    ///
    /// A node new to the set is dialed at once and its pin accepted from then on. A node that left
    /// the set, or whose pin or address changed (a re-keyed or moved node), has its outbound link
    /// stopped (outbox discarded) and every inbound connection that authenticated as it closed; its
    /// old pin is refused from this call on. Messages already queued for a node that stays are kept.
    ///
    /// The whole set is checked first (`config`: a malformed pin or address, two nodes with one
    /// pin), and nothing changes when it is refused. An entry for this node itself is ignored.
    public func updatePeers(_ peers: [NodeID: PeerNetworkConfiguration.Peer]) throws(PeerNetworkError) {
        let wanted = peers.filter { $0.key != configuration.nodeID }
        var pins: [String: NodeID] = [:]
        for (id, peer) in wanted.sorted(by: { $0.key < $1.key }) {
            guard PeerPin.isWellFormed(peer.pin) else {
                throw PeerNetworkError(.config, "pin of node \(id) is not 64 lowercase hex digits")
            }
            if let other = pins.updateValue(id, forKey: peer.pin) {
                throw PeerNetworkError(.config, "nodes \(other) and \(id) have the same pin")
            }
            _ = try PeerAddress(parsing: peer.address)
        }
        let (stale, added, closing, running) = try state.withLock { state throws(PeerNetworkError) in
            let changed = Set(state.peers.keys).union(wanted.keys).filter { state.peers[$0] != wanted[$0] }
            var added: [PeerLink] = []
            var stale: [PeerLink] = []
            var links = state.links
            for id in changed.sorted() {
                if let old = links.removeValue(forKey: id) { stale.append(old) }
                guard let peer = wanted[id] else { continue }
                let link = try makeLink(id, peer)
                links[id] = link
                added.append(link)
            }
            // Inbound connections of a node that left or changed close; the pin map no longer
            // names it, so its next handshake is refused.
            let closing = state.inboundNodes.filter { changed.contains($0.value) }.compactMap { state.inbound[$0.key] }
            for key in state.inboundNodes.keys where changed.contains(state.inboundNodes[key]!) {
                state.inboundNodes[key] = nil
            }
            state.links = links
            state.nodesByPin = pins
            state.peers = wanted
            return (stale, added, closing, state.phase == .running)
        }
        for link in stale {
            configuration.logger.info("peer left the charter or changed: connections closed", metadata: ["peer": "\(link.peer)"])
            link.loop.execute { _ = link.stop() }
        }
        for channel in closing { channel.close(promise: nil) }
        guard running else { return }
        for link in added {
            configuration.logger.info("peer joined the charter: dialing", metadata: ["peer": "\(link.peer)"])
            link.loop.execute { link.dial() }
        }
    }

    /// The peers as last configured (by the configuration or `updatePeers(_:)`).
    public var peers: [NodeID: PeerNetworkConfiguration.Peer] { state.withLock { $0.peers } }

    /// The links and the pin map of a peer set, checked.
    func makeLinks(_ peers: [NodeID: PeerNetworkConfiguration.Peer]) throws(PeerNetworkError) -> ([NodeID: PeerLink], [String: NodeID]) {
        var nodesByPin: [String: NodeID] = [:]
        var links: [NodeID: PeerLink] = [:]
        for (id, peer) in peers.sorted(by: { $0.key < $1.key }) where id != configuration.nodeID {
            guard PeerPin.isWellFormed(peer.pin) else {
                throw PeerNetworkError(.config, "pin of node \(id) is not 64 lowercase hex digits")
            }
            if let other = nodesByPin.updateValue(id, forKey: peer.pin) {
                throw PeerNetworkError(.config, "nodes \(other) and \(id) have the same pin")
            }
            links[id] = try makeLink(id, peer)
        }
        return (links, nodesByPin)
    }

    /// The send side towards one peer (not dialing yet).
    func makeLink(_ id: NodeID, _ peer: PeerNetworkConfiguration.Peer) throws(PeerNetworkError) -> PeerLink {
        let config = configuration
        let settings = PeerLink.Settings(
            peer: id,
            address: try PeerAddress(parsing: peer.address),
            pin: peer.pin,
            hello: hello,
            frameCap: config.frameCap,
            outboxMessages: config.outboxMessages,
            outboxBytes: config.outboxBytes,
            minBackoff: config.minBackoff.timeAmount,
            maxBackoff: config.maxBackoff.timeAmount,
            connectTimeout: config.connectTimeout.timeAmount
        )
        return PeerLink(settings: settings, loop: config.group.next(), tls: clientTLS, sink: sink)
    }

    /// Authenticates an inbound connection's TLS key: the node whose pin it matches now, recorded
    /// against the channel under the same lock `updatePeers` takes, so a node removed concurrently
    /// is either refused here or closed there, never missed.
    func authenticateInbound(pin: String, channel: ObjectIdentifier) -> NodeID? {
        state.withLock { state in
            guard state.phase == .running, let node = state.nodesByPin[pin] else { return nil }
            state.inboundNodes[channel] = node
            return node
        }
    }
}
