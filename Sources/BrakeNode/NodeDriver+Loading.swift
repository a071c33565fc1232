import BrakeCore
import BrakeReplica
import BrakeStore
import Foundation
import Logging

/// Restart with a large registry (Specs/consensus.md, "Restart"): the node opens with the head of
/// its registry, serves `check` from the store's check index and runs Raft at once, and loads the
/// rest off the driver; the core applies what committed meanwhile once it is handed over.
extension NodeDriver {
    /// The registry to open the core with: the whole registry when it has at most
    /// `configuration.backgroundLoadRows` rows, else only its head (meta row and charter epochs),
    /// whose rest `loadRegistryInBackground()` loads. Logs how long the reads took.
    static func openRegistry(
        store: BrakeStore, charter: Charter, configuration: NodeConfiguration, logger: Logger
    ) throws -> (registry: Registry, complete: Bool) {
        let started = ContinuousClock.now
        let rowCount = try store.stats().registryRowCount
        let whole = rowCount <= configuration.backgroundLoadRows
        let rows = whole ? try store.registryRows() : try store.registryHeadRows()
        let registry = try Registry(charter: charter, rows: try rows.map { (key: try RegistryKey(bytes: $0.key), value: $0.value) })
        logger.info("registry: \(rowCount) rows; \(whole ? "loaded whole" : "opened its head (\(rows.count) rows); the rest loads in the background") in \(Self.millis(since: started)) ms")
        return (registry, whole)
    }

    /// Loads the whole registry off the driver when the core opened with its head, and hands it
    /// over. A failure to read or decode it halts the node's writes (`storage failed`), as any
    /// storage failure does: the node keeps answering `check` from the check index.
    public func loadRegistryInBackground() {
        guard replica.registryLoading else { return }
        let store = self.store
        let charter = self.charter
        let logger = self.logger
        Task.detached(priority: .utility) { [weak self] in
            let started = ContinuousClock.now
            let result: Result<Loaded, LoadFailure>
            do {
                let rows = try store.registryRows()
                let keyed = try rows.map { (key: try RegistryKey(bytes: $0.key), value: $0.value) }
                let registry = try Registry(charter: charter, rows: keyed)
                let snapshot = try store.snapshotData()
                result = .success(Loaded(registry: registry, snapshotData: snapshot?.data))
                logger.info("registry: loaded the whole registry in the background (\(rows.count) rows, snapshot data \(snapshot?.data.count ?? 0) bytes) in \(NodeDriver.millis(since: started)) ms")
            } catch {
                result = .failure(LoadFailure(description: "\(error)"))
            }
            await self?.finishLoading(result)
        }
    }

    /// Takes the registry the background load produced.
    /// A snapshot installed meanwhile may have ended the loading already: the result is then
    /// dropped, and `check` goes back to the registry's own table.
    func finishLoading(_ result: Result<Loaded, LoadFailure>) {
        // A snapshot install that ended the loading was published with it.
        guard replica.registryLoading else { return }
        do {
            let loaded = try result.get()
            try replica.finishLoading(loaded.registry, snapshotData: loaded.snapshotData)
        } catch {
            logger.critical("registry: the background load failed, node stops writing: \(error)")
            replica.storageFailed("loading the registry: \(error)")
            drain()
            return
        }
        // Publishes the whole registry's table and the end of the loading as one moment.
        drain()
    }

    /// The local check while the registry loads: from the store's check index, read in one
    /// transaction with the applied index, which must be the one the published view is of (else
    /// the index and the freshness basis could be of different moments: `unknown`).
    nonisolated func checkFromIndex(_ scope: Scope, view: PublishedReads.View, fresh: Bool, unknownReason: String) -> CheckVerdict {
        let table: CheckTable
        do {
            table = try store.checkTable(covering: scope)
        } catch {
            return CheckTable.empty.check(scope, at: clock.now().wall, fresh: false, unknownReason: "the check index could not be read: \(error)", pending: [])
        }
        guard table.appliedIndex == view.status.appliedIndex else {
            return table.check(scope, at: clock.now().wall, fresh: false, unknownReason: "the registry is being loaded; retry", pending: view.pending)
        }
        return table.check(scope, at: clock.now().wall, fresh: fresh, unknownReason: unknownReason, pending: view.pending)
    }

    /// The registry for a read that needs all of it, or nil while it loads (answer `loadingError`).
    public func loadedRegistry() -> Registry? {
        replica.registryLoading ? nil : replica.registry
    }

    /// What a read that needs the whole registry answers while it loads (503 `registry_loading`).
    public nonisolated static var loadingError: NodeError {
        NodeError(.registryLoading, "the node restarted and is still loading its registry; retry shortly")
    }

    /// The table a linearizable `check` answers from: the registry's, or while it loads the store's
    /// check index (nothing is applied while it loads, so the index is of the registry's applied index).
    func committedTable(covering scope: Scope) -> CheckTable? {
        guard replica.registryLoading else { return replica.registry.checkTable }
        guard let table = try? store.checkTable(covering: scope), table.appliedIndex == replica.registry.appliedIndex else { return nil }
        return table
    }

    /// What the background load read: the whole registry and the stored snapshot's data.
    struct Loaded: Sendable {
        var registry: Registry
        var snapshotData: [UInt8]?
    }

    /// Why the background load failed.
    struct LoadFailure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// Whole milliseconds since `instant`, for the start-up log.
    nonisolated static func millis(since instant: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - instant
        return elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
