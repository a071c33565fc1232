import BrakeCore
import Foundation
import Testing

/// The scheduler hooks of Deploy/, each run the way its scheduler runs it, against real `braked` processes:
/// work may start on `clear` only; `paused`, `unknown`, an unreachable node and a node that does not answer
/// in time all hold it back.
@Suite("Scheduler gates fail closed against real nodes", .serialized)
struct GateTests {
    /// One scheduler hook.
    enum Gate: String, CaseIterable, CustomStringConvertible {
        case brakeGate = "brake-gate"
        case slurmProlog = "Slurm prolog"
        case kubernetesInit = "Kubernetes init container"
        case systemdCondition = "systemd ExecCondition="

        var description: String { rawValue }

        /// Runs the hook against the node at `socket`; `partition` is the Slurm job's partition.
        func run(socket: String, partition: String = "gpu-large", environment extra: [String: String] = [:]) throws -> DeployKit.Run {
            let gate = DeployKit.path("Deploy/gates/brake-gate")
            let brakectl = BrakedProcess.binDirectory + "/brakectl"
            var environment: [String: String?] = ["BRAKE_SOCKET": nil, "BRAKE_SCOPE": nil, "BRAKECTL": brakectl]
            let executable: String
            var arguments: [String]
            switch self {
            case .brakeGate:
                executable = gate
                arguments = ["training/frontier"]
                environment["BRAKE_SOCKET"] = socket
            case .slurmProlog:
                // As slurmd or slurmctld run it: no arguments, the job in the environment, the site's
                // settings in gate.conf.
                let conf = try DeployKit.temporaryDirectory("brake-slurm") + "/gate.conf"
                let text = """
                    BRAKE_SOCKET=\(socket)
                    BRAKECTL=\(brakectl)
                    BRAKE_SCOPE=inference
                    BRAKE_SCOPE_gpu_large=training/frontier

                    """
                _ = FileManager.default.createFile(atPath: conf, contents: Data(text.utf8))
                executable = DeployKit.path("Deploy/gates/slurm-prolog.sh")
                arguments = []
                environment["BRAKE_GATE_CONF"] = conf
                environment["BRAKE_GATE"] = gate
                environment["SLURM_JOB_ID"] = "4242"
                environment["SLURM_JOB_PARTITION"] = partition
            case .kubernetesInit:
                let container = try Self.kubernetesInitContainer()
                #expect(container.command == ["/usr/local/bin/brake-gate"], "the init container runs \(container.command)")
                #expect(container.environment["BRAKE_SOCKET"] == "/run/brake/brake.sock")
                executable = gate
                arguments = container.arguments
                for (key, value) in container.environment { environment[key] = value }
                environment["BRAKE_SOCKET"] = socket  // the test's node instead of the host's /run/brake
            case .systemdCondition:
                let unit = try Self.systemdCondition()
                #expect(unit.command.first == "/usr/local/bin/brake-gate", "ExecCondition= runs \(unit.command)")
                executable = gate
                arguments = Array(unit.command.dropFirst())
                for (key, value) in unit.environment { environment[key] = value }
                environment["BRAKE_SOCKET"] = socket
            }
            for (key, value) in extra { environment[key] = value }
            return try DeployKit.run(executable, arguments, environment: environment, limit: .seconds(60))
        }

        /// The init container `brake-gate` of Deploy/kubernetes/training-job.yaml, read with a YAML parser.
        static func kubernetesInitContainer() throws -> (command: [String], arguments: [String], environment: [String: String]) {
            let python = try DeployKit.tool("python3")
            let script = """
                import json, sys, yaml
                docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
                spec = docs[0]["spec"]["template"]["spec"]
                gate = [c for c in spec["initContainers"] if c["name"] == "brake-gate"][0]
                print(json.dumps({"command": gate.get("command", []), "args": gate.get("args", []),
                                  "env": {e["name"]: e["value"] for e in gate.get("env", [])}}))
                """
            let run = try DeployKit.run(python, ["-c", script, DeployKit.path("Deploy/kubernetes/training-job.yaml")])
            guard run.status == 0, let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any] else {
                throw TestFailure("cannot read the init container: \(run)")
            }
            return (object["command"] as? [String] ?? [], object["args"] as? [String] ?? [], object["env"] as? [String: String] ?? [:])
        }

        /// The `ExecCondition=` command and `Environment=` of Deploy/systemd/train-example.service.
        static func systemdCondition() throws -> (command: [String], environment: [String: String]) {
            let text = try String(contentsOfFile: DeployKit.path("Deploy/systemd/train-example.service"), encoding: .utf8)
            var command: [String] = []
            var environment: [String: String] = [:]
            for line in text.split(separator: "\n") {
                if line.hasPrefix("ExecCondition=") {
                    command = line.dropFirst("ExecCondition=".count).split(separator: " ").map(String.init)
                } else if line.hasPrefix("Environment=") {
                    for pair in line.dropFirst("Environment=".count).split(separator: " ") {
                        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                        if parts.count == 2 { environment[parts[0]] = parts[1] }
                    }
                }
            }
            guard !command.isEmpty else { throw TestFailure("train-example.service has no ExecCondition=") }
            return (command, environment)
        }
    }

    /// Checks that `run` held the work back. systemd skips a unit when ExecCondition= exits 1 to 254 (255 or
    /// a signal would fail it instead); brake-gate itself says 1 for paused and 2 for everything unknown.
    static func expectHeldBack(_ gate: Gate, _ run: DeployKit.Run, gateStatus: Int32, _ situation: String) {
        #expect(run.status != 0, "\(gate) let work start when \(situation): \(run)")
        switch gate {
        case .brakeGate: #expect(run.status == gateStatus, "\(gate) when \(situation): \(run)")
        case .systemdCondition: #expect((1...254).contains(run.status), "\(gate) when \(situation): \(run)")
        case .slurmProlog, .kubernetesInit: break
        }
    }

    @Test("every gate lets work start on clear, and holds it back on paused and when nothing listens")
    func clearPausedAndUnreachable() async throws {
        let node = try await BrakedProcess(dataDirectory: BrakedProcess.temporaryDirectory())
        defer { _ = node.terminate() }

        for gate in Gate.allCases {
            let run = try gate.run(socket: node.socketPath)
            #expect(run.status == 0, "\(gate) held work back while training/frontier is clear: \(run)")
        }

        // Nothing at the path, and a socket file that nobody listens on (a crashed node's).
        let scratch = try DeployKit.temporaryDirectory("brake-gate")
        let stale = scratch + "/stale.sock"
        try Self.leaveStaleSocket(at: stale)
        for path in [scratch + "/missing.sock", stale] {
            for gate in Gate.allCases {
                let run = try gate.run(socket: path)
                Self.expectHeldBack(gate, run, gateStatus: 2, "nothing listens at \(path)")
            }
        }

        // Two parties sign a trigger for training: training/frontier is paused.
        let charter = try node.charter()
        let trigger = try motionEnvelope(
            charter: charter, kind: "trigger", scope: "training", proposer: "lab-a", signers: [node.key("lab-a"), node.key("lab-b")])
        let passed = try await node.post("/v1/declarations", body: trigger.jsonBytes())
        #expect(passed.json["state"] as? String == "passed", "\(passed.json)")
        #expect(try brakectl(["check", "training/frontier"], socket: node.socketPath).status == 1)
        for gate in Gate.allCases {
            let run = try gate.run(socket: node.socketPath)
            Self.expectHeldBack(gate, run, gateStatus: 1, "training/frontier is paused")
        }
        // The prolog picks the scope by partition: a CPU partition mapped to inference still runs.
        let inference = try Gate.slurmProlog.run(socket: node.socketPath, partition: "cpu")
        #expect(inference.status == 0, "the prolog held back a job whose scope (inference) is clear: \(inference)")
    }

    @Test("every gate holds work back when the node answers unknown, and when it does not answer in time")
    func unknownAndUnanswering() async throws {
        // A federation of three nodes of which only node-1 runs: it never hears from a quorum, so it
        // answers unknown, as a cut-off node does.
        let node = try await DeployKit.loneNodeOfThree()
        defer { node.stop() }
        let check = try brakectl(["check", "training/frontier", "--json"], socket: node.socket)
        #expect(check.status == 2, "a node without a quorum answered \(check.output)")
        for gate in Gate.allCases {
            let run = try gate.run(socket: node.socket)
            Self.expectHeldBack(gate, run, gateStatus: 2, "the node answers unknown")
        }

        // A stopped node keeps its socket, and the kernel still accepts connections on it, but nothing
        // answers: the gate gives up after BRAKE_GATE_TIMEOUT.
        kill(node.process.processIdentifier, SIGSTOP)
        defer { kill(node.process.processIdentifier, SIGCONT) }
        for gate in Gate.allCases {
            let started = ContinuousClock.now
            let run = try gate.run(socket: node.socket, environment: ["BRAKE_GATE_TIMEOUT": "2"])
            Self.expectHeldBack(gate, run, gateStatus: 2, "the node does not answer")
            #expect(ContinuousClock.now - started < .seconds(20), "\(gate) waited \(ContinuousClock.now - started)")
        }
    }

    /// Binds a Unix socket at `path` and closes it without listening: the file stays, and connecting to
    /// it is refused, as with a crashed node's socket.
    static func leaveStaleSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        let bound = withUnixAddress(path) { bind(fd, $0, $1) }
        guard bound == 0 else { throw TestFailure("bind \(path): \(errno)") }
    }
}
