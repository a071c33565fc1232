import BrakeCore
import BrakeLog
import BrakeRaft

/// The observer's view of which charter judges each checkpoint size, built as the offline verifier
/// builds it (`CheckpointCharters`): from the committed entries in order, the first time any node
/// applies each one, counting leaves and following each charter change at the size after its leaf.
/// The checkpoint invariant judges every final checkpoint a node finds by it, so a node that called
/// a checkpoint final under another charter than the verifier would is caught.
struct CheckpointObserver {
    /// The chain; nil until the first leaf is seen (it starts from the genesis charter then).
    var charters: CheckpointCharters?
    /// Leaves among the committed entries seen so far: the tree size the chain is known through.
    var leaves: UInt64 = 0
    /// Final checkpoints found of sizes the observer has not reached yet (a node may find one final
    /// in the same batch that applies its last leaf, before the observer sees that entry applied).
    var unjudged: [(node: NodeID, note: SignedCheckpoint)] = []
    /// Sizes found final that a charter with other nodes than the genesis charter's judged.
    var finalUnderChangedNodes: Set<UInt64> = []

    /// The first application of the committed entry `entry` by any node, with whether it made a new
    /// charter current and, if so, that charter.
    mutating func firstApplied(_ entry: Entry, genesis: Charter, newCharter: Charter?) {
        guard LogLeaf(entryIndex: entry.index, entryData: entry.data) != nil else { return }
        leaves += 1
        var chain = charters ?? CheckpointCharters(genesis: genesis)
        if let newCharter { chain.follow(newCharter, fromSize: leaves) }
        charters = chain
    }

    /// Takes out the unjudged finals whose size the observer has reached.
    mutating func takeJudgeable() -> [(node: NodeID, note: SignedCheckpoint)] {
        let due = unjudged.filter { $0.note.checkpoint.size <= leaves }
        unjudged.removeAll { $0.note.checkpoint.size <= leaves }
        return due
    }
}
