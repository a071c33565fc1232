import BrakeCore
import Foundation
import NIOCore

/// Real signed declarations for the benchmark, made before any clock starts.
///
/// Each is a trigger motion on a scope of its own (`bench/<tag>/<k>`), proposed and signed by one
/// party, so every one is a new declaration the registry admits and every node verifies. With one
/// party's signature a motion stays open when the trigger policy needs two parties; in a one-node
/// federation (policy: one party) each one also opens a pause.
public struct SignedMotions: Sendable {
    /// The charter the motions belong to.
    public var charter: Charter
    /// The proposing party's id.
    public var party: String
    /// Its key.
    public var key: SigningKey

    /// Motions proposed and signed by `party`.
    public init(charter: Charter, party: String, key: SigningKey) {
        self.charter = charter
        self.party = party
        self.key = key
    }

    /// A trigger motion on `scope`, unsigned.
    public func motion(scope: String, now: Date = Date()) throws -> Motion {
        let created = Int64(now.timeIntervalSince1970) * 1000
        return Motion(
            federation: charter.federation, kind: .trigger, scope: try Scope(scope), reason: "brake-harness bench",
            proposer: party, created: created, expires: created + 3_600_000,
            nonce: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        )
    }

    /// `count` signed motions on scopes `bench/<tag>/0...`, as request bodies, signed on every core.
    public func bodies(count: Int, tag: String) async throws -> [ByteBuffer] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (count + workers - 1) / max(workers, 1)
        return try await withThrowingTaskGroup(of: (Int, [ByteBuffer]).self) { group in
            for w in 0..<workers {
                let range = (w * chunk)..<min(count, (w + 1) * chunk)
                guard !range.isEmpty else { continue }
                group.addTask {
                    var made: [ByteBuffer] = []
                    made.reserveCapacity(range.count)
                    for k in range {
                        let envelope = try motion(scope: "bench/\(tag)/\(k)").unsignedEnvelope().signed(with: key)
                        made.append(ByteBuffer(bytes: envelope.jsonBytes()))
                    }
                    return (w, made)
                }
            }
            var parts: [Int: [ByteBuffer]] = [:]
            for try await (w, made) in group { parts[w] = made }
            return parts.keys.sorted().flatMap { parts[$0]! }
        }
    }
}

extension SignedMotions {
    /// One signed motion on `scope`, as JSON bytes.
    public func envelopeBytes(scope: String) throws -> [UInt8] {
        try motion(scope: scope).unsignedEnvelope().signed(with: key).jsonBytes()
    }
}
