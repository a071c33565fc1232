import BrakeCore
import BrakeReplica
import BrakeRaft
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIServer {
    /// `GET /v1/log?from=N&limit=M`: committed entries, with each declaration envelope as a JSON object.
    func log(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let from = query.get("from").flatMap(UInt64.init) ?? 1
        let limit = min(query.get("limit").flatMap(Int.init) ?? 100, 1_000)
        do {
            let entries = try await driver.logEntries(from: max(from, 1), limit: limit)
            let views = entries.map(LogEntryView.init(entry:))
            return APIResponses.json(["entries": views])
        } catch {
            return APIResponses.error(NodeError(.unavailable, "cannot read the log: \(error)"))
        }
    }

    /// `GET /v1/events`: Server-Sent Events of registry events, each with its entry's index as id.
    ///
    /// A client resumes with `Last-Event-ID: N` (or `?from=N`) and receives every event of entries
    /// after N: past events are recomputed by replaying the committed log through a fresh registry
    /// (the registry is a pure function of the log), then live events follow without a gap.
    func eventStream(_ request: Request) async -> Response {
        let lastSeen = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap(UInt64.init)
            ?? request.uri.queryParameters.get("from").flatMap(UInt64.init)
        let driver = self.driver
        let live = driver.events.subscribe()
        let body = ResponseBody { writer in
            var delivered = lastSeen ?? 0
            if let lastSeen {
                let history = try await driver.replayEvents(after: lastSeen)
                for event in history.events {
                    try await writer.write(Self.sse(event))
                }
                delivered = history.through
            } else {
                delivered = await driver.currentRegistry().appliedIndex
            }
            try await writer.write(ByteBuffer(string: ": brake events from index \(delivered + 1)\n\n"))
            for await event in live where event.index > delivered {
                try await writer.write(Self.sse(event))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body
        )
    }

    static func sse(_ event: IndexedEvent) -> ByteBuffer {
        let json = String(decoding: event.event.jsonBytes(), as: UTF8.self)
        let type = event.event.type
        return ByteBuffer(string: "id: \(event.index)\nevent: \(type)\ndata: \(json)\n\n")
    }

    /// `GET /metrics`: Prometheus text.
    func prometheus() async -> Response {
        metrics.update(from: await driver.status())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
        )
    }
}

extension NodeDriver {
    /// Every event of the committed entries after `index`, recomputed by replaying the log.
    func replayEvents(after index: UInt64) throws -> (events: [IndexedEvent], through: UInt64) {
        let applied = replica.registry.appliedIndex
        guard index < applied else { return ([], applied) }
        guard try store.firstIndex() <= 1 else {
            // The log was compacted: history before the snapshot is gone; serve what remains.
            return ([], applied)
        }
        var replay = Registry(charter: charter)
        var events: [IndexedEvent] = []
        var next: UInt64 = 1
        while next <= applied {
            let batch = try store.entries(from: next, through: min(applied, next + 511))
            guard !batch.isEmpty else { break }
            for entry in batch {
                let result = replay.apply(index: entry.index, data: entry.data)
                if entry.index > index {
                    events += result.events.map { IndexedEvent(index: entry.index, event: $0) }
                }
            }
            next = batch.last!.index + 1
        }
        return (events, applied)
    }
}

/// Turns any error a route throws into the API's JSON error body, so no client ever sees a bare
/// status or an HTML page.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            return APIResponses.error(code, error.body ?? error.status.reasonPhrase, status: error.status)
        } catch {
            return APIResponses.error("internal", "\(error)", status: .internalServerError)
        }
    }
}
