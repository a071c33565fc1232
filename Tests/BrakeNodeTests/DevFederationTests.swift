import BrakeCore
import BrakeFiles
import BrakeNode
import Foundation
import Testing

/// Each dev federation has an id of its own, so a signature made for one run cannot be replayed
/// into another and `check --federation` tells them apart.
@Suite("The dev federation")
struct DevFederationTests {
    @Test("two dev federations get different federation ids; a restart keeps its own")
    func uniqueFederationIDs() throws {
        func federation(_ directory: String) throws -> String {
            let layout = try DevFederationSetup.prepare(dataDirectory: directory, seeds: DevFederationSetup.randomSeeds)
            return try Charter.verify(Envelope(json: FileBytes.read(layout.charterPath))).federation
        }
        let base = NSTemporaryDirectory() + "brake-devfed-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let first = try federation(base + "/a")
        let second = try federation(base + "/b")
        #expect(first.hasPrefix("brake-dev-"))
        #expect(first != second)
        #expect(try federation(base + "/a") == first)
    }
}
