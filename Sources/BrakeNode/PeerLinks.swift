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
struct PeerLinks: PeerTransport {
    let network: PeerNetwork

    /// Sets up the network of a multi-node charter; refuses a missing or mismatched identity.
    static func make(configuration: NodeConfiguration, charter: Charter, logger: Logger) throws -> PeerLinks {
        guard let own = charter.node(id: configuration.nodeID) else {
            throw NodeError(.config, "node id \(configuration.nodeID) is not one of the charter's nodes")
        }
        guard let directory = configuration.identityDirectory else {
            throw NodeError(.config, "the charter has \(charter.nodes.count) nodes: the config must name this node's identity directory (\"identity\", made by brakectl node init)")
        }
        let identity = try NodeIdentity.load(directory: directory)
        guard identity.entry.id == own.id, identity.tlsPin == own.tlsPin else {
            throw NodeError(.config, "the identity in \(directory) is node \(identity.entry.id) with TLS pin \(identity.tlsPin), but the charter pins node \(own.id) to \(own.tlsPin)")
        }
        var peers: [NodeID: PeerNetworkConfiguration.Peer] = [:]
        for node in charter.nodes where node.id != own.id {
            peers[node.id] = .init(address: configuration.peerAddresses[node.id] ?? node.address, pin: node.tlsPin)
        }
        let network = try PeerNetwork(configuration: PeerNetworkConfiguration(
            nodeID: own.id, certificatePEM: identity.certificatePEM, privateKeyPEM: identity.tlsKeyPEM,
            listenAddress: configuration.listenAddress ?? own.address, peers: peers,
            group: MultiThreadedEventLoopGroup.singleton, logger: logger))
        return PeerLinks(network: network)
    }

    func send(_ messages: [PeerMessage]) {
        network.send(messages)
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
                    // A leader's entries are verified here, in parallel and off the driver.
                    let memos = await verifier.memos(for: message)
                    await driver.receive(message, from: message.from, memos: memos)
                case .unreachable(let peer): await driver.peerUnreachable(peer)
                case .peerDisconnected(let peer): await driver.peerDisconnected(peer)
                }
            }
        }
    }
}
