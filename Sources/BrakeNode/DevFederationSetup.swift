import BrakeCore
import BrakeReplica
import BrakeFiles
import Foundation

/// The throwaway federation of `braked --dev`: three parties (lab-a, lab-b, gov-a) and one node,
/// with keys, the node's identity (`identity/`) and charter written under the data directory so the
/// CLI can sign with them.
public enum DevFederationSetup {
    /// What `--dev` prepared.
    public struct Layout: Sendable {
        public var configuration: NodeConfiguration
        public var charterPath: String
        public var keyPaths: [(party: String, path: String)]
        /// The node's identity directory (`NodeIdentity`: TLS key and certificate, checkpoint key),
        /// whose pins the dev charter holds.
        public var identityDirectory: String
    }

    /// Prepares (or reuses, on restart) the dev federation in `dataDirectory`, which must be this user's
    /// and not writable by others (`DataDirectory.prepare`) before any key is written there.
    public static func prepare(dataDirectory: String, seeds: () -> [[UInt8]]) throws -> Layout {
        let fm = FileManager.default
        try DataDirectory.prepare(dataDirectory)
        let keysDir = (dataDirectory as NSString).appendingPathComponent("keys")
        let charterPath = (dataDirectory as NSString).appendingPathComponent("charter.dsse.json")
        let parties = ["lab-a", "lab-b", "gov-a"]
        let keyPaths = parties.map { (party: $0, path: (keysDir as NSString).appendingPathComponent("\($0).key")) }
        let identityDirectory = (dataDirectory as NSString).appendingPathComponent("identity")
        if !fm.fileExists(atPath: charterPath) {
            try FileBytes.makeDirectory(keysDir, mode: 0o700)
            let identity = try NodeIdentity.create(
                directory: identityDirectory, id: "node-1", party: "lab-a", address: "127.0.0.1:7401")
            let seedBytes = seeds()
            // A federation id of its own per dev federation, so a signature made for one dev run
            // can never be replayed into another, and a misdirected check names the wrong one.
            let suffix = sha256Hex(seedBytes.flatMap { $0 }).prefix(8)
            let made = try DevFederation.make(
                seeds: seedBytes, nodeAddress: identity.entry.address,
                tlsPin: identity.tlsPin, checkpointKey: identity.entry.checkpointKey,
                federation: "\(DevFederation.federation)-\(suffix)"
            )
            for (party, key) in made.keys {
                let path = (keysDir as NSString).appendingPathComponent("\(party).key")
                try KeyFiles.write(KeyFile.privateFile(party: party, key: key), to: path)
            }
            try FileBytes.create(charterPath, bytes: made.envelope.jsonBytes() + Array("\n".utf8), mode: 0o644)
        }
        var configuration = NodeConfiguration(dataDirectory: dataDirectory, charterPath: charterPath, nodeID: "node-1")
        // The node's checkpoint key signs its checkpoints.
        configuration.identityDirectory = identityDirectory
        return Layout(
            configuration: configuration, charterPath: charterPath, keyPaths: keyPaths, identityDirectory: identityDirectory)
    }

    /// Fresh random seeds for the three dev parties, from the system's generator.
    public static func randomSeeds() -> [[UInt8]] {
        (0..<3).map { _ in SystemRandom.bytes(32) }
    }
}
