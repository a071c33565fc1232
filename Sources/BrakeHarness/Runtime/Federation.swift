import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// A running harness federation: the `braked` processes and the proxy of every directed link,
/// owned by one actor, with the faults a test or the supervisor injects.
///
/// The supervisor (`brake-harness serve`) holds one for the CLI; tests hold one directly. Whoever
/// holds it must call `shutdown()` on every path, so no `braked` outlives its owner.
public actor Federation {
    /// The federation's files, ports and links.
    public let layout: FederationLayout
    private var proxies: [LinkKey: FaultProxy] = [:]
    private var nodes: [Int: NodeProcess] = [:]

    /// A directed link i>j.
    struct LinkKey: Hashable, Sendable {
        var from: Int
        var to: Int
    }

    private init(layout: FederationLayout) {
        self.layout = layout
    }

    /// Starts every proxy on its port from the layout, then every node.
    public static func start(_ layout: FederationLayout) async throws -> Federation {
        let federation = Federation(layout: layout)
        do {
            try await federation.startAll()
        } catch {
            await federation.shutdown()
            throw error
        }
        return federation
    }

    private func startAll() async throws {
        for link in layout.links {
            proxies[LinkKey(from: link.from, to: link.to)] = try await FaultProxy.start(
                port: link.proxyPort, targetPort: link.targetPort, group: MultiThreadedEventLoopGroup.singleton
            )
        }
        for node in layout.nodes {
            let process = NodeProcess(node: node, binDirectory: layout.binDirectory)
            nodes[node.number] = process
            // A joining node starts when a test says so (`start(_:)`), once its amendment is on its way.
            if node.joining != true { try process.start() }
        }
    }

    // MARK: - Network faults

    /// Cuts every link between different groups (both directions) and heals every link inside a
    /// group. A node named in no group is alone.
    public func partition(_ groups: [[Int]]) async throws {
        var groupOf: [Int: Int] = [:]
        for (g, members) in groups.enumerated() {
            for n in members {
                _ = try layout.node(n)
                guard groupOf[n] == nil else { throw HarnessError(.usage, "node \(n) is in two groups") }
                groupOf[n] = g
            }
        }
        for (key, proxy) in proxies {
            if let a = groupOf[key.from], a == groupOf[key.to] {
                proxy.heal()
            } else {
                await proxy.cut()
            }
        }
    }

    /// Cuts every link to and from node `n`.
    public func isolate(_ n: Int) async throws {
        _ = try layout.node(n)
        for (key, proxy) in proxies where key.from == n || key.to == n {
            await proxy.cut()
        }
    }

    /// Cuts the one direction `from`→`to`: `from`'s messages no longer reach `to`.
    public func cut(from: Int, to: Int) async throws {
        guard let proxy = proxies[LinkKey(from: from, to: to)] else {
            throw HarnessError(.usage, "no link \(from)>\(to): nodes are 1...\(layout.nodes.count) and differ")
        }
        await proxy.cut()
    }

    /// Heals every link.
    public func heal() {
        for proxy in proxies.values { proxy.heal() }
    }

    /// The links that are cut now, as `i>j`, sorted.
    public func cutLinks() -> [String] {
        proxies.filter { $0.value.mode == .cut }.keys
            .sorted { ($0.from, $0.to) < ($1.from, $1.to) }
            .map { "\($0.from)>\($0.to)" }
    }

    // MARK: - Process faults

    /// SIGKILL node `n` and wait until it is gone.
    public func kill(_ n: Int) async throws {
        await kill9(try process(n))
    }

    /// SIGSTOP node `n`.
    public func stop(_ n: Int) throws {
        try process(n).stop()
    }

    /// SIGCONT node `n`.
    public func cont(_ n: Int) throws {
        try process(n).cont()
    }

    /// Restarts node `n` on its data directory: a running node is stopped first (SIGTERM, then
    /// SIGKILL after a grace period), a killed one is started.
    public func restart(_ n: Int) async throws {
        let node = try process(n)
        await terminate(node)
        try node.start()
    }

    /// Restarts node `n` (as `restart`) with `environment` added to its process environment from
    /// now on, e.g. `["BRAKE_TEST_WALL_CLOCK_OFFSET_MS": "86400000"]` for a node whose wall clock
    /// runs a day ahead. An empty dictionary goes back to the harness's own environment.
    public func restart(_ n: Int, environment: [String: String]) async throws {
        let node = try process(n)
        node.extraEnvironment = environment
        await terminate(node)
        try node.start()
    }

    /// Starts node `n` if it is not running (after a kill); does nothing otherwise.
    public func start(_ n: Int) throws {
        try process(n).start()
    }

    /// The process state of node `n`: running, stopped or exited.
    public func processState(_ n: Int) throws -> String {
        try process(n).currentState.rawValue
    }

    /// The process id of node `n`, while it runs.
    public func pid(_ n: Int) throws -> Int32? {
        try process(n).pid
    }

    /// A client of node `n`'s API.
    public nonisolated func api(_ n: Int) throws -> NodeAPI {
        NodeAPI(socket: try layout.node(n).socket)
    }

    /// Node numbers 1...N.
    public nonisolated var numbers: [Int] { layout.nodes.map(\.number) }

    /// Stops every node (SIGCONT, SIGTERM, then SIGKILL after a grace period) and closes every
    /// proxy. Files stay. Runs to the end even when the caller was cancelled (a test past its time
    /// limit): its waits must not be cut short, or a node could outlive its owner.
    public func shutdown() async {
        await Task { await self.stopEverything() }.value
    }

    private func stopEverything() async {
        // Signal all first so they stop together, then wait for each.
        for node in nodes.values {
            node.signal(SIGCONT)
            node.signal(SIGTERM)
        }
        for node in nodes.values {
            await terminate(node, grace: .seconds(3))
        }
        for proxy in proxies.values { await proxy.close() }
        proxies = [:]
    }

    /// SIGKILL, then wait until the process is gone.
    private func kill9(_ node: NodeProcess) async {
        node.signal(SIGKILL)
        await waitExit(node, timeout: .seconds(10))
        node.markExited()
    }

    /// SIGCONT (so a stopped process can act) and SIGTERM, then SIGKILL if it is still there after `grace`.
    private func terminate(_ node: NodeProcess, grace: Duration = .seconds(5)) async {
        guard node.isRunning else { node.markExited(); return }
        node.signal(SIGCONT)
        node.signal(SIGTERM)
        await waitExit(node, timeout: grace)
        if node.isRunning { await kill9(node) }
        node.markExited()
    }

    private func waitExit(_ node: NodeProcess, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while node.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func process(_ n: Int) throws -> NodeProcess {
        guard let node = nodes[n] else {
            throw HarnessError(.usage, "no node \(n): this federation has nodes 1...\(layout.nodes.count)")
        }
        return node
    }
}
