import Foundation
import NIOCore
import NIOPosix

/// Sends commands to a federation's supervisor over `D/control.sock`.
public struct ControlClient: Sendable {
    /// The control socket.
    public let socket: String

    /// A client of the supervisor of the federation in `directory`.
    public init(directory: String) throws {
        socket = try FederationLayout.load(directory: directory).controlSocket
    }

    /// A client of the supervisor listening on `socket`.
    public init(socket: String) {
        self.socket = socket
    }

    /// Sends one request and returns the reply; a reply carrying an error is thrown as a `HarnessError`.
    public func send(_ request: ControlRequest, timeout: Duration = .seconds(60)) async throws -> ControlReply {
        let reply = try await withThrowingTaskGroup(of: ControlReply?.self) { group in
            group.addTask { try await exchange(request) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let reply = first else {
                throw HarnessError(.supervisor, "the supervisor on \(socket) did not answer \(request.command) within \(timeout)")
            }
            return reply
        }
        if let error = reply.error {
            throw HarnessError(HarnessError.Code(rawValue: error.code) ?? .supervisor, error.message)
        }
        return reply
    }

    private func exchange(_ request: ControlRequest) async throws -> ControlReply {
        let connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socket) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HarnessError(.supervisor, "no supervisor answers on \(socket) (is the federation up? brake-harness up): \(error)")
        }
        return try await connection.executeThenClose { inbound, outbound in
            var bytes = try JSONEncoder().encode(request)
            bytes.append(UInt8(ascii: "\n"))
            try await outbound.write(ByteBuffer(bytes: bytes))
            var reply = ByteBuffer()
            for try await chunk in inbound {
                reply.writeImmutableBuffer(chunk)
                if reply.readableBytesView.contains(UInt8(ascii: "\n")) { break }
            }
            do {
                return try JSONDecoder().decode(ControlReply.self, from: Data(reply.readableBytesView))
            } catch {
                throw HarnessError(.supervisor, "the supervisor sent an unreadable reply: \(String(decoding: reply.readableBytesView.prefix(300), as: UTF8.self))")
            }
        }
    }
}
