import BrakeReplica
import BrakeStore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's claim on the API socket path: an exclusive `flock` on `<socket>.lock`, held for
/// the daemon's life, so two nodes can never serve (or unlink) one socket path even when their data
/// directories differ.
///
/// Before the server binds, a file left at the path is removed only when it is a socket that nobody
/// answers on (a crashed node's leftover); a live socket or any other file makes the node refuse to
/// start. At shutdown the node removes the path only if it is still the very socket it bound (same
/// device and inode), never one that another process put there since.
final class SocketClaim: Sendable {
    let path: String
    private let lock: DataDirectoryLock
    private let bound = Mutex<(device: UInt64, inode: UInt64)?>(nil)

    /// Takes the lock and clears a stale socket, or refuses with `config`.
    init(path: String) throws(NodeError) {
        self.path = path
        do {
            lock = try DataDirectoryLock(
                lockFile: path + ".lock", guarding: "the API socket \(path)",
                directory: String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
        } catch {
            throw NodeError(.config, "\(error.message) (another braked serves or claims this socket)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // nothing there
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            release()
            throw NodeError(.config, "\(path) exists and is not a socket; refusing to replace it")
        }
        guard !Self.answers(path) else {
            release()
            throw NodeError(.config, "a live process serves the socket \(path); refusing to take it over")
        }
        unlink(path)
    }

    /// Remembers the socket the server just bound, so shutdown removes only that one.
    func recordBound() {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        bound.withLock { $0 = (UInt64(info.st_dev), UInt64(info.st_ino)) }
    }

    /// Removes the socket if it is still the one this node bound, then drops the lock.
    func release() {
        if let mine = bound.withLock({ $0 }) {
            var info = stat()
            if lstat(path, &info) == 0, UInt64(info.st_dev) == mine.device, UInt64(info.st_ino) == mine.inode {
                unlink(path)
            }
        }
        lock.release()
    }

    /// Whether something accepts connections on the Unix socket at `path`.
    static func answers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
