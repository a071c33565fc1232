import NIOCore
import Synchronization

/// The proxy's mode and its open connections, shared by the event loop and the controller.
final class ProxyConnections: Sendable {
    private struct State {
        var mode: FaultProxy.Mode = .pass
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = Mutex(State())

    var mode: FaultProxy.Mode { state.withLock { $0.mode } }
    var openCount: Int { state.withLock { $0.open.count } / 2 }

    /// Records both channels of a new connection, unless the link was cut meanwhile; forgets them
    /// when they close.
    func track(_ inbound: any Channel, _ outbound: any Channel) -> Bool {
        let admitted = state.withLock { state -> Bool in
            guard state.mode == .pass else { return false }
            state.open[ObjectIdentifier(inbound)] = inbound
            state.open[ObjectIdentifier(outbound)] = outbound
            return true
        }
        guard admitted else { return false }
        for channel in [inbound, outbound] {
            let key = ObjectIdentifier(channel)
            channel.closeFuture.whenComplete { _ in
                _ = self.state.withLock { $0.open.removeValue(forKey: key) }
            }
        }
        return true
    }

    /// Switches to cut and returns the channels to close.
    func cut() -> [any Channel] {
        state.withLock { state in
            state.mode = .cut
            return Array(state.open.values)
        }
    }

    func heal() {
        state.withLock { $0.mode = .pass }
    }
}
