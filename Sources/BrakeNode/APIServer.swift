import BrakeCore
import BrakeReplica
import BrakeFiles
import BrakeRaft
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus

/// The local API: HTTP/1.1 and JSON over the node's Unix socket (DESIGN.md, "Local API").
///
/// The routes are thin: each parses its input, asks the `NodeDriver`, and encodes the answer.
public struct APIServer: Sendable {
    let driver: NodeDriver
    let configuration: NodeConfiguration
    let metrics: NodeMetrics
    let logger: Logger
    /// The charter's id, computed once (it hashes the whole charter).
    let charterID: String
    /// Keeps at most `apiMaxConnections` open, closing the idlest to make room.
    let connections: ConnectionGovernor
    /// Decodes submitted envelopes and verifies their signatures, in parallel, off the driver.
    let precheck: SignatureWorkers
    /// The charter as its founding parties signed it, served with the charter so that a client
    /// can verify it and carry it (a log bundle).
    let charterEnvelope: Envelope

    /// Creates the API for a driver; `charterEnvelope`, the signed charter the node runs, is
    /// served at `GET /v1/charter`.
    public init(driver: NodeDriver, configuration: NodeConfiguration, metrics: NodeMetrics, logger: Logger, charterEnvelope: Envelope) {
        self.init(
            driver: driver, configuration: configuration, metrics: metrics, logger: logger, workers: SignatureWorkers(charterInForce: { [published = driver.published, genesis = driver.charter] in published.charter ?? genesis }),
            charterEnvelope: charterEnvelope)
    }

    /// Creates the API for a driver, verifying submissions on `workers`.
    init(
        driver: NodeDriver, configuration: NodeConfiguration, metrics: NodeMetrics, logger: Logger, workers: SignatureWorkers,
        charterEnvelope: Envelope
    ) {
        self.driver = driver
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.charterID = driver.charter.id
        self.connections = ConnectionGovernor(limit: configuration.apiMaxConnections)
        self.precheck = workers
        self.charterEnvelope = charterEnvelope
    }

    /// The Hummingbird application bound to the Unix socket; the socket is made mode 0660 as soon
    /// as it is bound.
    func application(claim: SocketClaim? = nil) -> some ApplicationProtocol {
        let socketPath = configuration.socketPath
        let logger = self.logger
        let connections = self.connections
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [connections.handler()], idleTimeout: .milliseconds(Int64(configuration.apiIdleTimeoutMillis)))
        let serverName = "braked"
        return Application(
            router: router(),
            server: HTTPServerBuilder { responder in
                HTTP1ChannelWithCheckFastPath(
                    inner: HTTP1Channel(responder: responder, configuration: http1), serverName: serverName,
                    answer: { uri in
                        guard case .answered(let answer) = self.checkRequest(uri) else { return nil }
                        return answer
                    })
            },
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: serverName),
            onServerRunning: { _ in
                claim?.recordBound()
                if chmod(socketPath, 0o660) != 0 {
                    logger.error("cannot set mode 0660 on \(socketPath): errno \(errno)")
                }
                logger.info("API listening on \(socketPath)")
            },
            logger: logger
        )
    }

    /// The routes, with a middleware that turns any unexpected error into a JSON error body.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        router.get("/v1/status") { _, _ in await self.status() }
        router.get("/v1/check") { request, _ in await self.check(request) }
        router.post("/v1/declarations") { request, _ in await self.submit(request) }
        router.get("/v1/motions") { _, _ in await self.motions() }
        router.get("/v1/motions/:id") { _, context in await self.motion(context.parameters.get("id") ?? "") }
        router.get("/v1/pauses") { _, _ in await self.pauses() }
        router.get("/v1/compliance") { request, _ in await self.compliance(request) }
        router.get("/v1/attestations/:id") { _, context in await self.attestation(context.parameters.get("id") ?? "") }
        router.get("/v1/charter") { request, _ in await self.charter(request) }
        router.get("/v1/charter/history") { _, _ in await self.charterHistory() }
        router.get("/v1/amendments") { _, _ in await self.amendments() }
        router.get("/v1/amendments/:id") { _, context in await self.amendment(context.parameters.get("id") ?? "") }
        router.get("/v1/log") { request, _ in self.log(request) }
        router.get("/v1/checkpoint") { _, _ in await self.checkpoint() }
        router.get("/v1/evidence") { _, _ in self.evidence() }
        router.get("/v1/proof/inclusion") { request, _ in self.inclusionProof(request) }
        router.get("/v1/proof/consistency") { request, _ in self.consistencyProof(request) }
        router.get("/v1/events") { request, _ in await self.eventStream(request) }
        router.get("/metrics") { _, _ in await self.prometheus() }
        return router
    }

    /// `GET /v1/status`: consensus fields as the driver last published them, and the registry's
    /// figures (open motions, digest) computed here from its current registry, off the driver.
    func status() async -> Response {
        var status = driver.publishedStatus()
        // While the registry loads, status answers without the registry's figures.
        if let registry = await driver.loadedRegistry() {
            NodeDriver.addRegistryFigures(registry, to: &status, digest: true)
        }
        return APIResponses.json(status)
    }

    struct SubmitView: Encodable {
        var id: String
        var state: String
        var index: UInt64
        var committed: Bool
        var receipt: DeclarationReceipt?
    }

    func submit(_ request: Request) async -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            metrics.rejected("too_large").increment()
            return APIResponses.error(NodeError(.tooLarge, "request body is larger than \(configuration.maxBodyBytes) bytes"))
        } catch {
            return APIResponses.error(NodeError(.badRequest, "cannot read the request body: \(error)"))
        }
        let envelope: Envelope, memo: SignatureMemo
        switch await precheck.check(Array(buffer: body)) {
        case .success(let checked):
            (envelope, memo) = checked
        case .failure(let error):
            metrics.rejected(error.code.rawValue).increment()
            return APIResponses.error(error)
        }
        switch await driver.submit(envelope, timeoutMillis: configuration.submitTimeoutMillis, memo: memo) {
        case .applied(.accepted(let receipt), let index):
            metrics.accepted.increment()
            return APIResponses.json(SubmitView(id: receipt.id, state: receipt.state ?? "recorded", index: index, committed: true, receipt: receipt))
        case .applied(.rejected(let error), _):
            metrics.rejected(error.code.rawValue).increment()
            return APIResponses.error(error)
        case .applied(.noop, let index):
            return APIResponses.error(NodeError(.dropped, "entry \(index) was applied as a no-op; resubmit"))
        case .pending(let id, let index):
            return APIResponses.json(SubmitView(id: id, state: "pending", index: index, committed: false, receipt: nil), status: .accepted)
        case .refused(.registry(let error)):
            metrics.rejected(error.code.rawValue).increment()
            return APIResponses.error(error)
        case .refused(.node(let error)):
            return APIResponses.error(error)
        }
    }

    func motions() async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        return APIResponses.json(["motions": registry.motions.map(MotionView.init)])
    }

    func motion(_ id: String) async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        guard let record = registry.motion(id: id) else {
            return APIResponses.error(NodeError(.notFound, "no motion \(id)"))
        }
        return APIResponses.json(MotionView(record))
    }

    func pauses() async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        let now = await driver.currentTime().wall
        return APIResponses.json(["pauses": registry.pauses.map { PauseView($0, now: now) }])
    }

    /// `GET /v1/compliance`: every pause in force, or with `?pause=ID` that one pause, in force or not.
    func compliance(_ request: Request) async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        let now = await driver.currentTime().wall
        let rows: [ComplianceRow]
        if let pauseID = request.uri.queryParameters.get("pause") {
            guard let found = registry.compliance(pauseID: pauseID, at: now) else {
                return APIResponses.error(NodeError(.notFound, "no pause \(pauseID)"))
            }
            rows = found
        } else {
            rows = registry.compliance(at: now)
        }
        return APIResponses.json(ComplianceReport(rows: rows, now: now, charter: registry.charter))
    }

    /// `GET /v1/attestations/{id}`: one attestation and its reviews.
    func attestation(_ id: String) async -> Response {
        guard let registry = await driver.loadedRegistry() else { return APIResponses.error(NodeDriver.loadingError) }
        guard let record = registry.attestation(id: id) else {
            return APIResponses.error(NodeError(.notFound, "no attestation \(id)"))
        }
        return APIResponses.json(AttestationView(record, reviews: registry.reviews(of: id)))
    }

}
