import BrakeCore
import BrakeReplica
import BrakeRaft
import BrakeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIServer {
    /// `GET /v1/events`: Server-Sent Events of registry events.
    ///
    /// Each event's id is `INDEX.POSITION`: the entry that produced it and its place among that
    /// entry's events. A client resumes with `Last-Event-ID` (or `?from=`) set to the last id it
    /// read, and gets every later event exactly once; a bare `INDEX` resumes after all of that
    /// entry's events. Without either, the stream starts with the next entry applied.
    ///
    /// Events come from the store's event table, a page at a time, so a replay from any point
    /// runs here, never on the driver, verifies no signature again, and a slow reader only reads
    /// at its own pace: nothing is queued for it, so nothing can be dropped. At most
    /// `maxEventStreams` streams are open at once (503 `too_many_streams`); a resume from before
    /// the history this node keeps is answered 410 `history_unavailable`.
    func eventStream(_ request: Request) async -> Response {
        let resumeText = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("from").map { String($0) }
        var cursor: EventCursor?
        if let resumeText {
            guard let parsed = EventCursor(resumeText) else {
                return APIResponses.error(NodeError(.badRequest, "event id \(resumeText) is neither INDEX nor INDEX.POSITION"))
            }
            cursor = parsed
        }
        let store = driver.store
        guard let wake = driver.events.subscribe() else {
            return APIResponses.error(NodeError(.tooManyStreams, "\(driver.events.limit) event streams are open, the most this node serves; try again later"))
        }
        let start: EventCursor
        do {
            let now = try store.events(afterIndex: 0, position: nil, limit: 0)
            if let cursor {
                // Every event after the cursor must be stored: entries from eventsFrom on are.
                guard cursor.index + (cursor.position == nil ? 1 : 0) >= now.eventsFrom || cursor.index >= now.appliedIndex else {
                    return APIResponses.error(NodeError(
                        .historyUnavailable,
                        "this node keeps events from entry \(now.eventsFrom) on (it installed a snapshot); resume from \(now.eventsFrom - 1) or later"))
                }
                start = cursor
            } else {
                start = EventCursor(index: now.appliedIndex, position: nil)
            }
        } catch {
            return APIResponses.error(NodeError(.unavailable, "cannot read the event table: \(error)"))
        }
        let evidenceAtStart = storedEvidenceIDs()
        let alarmsAtStart = driver.published.raisedAlarmCount
        let body = ResponseBody { writer in
            var cursor = start
            var announced = evidenceAtStart
            var alarmsAnnounced = alarmsAtStart
            var wakeups = wake.makeAsyncIterator()
            try await writer.write(ByteBuffer(string: ": brake events after \(cursor)\n\n"))
            while true {
                let page = try store.events(afterIndex: cursor.index, position: cursor.position, limit: Self.eventPage)
                if let last = page.events.last {
                    var buffer = ByteBuffer()
                    for stored in page.events { Self.writeSSE(stored, to: &buffer) }
                    try await writer.write(buffer)
                    cursor = EventCursor(index: last.index, position: last.position)
                }
                if page.events.count == Self.eventPage {
                    // A write to a client that keeps up does not suspend: let other requests run
                    // between pages, or a few replays would hold every thread of the pool.
                    await Task.yield()
                    continue
                }
                // Caught up through the applied index of that read: wait for the next apply (or
                // new evidence, which wakes the streams too).
                guard await wakeups.next() != nil else { break }
                if let evidence = newEvidenceEvents(announced: &announced) { try await writer.write(evidence) }
                if let alarms = newAlarmEvents(announced: &alarmsAnnounced) { try await writer.write(alarms) }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body
        )
    }

    /// The `censorship_alarm` events raised since the stream announced `announced` of them: like
    /// `fork_evidence`, node-level events with no id (a resume does not replay them; `/v1/status`
    /// shows the alarms in force). Nil when there is none new.
    func newAlarmEvents(announced: inout Int) -> ByteBuffer? {
        let (alarms, total) = driver.published.alarmsRaised(after: announced)
        announced = total
        var buffer = ByteBuffer()
        for alarm in alarms {
            guard let json = try? JSONEncoder().encode(alarm) else { continue }
            buffer.writeString("event: censorship_alarm\ndata: ")
            buffer.writeBytes(json)
            buffer.writeString("\n\n")
        }
        return buffer.readableBytes > 0 ? buffer : nil
    }

    /// Events read from the store per page (and per write).
    static let eventPage = 64

    /// Appends one stored event as a Server-Sent Event.
    static func writeSSE(_ stored: BrakeStore.StoredEvent, to buffer: inout ByteBuffer) {
        buffer.writeString("id: \(stored.index).\(stored.position)\nevent: \(stored.type)\ndata: ")
        buffer.writeBytes(stored.json)
        buffer.writeString("\n\n")
    }

    /// `GET /metrics`: Prometheus text.
    func prometheus() async -> Response {
        var status = driver.publishedStatus()
        if let registry = await driver.loadedRegistry() { NodeDriver.addRegistryFigures(registry, to: &status, digest: false) }
        metrics.update(from: status)
        updateCheckpointMetrics()
        metrics.eventStreams.set(Double(driver.events.count) as Double)
        metrics.apiConnections.set(Double(connections.count) as Double)
        metrics.apiEvictions.set(Double(connections.evicted) as Double)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
        )
    }
}

/// A position in the event stream: after event `position` of entry `index`, or after all of
/// entry `index`'s events when `position` is nil. Its text is `INDEX.POSITION` or `INDEX`.
struct EventCursor: Sendable, Hashable, CustomStringConvertible {
    var index: UInt64
    var position: UInt32?

    init(index: UInt64, position: UInt32?) {
        self.index = index
        self.position = position
    }

    /// Parses `INDEX` or `INDEX.POSITION` (decimal digits only).
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let index = UInt64(parts[0]) else { return nil }
        self.index = index
        if parts.count == 2 {
            guard let position = UInt32(parts[1]) else { return nil }
            self.position = position
        }
    }

    var description: String { position.map { "\(index).\($0)" } ?? "\(index)" }
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
