@testable import BrakeCore
import Testing

/// The check table's scope index answers exactly as covering by whole segments says: every pause in
/// force whose scope is the checked scope or an ancestor of it, oldest first, and nothing else.
@Suite("Check table")
struct CheckTableTests {
    static let segments = ["a", "b", "ab", "a.b", "training", "frontier"]

    /// Every scope of one to three segments drawn from `segments`.
    static let scopes: [Scope] = {
        var paths = segments
        for _ in 0..<2 { paths += paths.flatMap { p in segments.map { "\(p)/\($0)" } }.filter { !paths.contains($0) } }
        return Set(paths).sorted().map { try! Scope($0) }
    }()

    @Test func indexedCheckMatchesCoveringOverEveryScope() throws {
        // Pauses over a spread of scopes, with repeats, one lifted and one past its sunset.
        var pauses: [Pause] = []
        for (n, scope) in Self.scopes.enumerated() where n % 7 == 0 || n % 11 == 0 {
            pauses.append(Pause(id: "p\(n)", scope: scope, reason: "r", triggeredAt: UInt64(n + 1), since: 0, signers: ["x"]))
        }
        pauses.append(Pause(id: "again", scope: try Scope("a/b"), reason: "r", triggeredAt: 900, since: 0, signers: ["x"]))
        pauses.append(Pause(id: "ended", scope: try Scope("a"), reason: "r", triggeredAt: 901, since: 0, signers: ["x"], sunset: 50))
        let table = CheckTable(pauses: pauses, appliedIndex: 1000)
        var pausedVerdicts = 0
        for scope in Self.scopes {
            let expected = pauses.filter { $0.isInForce(at: 100) && $0.scope.covers(scope) }.map(\.id)
            let verdict = table.check(scope, at: 100)
            #expect(verdict.pauses.map(\.id) == expected, "\(scope)")
            #expect(verdict.verdict == (expected.isEmpty ? .clear : .paused), "\(scope)")
            if !expected.isEmpty { pausedVerdicts += 1 }
        }
        // The table is not trivially all-clear or all-paused.
        #expect(pausedVerdicts > 0 && pausedVerdicts < Self.scopes.count)
        // "ab" is not covered by "a", and the sunset is evaluated at check time.
        #expect(table.check(try Scope("a/b/frontier"), at: 10).pauses.map(\.id).contains("ended"))
        #expect(!table.check(try Scope("a/b/frontier"), at: 100).pauses.map(\.id).contains("ended"))
    }

    @Test func coveringPathsAreTheScopeAndItsAncestors() throws {
        #expect(CheckTable.coveringPaths(of: try Scope("training/frontier/x.y")) == ["training/frontier/x.y", "training/frontier", "training"])
        #expect(CheckTable.coveringPaths(of: try Scope("training")) == ["training"])
    }
}
