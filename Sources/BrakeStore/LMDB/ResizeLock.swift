#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A reader-writer lock that guards the LMDB map against resizing under a live transaction.
///
/// `mdb_env_set_mapsize` may only run while no transaction is active in the process, and `mdb_env_close`
/// likewise. Every transaction (read or write) holds this lock shared for its whole life; growing the map and
/// closing the environment hold it exclusive. On Linux the lock prefers writers, so a steady stream of readers
/// cannot starve a resize.
///
/// Never open a transaction inside another transaction's closure on the same thread: with a writer waiting,
/// the inner shared acquisition would deadlock.
final class ResizeLock: @unchecked Sendable {
    // @unchecked: the pthread lock is heap-allocated (its address must not move) and is itself the
    // synchronisation; the pointer is never reassigned.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if canImport(Glibc)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        let status = pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
        precondition(status == 0, "pthread_rwlock_init failed with \(status)")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` while holding the lock shared: any number of transactions at once.
    func withShared<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let status = pthread_rwlock_rdlock(lock)
        precondition(status == 0, "pthread_rwlock_rdlock failed with \(status)")
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` while holding the lock exclusively: no transaction is active in the process.
    func withExclusive<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let status = pthread_rwlock_wrlock(lock)
        precondition(status == 0, "pthread_rwlock_wrlock failed with \(status)")
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
