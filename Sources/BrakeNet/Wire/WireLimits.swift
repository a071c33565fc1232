/// Bounds the codec enforces on decoded values, beyond the frame cap.
///
/// The frame cap bounds a frame's bytes; these bound what those bytes may expand into (a list of
/// four million empty entries fits in 8 MiB of protobuf but not in memory as Swift values) and
/// keep identifiers to the shapes the charter allows, so a hostile or broken peer is refused at
/// the edge rather than deep inside the core.
public struct WireLimits: Sendable, Hashable {
    /// Longest node id, in UTF-8 bytes (the charter allows 1 to 64).
    public var maxNodeIDBytes: Int = 64
    /// Longest short identifier: an error code, a declaration id, a party id, a kind or a state.
    public var maxIdentifierBytes: Int = 128
    /// Longest human text: an error message or a snapshot failure reason.
    public var maxTextBytes: Int = 4096
    /// Most entries in one append.
    public var maxEntries: Int = 65_536
    /// Most voters in a snapshot's metadata.
    public var maxVoters: Int = 1024
    /// Most signer parties in a receipt or a gossip item.
    public var maxSigners: Int = 1024
    /// Most items in a gossip digest, ids in a pull, envelopes in a gossip message.
    public var maxGossipItems: Int = 1024

    /// The defaults above.
    public init() {}
}
