@testable import BrakeCore
import Testing

/// A leader parses a declaration once: what admission parsed is handed to the apply of the same
/// bytes, which then does not parse again, and can only skip work, never change an answer.
@Suite("Parsed declaration")
struct ParsedDeclarationTests {
    @Test func theParsedDeclarationGivesTheSameOutcomeAndRows() throws {
        var plain = Harness(), reusing = Harness()
        let envelope = sign(plain.motion(), "lab-a", "lab-b")
        _ = reusing.motion()  // the same nonce sequence
        let admission = try reusing.registry.admit(envelope, at: t0).get()
        let data = LogRecord(time: t0, envelope: envelope).encoded()
        let without = plain.registry.apply(index: 1, data: data)
        let with = reusing.registry.apply(
            index: 1, committed: CommittedData(data), parsed: ParsedDeclaration(admission.declaration, of: envelope))
        #expect(with == without)
        guard case .accepted = with.outcome else {
            Issue.record("the motion was not accepted: \(with.outcome)")
            return
        }
        #expect(reusing.registry.snapshot() == plain.registry.snapshot())
    }

    /// It is really consulted for its own bytes: a declaration that is not what the payload says
    /// (made inside the module to show the skip; admission only ever builds the true one) decides.
    @Test func theApplyTakesItInsteadOfParsing() throws {
        var h = Harness()
        let envelope = sign(h.motion(.trigger, "training"), "lab-a", "lab-b")
        let other = h.motion(.trigger, "eval")
        let wrong = ParsedDeclaration(.motion(other), of: envelope)
        let result = h.registry.apply(index: 1, committed: CommittedData(LogRecord(time: t0, envelope: envelope).encoded()), parsed: wrong)
        guard case .accepted = result.outcome else {
            Issue.record("not accepted: \(result.outcome)")
            return
        }
        #expect(h.registry.checkTable.check(try Scope("eval"), at: t0, fresh: true, unknownReason: "", pending: []).verdict == .paused)
    }

    @Test func itStandsForItsOwnBytesOnly() throws {
        var plain = Harness(), reusing = Harness()
        let first = sign(plain.motion(.trigger, "training"), "lab-a", "lab-b")
        let second = sign(plain.motion(.trigger, "eval"), "lab-a", "lab-b")
        _ = reusing.motion(.trigger, "training")
        _ = reusing.motion(.trigger, "eval")
        let parsedFirst = ParsedDeclaration(try reusing.registry.admit(first, at: t0).get().declaration, of: first)
        // Handed with another envelope's entry, it is ignored: the entry is parsed as usual.
        let data = LogRecord(time: t0, envelope: second).encoded()
        let without = plain.registry.apply(index: 1, data: data)
        let with = reusing.registry.apply(index: 1, committed: CommittedData(data), parsed: parsedFirst)
        #expect(with == without)
        #expect(reusing.registry.snapshot() == plain.registry.snapshot())
    }
}
