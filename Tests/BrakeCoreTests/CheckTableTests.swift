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

    @Test func updatesKeepTheTableEqualToOneBuiltAfresh() throws {
        // Pauses triggered, re-stored and lifted one at a time; after each step the kept table
        // equals one built from the pauses as they then stand, and a copy taken earlier is unchanged.
        var current: [String: Pause] = [:]
        var table = CheckTable.empty
        var copies: [(CheckTable, [Pause])] = []
        var random = SystemRandomNumberGenerator()
        for step in 0..<600 {
            let id = "p\(Int.random(in: 0..<80, using: &random))"
            let scope = Self.scopes[Int.random(in: 0..<Self.scopes.count, using: &random)]
            var pause = current[id] ?? Pause(id: id, scope: scope, reason: "r", triggeredAt: UInt64(step), since: 0, signers: ["x"])
            if current[id] != nil, Bool.random(using: &random) { pause.liftedAt = UInt64(step) }
            current[id] = pause
            table.update(pause)
            let fresh = CheckTable(pauses: Array(current.values), appliedIndex: 0)
            #expect(table == fresh, "step \(step)")
            if step % 100 == 0 { copies.append((table, fresh.pauses)) }
        }
        let unlifted = current.values.filter { $0.liftedAt == nil }
        #expect(table.count == unlifted.count && !unlifted.isEmpty)
        #expect(table.pauses.map(\.id) == unlifted.sorted(by: CheckTable.oldestFirst).map(\.id))
        for (copy, pauses) in copies { #expect(copy.pauses == pauses) }
    }
}
