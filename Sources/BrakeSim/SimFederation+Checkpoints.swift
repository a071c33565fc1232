import BrakeCore
import BrakeRaft

extension SimFederation {
    /// The checkpoint key of a node of the federation: a fixed seed per node, the one whose public
    /// key the charter pins, so simulated runs sign the same cosignatures every time.
    public func checkpointKey(of node: NodeID) -> SigningKey? {
        guard let n = nodeIDs.firstIndex(of: node) else { return nil }
        return try? SigningKey(seed: Self.fixedSeed(UInt8(0x40 + n + 1)))
    }
}
