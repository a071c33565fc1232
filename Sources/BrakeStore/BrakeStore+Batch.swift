import BrakeRaft

/// One transaction for a whole batch, when nothing has to leave the node between its steps.
extension BrakeStore {
    /// Persists Raft's `hardState` and `entries` (as `persist`, without a snapshot), applies the
    /// committed `applied` batch (as `applyCommitted`) and writes the pool `changes` (as
    /// `writePool`), all in ONE transaction: one commit, one fsync, and the pages the three share
    /// (the tables' roots, LMDB's free list, the meta page) written once.
    ///
    /// `persist` then `applyCommitted` must be two transactions when messages go out between them
    /// (a follower's acknowledgement may leave once its log is durable, before it applies); when
    /// no message waits, as on a single node, one transaction does the same work at the cost of
    /// one. It is durable unless the batch changes only the commit index, as `persist` decides.
    /// Either all of it lands or none of it: a crash re-applies exactly the entries after the
    /// stored applied index, as after two transactions (Specs/consensus.md, "Group commit").
    /// Refusals are those of the three, and change nothing.
    public func persistAndApply(
        hardState: HardState?, entries: [Entry], applied: [AppliedEntry], pool changes: [(id: String, envelope: [UInt8]?)]
    ) throws(StoreError) {
        try validate(applied, pool: changes)
        let tables = self.tables
        let durable = !changesOnlyCommit(hardState: hardState, entries: entries)
        try environment.write(durable: durable) { (txn: inout WriteTransaction) throws(StoreError) in
            try Self.writeLog(hardState: hardState, entries: entries, in: &txn, tables)
            try Self.writeApplied(applied, in: &txn, tables)
            try Self.writePool(changes, in: &txn, tables)
        }
        if let hardState { durableTermVote.withLock { $0 = (hardState.term, hardState.vote) } }
    }
}
