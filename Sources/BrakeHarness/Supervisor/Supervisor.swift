import Foundation
import NIOCore
import NIOPosix

/// The background process behind the CLI (`brake-harness serve --dir D`): it owns the federation's
/// proxies and `braked` processes, so they outlive the command that started them, and carries out
/// the commands other `brake-harness` invocations send on `D/control.sock`.
///
/// Protocol: one JSON `ControlRequest` line in, one JSON `ControlReply` line out, then the
/// connection closes. `down` (or SIGTERM, SIGINT) stops every node and proxy and ends the process.
public enum Supervisor {
    /// Starts the federation of `directory` and serves its control socket until `down`.
    public static func serve(directory: String) async throws {
        let layout = try FederationLayout.load(directory: directory)
        let pidFile = (directory as NSString).appendingPathComponent("supervisor.pid")
        try? "\(getpid())\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        log("starting \(layout.nodes.count) nodes and \(layout.links.count) proxies in \(directory)")
        let federation: Federation
        do {
            federation = try await Federation.start(layout)
        } catch {
            try? FileManager.default.removeItem(atPath: pidFile)
            throw error
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(unixDomainSocketPath: layout.controlSocket, cleanupExistingSocketFile: true) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            await federation.shutdown()
            try? FileManager.default.removeItem(atPath: pidFile)
            throw HarnessError(.supervisor, "cannot listen on \(layout.controlSocket): \(error)")
        }
        let serverChannel = server.channel
        let signals = watchSignals { serverChannel.close(promise: nil) }
        log("control socket \(layout.controlSocket) ready")
        await withDiscardingTaskGroup { group in
            do {
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask {
                            await handle(connection, federation: federation) { serverChannel.close(promise: nil) }
                        }
                    }
                }
            } catch {
                log("control socket closed: \(error)")
            }
        }
        signals.forEach { $0.cancel() }
        log("stopping every node and proxy")
        await federation.shutdown()
        log("down")
        // The socket goes last: `down` waits for it to vanish, then may delete the directory.
        try? FileManager.default.removeItem(atPath: pidFile)
        try? FileManager.default.removeItem(atPath: layout.controlSocket)
    }

    /// Serves one control connection; its errors end that connection only.
    static func handle(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, federation: Federation, down: @escaping @Sendable () -> Void) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var line = ByteBuffer()
                for try await chunk in inbound {
                    line.writeImmutableBuffer(chunk)
                    if line.readableBytesView.contains(UInt8(ascii: "\n")) { break }
                }
                let reply = await execute(Array(line.readableBytesView), federation: federation)
                var bytes = try JSONEncoder().encode(reply)
                bytes.append(UInt8(ascii: "\n"))
                try await outbound.write(ByteBuffer(bytes: bytes))
                if reply.error == nil, reply.done == "down" { down() }
            }
        } catch {
            log("a control connection failed: \(error)")
        }
    }

    /// Carries out one request.
    static func execute(_ bytes: [UInt8], federation: Federation) async -> ControlReply {
        do {
            let request = try JSONDecoder().decode(ControlRequest.self, from: Data(bytes))
            if let action = try request.action() {
                log("command: \(action)")
                try await federation.apply(action)
                return ControlReply(done: action.description, report: await federation.report())
            }
            if request.command == "down" {
                log("command: down")
                return ControlReply(done: "down", report: nil)
            }
            return ControlReply(done: "status", report: await federation.report(scope: request.scope))
        } catch let error as HarnessError {
            return ControlReply(error: .init(code: error.code.rawValue, message: error.message))
        } catch {
            return ControlReply(error: .init(code: HarnessError.Code.usage.rawValue, message: "bad request: \(error)"))
        }
    }

    /// Closes the server on SIGTERM or SIGINT, so the federation stops cleanly.
    static func watchSignals(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                log("signal \(number): shutting down")
                stop()
            }
            source.resume()
            return source
        }
    }

    static func log(_ line: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        FileHandle.standardError.write(Data("\(stamp) supervisor: \(line)\n".utf8))
    }
}
