import Foundation
import Testing

/// The operator's kit (Deploy/) checked by the tools that know each format: systemd, Prometheus,
/// Compose, Kubernetes schemas, yamllint, shellcheck. A missing tool fails these tests.
@Suite("Deploy files pass their validators")
struct DeployFileTests {
    static let units = [
        "braked.service", "train-example.service", "brake-backup.service", "brake-backup.timer",
        "brake-metrics.service", "brake-metrics.timer",
    ]

    /// A root for `systemd-analyze verify --root`: the host's unit directory (targets the units refer to)
    /// and a stub for every program the units run, so verify checks the units and nothing of this host.
    static func systemdRoot() throws -> String {
        let root = try DeployKit.temporaryDirectory("brake-systemd-root")
        let fm = FileManager.default
        let hostUnits = ["/usr/lib/systemd/system", "/lib/systemd/system"].first { fm.fileExists(atPath: $0 + "/multi-user.target") }
        guard let hostUnits else { throw TestFailure("no systemd unit directory on this host; Deploy/install-deps.sh installs systemd") }
        try fm.createDirectory(atPath: root + "/usr/lib/systemd", withIntermediateDirectories: true)
        try fm.copyItem(atPath: hostUnits, toPath: root + "/usr/lib/systemd/system")
        try fm.createDirectory(atPath: root + "/etc/systemd/system", withIntermediateDirectories: true)
        for unit in units {
            try fm.copyItem(atPath: DeployKit.path("Deploy/systemd/\(unit)"), toPath: root + "/etc/systemd/system/\(unit)")
        }
        for program in [
            "/usr/local/bin/braked", "/usr/local/bin/brake-gate", "/usr/local/lib/brake/brake-metrics-textfile",
            "/opt/lab/train.sh", "/bin/sh",
        ] {
            let path = root + program
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        }
        return root
    }

    @Test("every systemd unit passes systemd-analyze verify with nothing to say")
    func systemdVerify() throws {
        let analyze = try DeployKit.tool("systemd-analyze")
        let root = try Self.systemdRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for unit in Self.units {
            let run = try DeployKit.run(analyze, ["verify", "--man=no", "--root=\(root)", root + "/etc/systemd/system/\(unit)"])
            // verify exits 0 on an unknown key or a value it cannot parse (it ignores the line): any
            // output is a finding.
            #expect(run.status == 0, "\(unit): \(run)")
            #expect(run.output.isEmpty && run.errors.isEmpty, "\(unit): \(run)")
        }
    }

    @Test("braked.service is sandboxed: systemd's exposure score at most 1.5, and the layout braked expects")
    func systemdHardening() throws {
        let analyze = try DeployKit.tool("systemd-analyze")
        let unit = DeployKit.path("Deploy/systemd/braked.service")
        let run = try DeployKit.run(analyze, ["security", "--offline=yes", "--threshold=15", unit])
        #expect(run.status == 0, "exposure above 1.5: \(run)")
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        let settings = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for line in [
            "User=brake", "NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=brake", "StateDirectoryMode=0700",
            "RuntimeDirectory=brake", "RuntimeDirectoryMode=0750", "Restart=on-failure", "RestartPreventExitStatus=78",
            "CapabilityBoundingSet=", "ExecStart=/usr/local/bin/braked --config /etc/brake/node.json",
        ] {
            #expect(settings.contains(line), "braked.service lacks \(line)")
        }
        // The example config names the directories the unit makes: /var/lib/brake and /run/brake.
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: DeployKit.path("Deploy/node.json")))) as? [String: Any]
        #expect(config?["dataDir"] as? String == "/var/lib/brake")
        #expect(config?["socket"] as? String == "/run/brake/brake.sock")
    }

    @Test("the alert rules pass promtool check rules and their unit tests (promtool test rules)")
    func prometheusRules() throws {
        let promtool = try DeployKit.tool("promtool")
        let directory = DeployKit.path("Deploy/observability")
        let check = try DeployKit.run(promtool, ["check", "rules", "brake-alerts.yaml"], directory: directory)
        #expect(check.status == 0, "\(check)")
        let tests = try DeployKit.run(promtool, ["test", "rules", "brake-alerts.test.yaml"], directory: directory)
        #expect(tests.status == 0, "\(tests)")
        // Every alert named in the operator guide's alarm table has a rule, and every rule a section.
        let rules = try String(contentsOfFile: directory + "/brake-alerts.yaml", encoding: .utf8)
        let guide = try String(contentsOfFile: DeployKit.path("Deploy/OPERATORS.md"), encoding: .utf8)
        let alerts = rules.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- alert: ") ? String(trimmed.dropFirst("- alert: ".count)) : nil
        }
        #expect(alerts.count >= 10)
        for alert in alerts {
            #expect(guide.contains("### \(alert)"), "OPERATORS.md has no section ### \(alert)")
        }
    }

    @Test("the YAML under Deploy/ passes yamllint --strict")
    func yamlLint() throws {
        let yamllint = try DeployKit.tool("yamllint")
        let files = [
            "Deploy/container/compose.yaml", "Deploy/kubernetes/braked-statefulset.yaml", "Deploy/kubernetes/training-job.yaml",
            "Deploy/observability/brake-alerts.yaml", "Deploy/observability/brake-alerts.test.yaml",
        ]
        let run = try DeployKit.run(yamllint, ["--strict", "-c", "Deploy/yamllint.yaml"] + files, directory: DeployKit.root)
        #expect(run.status == 0, "\(run)")
    }

    @Test("the compose file passes docker-compose config and declares the three nodes")
    func compose() throws {
        let compose = try DeployKit.tool("docker-compose")
        let file = DeployKit.path("Deploy/container/compose.yaml")
        let run = try DeployKit.run(compose, ["-f", file, "config", "-q"])
        #expect(run.status == 0, "\(run)")
        let services = try DeployKit.run(compose, ["-f", file, "--profile", "demo", "--profile", "tools", "config", "--services"])
        #expect(services.status == 0, "\(services)")
        let names = Set(services.output.split(separator: "\n").map(String.init))
        #expect(names == ["federation-init", "node-1", "node-2", "node-3", "cli", "trainer"], "\(names)")
    }

    @Test("the Kubernetes manifests validate against the Kubernetes schemas (strict)")
    func kubernetes() throws {
        let validate = try DeployKit.tool("kubernetes-validate")
        for manifest in ["braked-statefulset.yaml", "training-job.yaml"] {
            let run = try DeployKit.run(validate, ["--strict", DeployKit.path("Deploy/kubernetes/\(manifest)")])
            #expect(run.status == 0, "\(manifest): \(run)")
            #expect(!run.output.contains("ERROR") && !run.errors.contains("ERROR"), "\(manifest): \(run)")
        }
    }

    @Test("the container recipe matches the repository and what compose and Kubernetes run in it")
    func containerRecipe() throws {
        let python = try DeployKit.tool("python3")
        let run = try DeployKit.run(python, [DeployKit.path("Deploy/tests/check-container.py"), DeployKit.root])
        #expect(run.status == 0, "\(run)")
    }

    @Test("the shell scripts pass shellcheck")
    func shellScripts() throws {
        let shellcheck = try DeployKit.tool("shellcheck")
        let scripts = [
            "Deploy/gates/brake-gate", "Deploy/gates/slurm-prolog.sh", "Deploy/container/federation-init.sh",
            "Deploy/observability/brake-metrics-textfile",
        ]
        let run = try DeployKit.run(shellcheck, ["-s", "sh"] + scripts, directory: DeployKit.root)
        #expect(run.status == 0, "\(run)")
        let bash = try DeployKit.run(shellcheck, ["Deploy/install-deps.sh", "Deploy/test.sh"], directory: DeployKit.root)
        #expect(bash.status == 0, "\(bash)")
    }

    @Test("the Grafana dashboard is well formed: unique panel ids, a query per target, the datasource variable")
    func dashboardShape() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: DeployKit.path("Deploy/observability/brake-dashboard.json")))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["uid"] as? String == "brake-nodes")
        let variables = ((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]]) ?? []
        #expect(variables.contains { $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource" })
        #expect(variables.contains { $0["name"] as? String == "instance" })
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids must be present and unique")
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            #expect(panel["gridPos"] is [String: Any], "\(title): no gridPos")
            #expect(((panel["datasource"] as? [String: Any])?["uid"] as? String) == "${datasource}", "\(title): datasource")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title): no query")
            let refIDs = targets.compactMap { $0["refId"] as? String }
            #expect(refIDs.count == targets.count && Set(refIDs).count == refIDs.count, "\(title): refIds")
            for target in targets {
                #expect(((target["expr"] as? String) ?? "").contains("brake_"), "\(title): a query without a Brake metric")
            }
        }
    }
}
