import BrakeCore
import BrakeFiles
import BrakeNet
import BrakeRaft
import BrakeReplica
import Logging
import NIOPosix
import ServiceLifecycle

/// The node's mutual-TLS links to its peers: a `PeerNetwork` set up from the charter (pins,
/// addresses) and the node's identity, and the service that hands what it hears to the driver.
/// The peer set then follows the charter in force (`follow`).
struct PeerLinks: PeerTransport {
    let network: PeerNetwork
    /// This node's id.
    let nodeID: NodeID
    /// Addresses the config overrides, by node id (a proxy, a NAT).
    let addressOverrides: [NodeID: String]
    let logger: Logger

    /// Sets up the network of a multi-node charter, or of a joining node (which the charter it
    /// starts with does not list); refuses a missing or mismatched identity.
    static func make(configuration: NodeConfiguration, charter: Charter, logger: Logger) throws -> PeerLinks {
        guard let directory = configuration.identityDirectory else {
            throw NodeError(.config, "the charter has \(charter.nodes.count) nodes: the config must name this node's identity directory (\"identity\", made by brakectl node init)")
        }
        let identity = try NodeIdentity.load(directory: directory)
        let listen: String
        if let own = charter.node(id: configuration.nodeID) {
            guard identity.entry.id == own.id, identity.tlsPin == own.tlsPin else {
                throw NodeError(.config, "the identity in \(directory) is node \(identity.entry.id) with TLS pin \(identity.tlsPin), but the charter pins node \(own.id) to \(own.tlsPin)")
            }
            listen = configuration.listenAddress ?? own.address
        } else {
            // A node an amendment adds (or added): the amendment pins this identity. Whether the
            // node may start at all is the core's decision (a joining node, or one the chain lists).
            guard let address = configuration.listenAddress else {
                throw NodeError(.config, "node id \(configuration.nodeID) is not one of the genesis charter's nodes: its config needs \"listen\" (and \"join\": true until an amendment adds it)")
            }
            guard identity.entry.id == configuration.nodeID else {
                throw NodeError(.config, "the identity in \(directory) is node \(identity.entry.id), but the config names node \(configuration.nodeID)")
            }
            listen = address
        }
        let overrides = configuration.peerAddresses
        let network = try PeerNetwork(configuration: PeerNetworkConfiguration(
            nodeID: configuration.nodeID, certificatePEM: identity.certificatePEM, privateKeyPEM: identity.tlsKeyPEM,
            listenAddress: listen, peers: Self.peers(charter.nodes, overrides: overrides, except: configuration.nodeID),
            group: MultiThreadedEventLoopGroup.singleton, logger: logger))
        return PeerLinks(network: network, nodeID: configuration.nodeID, addressOverrides: overrides, logger: logger)
    }

    /// The transport's view of charter nodes: each one's address (or the config's override) and pin.
    static func peers(_ nodes: [NodeInfo], overrides: [NodeID: String], except own: NodeID) -> [NodeID: PeerNetworkConfiguration.Peer] {
        var peers: [NodeID: PeerNetworkConfiguration.Peer] = [:]
        for node in nodes where node.id != own {
            peers[node.id] = .init(address: overrides[node.id] ?? node.address, pin: node.tlsPin)
        }
        return peers
    }

    func send(_ messages: [PeerMessage]) {
        network.send(messages)
    }

    func follow(_ nodes: [NodeInfo]) {
        let peers = Self.peers(nodes, overrides: addressOverrides, except: nodeID)
        guard peers != network.peers else { return }
        do {
            try network.updatePeers(peers)
            logger.info("peers follow the charter: \(peers.keys.sorted().joined(separator: ", "))")
        } catch {
            // The charter validated these entries; a refusal here is a bug to see, not to crash on.
            logger.error("the charter's peer set was refused by the transport: \(error)")
        }
    }
}

/// Hands every peer event to the driver, in order, until the network shuts down.
struct PeerEventPump: Service {
    let network: PeerNetwork
    let driver: NodeDriver
    let verifier: SignatureWorkers

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await event in network.events {
                switch event {
                case .message(let message):
                    // A leader's entries are verified here, in parallel and off the driver, before
                    // they apply. Only an append that commits what it carries waits for them; any
                    // other goes to the driver at once (its acknowledgement need not wait for
                    // Ed25519) and its memos follow.
                    guard let append = SignatureWorkers.declarationAppend(message) else {
                        await driver.receive(message, from: message.from)
                        continue
                    }
                    if append.commitsWhatItCarries {
                        await driver.receive(message, from: message.from, memos: await verifier.memos(for: append))
                    } else {
                        await driver.receive(message, from: message.from)
                        Task { [verifier, driver] in
                            let memos = await verifier.memos(for: append)
                            if !memos.isEmpty { await driver.noteVerified(memos) }
                        }
                    }
                case .unreachable(let peer): await driver.peerUnreachable(peer)
                case .peerDisconnected(let peer): await driver.peerDisconnected(peer)
                }
            }
        }
    }
}
