import BrakeCore
import Synchronization

/// The registry digest of one applied index, kept until the index moves.
///
/// The digest encodes the whole registry (`Registry.digestHex`): tens of milliseconds at tens of
/// thousands of records, far more on a busy machine. Status is asked often (operators, the harness,
/// dashboards), and the registry at one applied index is always the same, so the digest is
/// computed once per index, outside the driver, and concurrent askers of an older index compute
/// their own without replacing a newer one.
final class RegistryDigestCache: Sendable {
    private let last = Mutex<(index: UInt64, digest: String)?>(nil)

    /// The digest of `registry`, from the cache when it was computed at the same applied index
    /// (the registry is a function of the entries applied, so one index has one digest).
    func digest(of registry: Registry) -> String {
        let index = registry.appliedIndex
        if let hit = last.withLock({ $0 }), hit.index == index {
            return hit.digest
        }
        let digest = registry.digestHex()
        last.withLock { entry in
            if entry.map({ $0.index <= index }) ?? true { entry = (index, digest) }
        }
        return digest
    }
}
