import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1.
///
/// The configs name every port before any process starts (a node must know its peers' proxies),
/// so ports are reserved by binding them, and all sockets stay open until the whole batch is
/// chosen, so one batch never holds a port twice. The ports are drawn at random from below the
/// kernel's ephemeral range (`ip_local_port_range`), never from it: the kernel hands ephemeral
/// ports to every outgoing connection (nodes dialling each other), so a port taken from that range
/// and released until its node starts could be in use by a connection by then ("Address already in
/// use", seen when several federations ran at once). Another federation being made at the same
/// moment could still draw the same port; that window is small and a failure is loud.
public enum LoopbackPorts {
    /// `count` distinct free ports.
    public static func allocate(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [Int] = []
        let below = ephemeralStart()
        var candidates = below > 12_000 ? Array(10_000..<below).shuffled() : []
        while ports.count < count {
            let wanted = candidates.popLast() ?? 0
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw HarnessError(.proxy, "socket(): \(String(cString: strerror(errno)))") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(wanted).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            if bound != 0, wanted != 0, errno == EADDRINUSE { continue }  // taken: draw another
            guard bound == 0 else { throw HarnessError(.proxy, "bind(127.0.0.1:\(wanted)): \(String(cString: strerror(errno)))") }
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { throw HarnessError(.proxy, "getsockname(): \(String(cString: strerror(errno)))") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    /// The first port of the kernel's ephemeral range (32768 when it cannot be read).
    static func ephemeralStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let port = Int(first) else {
            return 32_768
        }
        return port
    }
}
