import BrakeReplica
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the node reads time: a monotonic clock that keeps counting while the process is stopped
/// or the machine suspended (so a resumed node knows how long it was gone), and the wall clock for
/// entry stamps. Tests inject their own.
public struct NodeClock: Sendable {
    /// Reads both clocks.
    public let now: @Sendable () -> ReplicaTime

    /// Creates a clock from a reading function.
    public init(now: @escaping @Sendable () -> ReplicaTime) {
        self.now = now
    }

    /// This clock with its wall clock shifted by `millis` (ahead if positive); the monotonic clock
    /// is unchanged. For tests of wrong clocks only (see `testOffsetVariable`).
    public func shiftingWall(by millis: Int64) -> NodeClock {
        let base = now
        return NodeClock {
            var time = base()
            time.wall += millis
            return time
        }
    }

    /// The environment variable through which `braked` shifts its wall clock, for tests of a node
    /// whose clock is wrong (Specs/time.md): milliseconds, ahead if positive. Test-only: a node
    /// started with it stamps wrong times, and `braked` says so loudly at start.
    public static let testOffsetVariable = "BRAKE_TEST_WALL_CLOCK_OFFSET_MS"

    /// The system's clocks: `CLOCK_BOOTTIME` (Linux; monotonic, counts suspend) and the real time.
    public static let system = NodeClock {
        var spec = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_BOOTTIME, &spec)
        #else
        clock_gettime(CLOCK_MONOTONIC, &spec)
        #endif
        let monotonic = Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
        return ReplicaTime(monotonic: monotonic, wall: Int64(Date().timeIntervalSince1970 * 1_000))
    }
}
