import BrakeCore
import BrakeHarness
import Testing

/// The history checker on histories built by hand: good ones pass, and each broken promise is
/// caught by its own rule.
@Suite struct HistoryCheckerTests {
    let fixture: CheckerFixture
    var checker: HistoryChecker { HistoryChecker(charter: fixture.charter) }

    init() throws {
        fixture = try CheckerFixture()
    }

    func rules(_ run: CheckerFixture.Run) -> [Violation.Rule] {
        checker.violations(history: run.history, finals: run.finals).map(\.rule)
    }

    // MARK: - Histories that must pass

    @Test func goodRunPasses() throws {
        let run = try fixture.goodRun()
        let found = checker.violations(history: run.history, finals: run.finals)
        #expect(found.isEmpty, "\(found)")
    }

    @Test func unknownIsAlwaysAllowed() throws {
        var run = try fixture.goodRun()
        run.history.checks = (0..<20).map { fixture.check("unknown", node: $0 % 3 + 1, at: Double($0) * 0.4) }
        #expect(rules(run).isEmpty)
    }

    /// A `clear` whose staleness bound reaches back before the pause was acknowledged is allowed.
    @Test func clearWithinStalenessOfTheCommitIsAllowed() throws {
        var run = try fixture.goodRun()
        run.history.checks.append(fixture.check("clear", at: 2.9, staleness: 1_000))
        #expect(rules(run).isEmpty)
    }

    /// Once a lift was sent, a `clear` may be right (the lift may have committed before the client heard).
    @Test func clearAfterTheLiftWasSentIsAllowed() throws {
        var run = try fixture.goodRun()
        run.history.checks.append(fixture.check("clear", at: 5.2))
        #expect(rules(run).isEmpty)
    }

    /// A declaration that was never acknowledged may be missing; a refused one too.
    @Test func unacknowledgedSubmissionsMayBeMissing() throws {
        var run = try fixture.goodRun()
        let extra = try fixture.motion(.trigger, scope: "inference", proposer: "p3", nonce: "0123456789abcdef0123456789abcdef")
        let envelope = fixture.signed(extra, by: "p3")
        run.history.submits.append(fixture.submit(envelope, motion: extra, by: "p3", at: 8, outcome: .pending))
        run.history.submits.append(fixture.submit(envelope, motion: extra, by: "p3", at: 9, outcome: .failed(reason: "no answer (timeout)")))
        run.history.submits.append(fixture.submit(envelope, motion: extra, by: "p3", at: 10, outcome: .refused(code: "not_leader")))
        #expect(rules(run).isEmpty)
    }

    @Test func nodesWithoutDigestsAreComparedByLogOnly() throws {
        var run = try fixture.goodRun()
        for i in run.finals.indices { run.finals[i].registryDigest = nil }
        #expect(rules(run).isEmpty)
    }

    // MARK: - Histories that must fail

    @Test func lostAcknowledgedDeclarationIsCaught() throws {
        var run = try fixture.goodRun()
        // Node 2 lost entry 3, p3's acknowledged co-signature (the rest shifted into its place).
        var shorter = run.log
        shorter.remove(at: 2)
        run.finals[1].log = shorter
        run.finals[1].pauses = []
        let found = rules(run)
        #expect(found.contains(.lostAcknowledged))
        #expect(found.contains(.divergentLogs))
    }

    @Test func divergentLogsAreCaught() throws {
        var run = try fixture.goodRun()
        var other = run.log
        other[0] = LoggedEntry(index: 1, term: 2, declaration: nil)
        run.finals[2].log = other
        #expect(rules(run) == [.divergentLogs])
    }

    @Test func divergentDigestsAreCaught() throws {
        var run = try fixture.goodRun()
        run.finals[1].registryDigest = "cd34"
        #expect(rules(run) == [.divergentDigests])
    }

    @Test func missingFinalStateIsCaught() throws {
        var run = try fixture.goodRun()
        run.finals[2].log = nil
        #expect(rules(run).contains(.noFinalState))
    }

    @Test func clearWhilePausedIsCaught() throws {
        var run = try fixture.goodRun()
        run.history.checks.append(fixture.check("clear", node: 3, at: 3.5, staleness: 1_000))
        let found = checker.violations(history: run.history, finals: run.finals)
        #expect(found.map(\.rule) == [.clearWhilePaused])
        #expect(found.first?.message.contains("node 3") == true, "\(found)")
    }

    /// The pause covers `training`, so a clear for `training/frontier` breaks it, and one for
    /// `inference` does not.
    @Test func clearOfACoveredScopeOnlyIsCaught() throws {
        var run = try fixture.goodRun()
        run.history.checks.append(fixture.check("clear", scope: "inference", at: 3.5))
        #expect(rules(run).isEmpty)
        run.history.checks.append(fixture.check("clear", scope: "training", at: 3.5))
        #expect(rules(run) == [.clearWhilePaused])
    }

    @Test func pauseWithoutTriggerPolicyIsCaught() throws {
        var run = try fixture.goodRun()
        // The log holds only p1's signature of the trigger, yet the nodes report it paused.
        let pauseID = run.finals[0].pauses![0].id
        let log = run.log.filter { $0.index != 3 }
        for i in run.finals.indices {
            run.finals[i].log = log
            run.finals[i].pauses = [PauseSummary(id: pauseID, scope: "training", triggeredAt: 2)]
        }
        run.history.submits.removeAll { $0.signer == "p3" }
        #expect(Set(rules(run)) == [.pauseWithoutPolicy])
    }

    @Test func liftWithoutLiftPolicyIsCaught() throws {
        var run = try fixture.goodRun()
        // Two labs sign the lift: two parties, but no government.
        let l3 = fixture.signed(run.lift, by: "p3")
        var log = run.log
        log[4] = fixture.entry(5, l3)
        for i in run.finals.indices { run.finals[i].log = log }
        run.history.submits[3] = fixture.submit(l3, motion: run.lift, by: "p3", at: 6, outcome: .acknowledged(index: 5, state: "passed"))
        // Each of the three nodes reports the lift, so each is a violation.
        #expect(rules(run) == [.liftWithoutPolicy, .liftWithoutPolicy, .liftWithoutPolicy])
    }

    /// A signature by a key outside the charter counts for nobody.
    @Test func signaturesByStrangersDoNotCount() throws {
        var run = try fixture.goodRun()
        let stranger = try SigningKey(seed: [UInt8](repeating: 9, count: 32))
        let forged = run.trigger.unsignedEnvelope().signed(with: stranger)
        var log = run.log
        log[2] = fixture.entry(3, forged)
        for i in run.finals.indices { run.finals[i].log = log }
        run.history.submits.removeAll { $0.signer == "p3" }
        #expect(Set(rules(run)) == [.pauseWithoutPolicy])
    }
}
