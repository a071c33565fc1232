import BrakeCore
import BrakeRaft
import BrakeReplica
import BrakeSim
import Testing

/// The pending pool on its own: merge of signatures by party, bounds, expiry, and what leaves the
/// pool when entries commit.
@Suite struct PoolTests {
    static let epoch: Int64 = 1_795_910_400_000
    let federation: SimFederation
    let registry: Registry

    init() throws {
        federation = try SimFederation.make(nodes: 3)
        registry = Registry(charter: federation.charter)
    }

    func motion(_ scope: String, proposer: String = "lab-a", n: Int, lifetime: Int64 = 3_600_000) throws -> Motion {
        Motion(
            federation: federation.charter.federation, kind: .trigger, scope: try Scope(scope), reason: "test",
            proposer: proposer, created: Self.epoch, expires: Self.epoch + lifetime, nonce: nonce(n))
    }

    func signed(_ motion: Motion, by parties: [String]) throws -> Envelope {
        var envelope = motion.unsignedEnvelope()
        for party in parties {
            envelope = envelope.signed(with: try #require(federation.key(of: party)))
        }
        return envelope
    }

    @Test("co-signatures merge into one entry by declaration id, one signature per party")
    func mergeByParty() throws {
        var pool = DeclarationPool()
        let m = try motion("training", n: 1)
        let first = pool.offer(try signed(m, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 10)
        #expect(first == .added(id: motionID(payload: m.payloadBytes()), parties: ["lab-a"]))
        // Another party's signature alone (without the proposer's) merges into the same entry.
        let cosign = pool.offer(try signed(m, by: ["gov-a"]), registry: registry, at: Self.epoch, monotonic: 20)
        #expect(cosign == .added(id: motionID(payload: m.payloadBytes()), parties: ["gov-a"]))
        // The proposer's signature again, with a fresh signature of the same party, adds nothing.
        let again = pool.offer(try signed(m, by: ["lab-a", "gov-a"]), registry: registry, at: Self.epoch, monotonic: 30)
        #expect(again == .unchanged(id: motionID(payload: m.payloadBytes())))
        #expect(pool.count == 1)
        let entry = try #require(pool.entries[motionID(payload: m.payloadBytes())])
        #expect(entry.parties == ["gov-a", "lab-a"])
        #expect(entry.envelope.signatures.count == 2)
        // The merged envelope is what the registry admits, and it would pass the trigger policy.
        guard case .success(let admission) = registry.admit(entry.envelope, at: Self.epoch) else {
            Issue.record("the merged envelope is not admitted")
            return
        }
        #expect(admission.wouldPass)
        #expect(entry.arrivals == ["lab-a": 10, "gov-a": 20])
    }

    @Test("a co-signature of a motion the pool does not hold is refused as the registry would")
    func cosignWithoutProposer() throws {
        var pool = DeclarationPool()
        let m = try motion("training", n: 2)
        let offer = pool.offer(try signed(m, by: ["gov-a"]), registry: registry, at: Self.epoch, monotonic: 0)
        guard case .refused(.registry(let error)) = offer else {
            Issue.record("a co-signature without its proposer entered the pool: \(offer)")
            return
        }
        #expect(error.code == .proposerNotSigned)
        #expect(pool.count == 0)
    }

    @Test("a forged signature is refused and leaves nothing behind")
    func forged() throws {
        var pool = DeclarationPool()
        let m = try motion("training", n: 3)
        var envelope = try signed(m, by: ["lab-a"])
        envelope.signatures[0].sig[0] ^= 1
        guard case .refused(.registry(let error)) = pool.offer(envelope, registry: registry, at: Self.epoch, monotonic: 0) else {
            Issue.record("a forged signature entered the pool")
            return
        }
        #expect(error.code == .badSignature)
        #expect(pool.count == 0 && pool.totalBytes == 0)
    }

    @Test("a full pool refuses new declarations with pool_full, counts them, and still merges co-signatures")
    func bounds() throws {
        var pool = DeclarationPool(limits: .init(maxEntries: 2, maxBytes: 1 << 20))
        let a = try motion("training", n: 10), b = try motion("deploy", n: 11), c = try motion("eval", n: 12)
        for m in [a, b] {
            guard case .added = pool.offer(try signed(m, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 0) else {
                Issue.record("a declaration was refused by a pool with room")
                return
            }
        }
        guard case .refused(.node(let error)) = pool.offer(try signed(c, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 0) else {
            Issue.record("a third declaration entered a pool of two")
            return
        }
        #expect(error.code == .poolFull)
        #expect(pool.count == 2 && pool.refusedFull == 1)
        // A co-signature of a held declaration does not add an entry: it still merges.
        guard case .added = pool.offer(try signed(a, by: ["gov-a"]), registry: registry, at: Self.epoch, monotonic: 0) else {
            Issue.record("a co-signature was refused by a full pool")
            return
        }
        // The byte bound holds too.
        var small = DeclarationPool(limits: .init(maxEntries: 100, maxBytes: 600))
        _ = small.offer(try signed(a, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 0)
        guard case .refused(.node(let bytesError)) = small.offer(try signed(b, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 0) else {
            Issue.record("the byte bound did not hold: \(small.totalBytes) bytes")
            return
        }
        #expect(bytesError.code == .poolFull)
        #expect(small.totalBytes <= 600)
    }

    @Test("expired motions leave the pool, and expired ones are not admitted")
    func expiry() throws {
        var pool = DeclarationPool()
        let short = try motion("training", n: 20, lifetime: 60_000)
        let long = try motion("deploy", n: 21)
        _ = pool.offer(try signed(short, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 0)
        _ = pool.offer(try signed(long, by: ["lab-a"]), registry: registry, at: Self.epoch, monotonic: 0)
        pool.dropExpired(at: Self.epoch + 59_999)
        #expect(pool.count == 2)
        pool.dropExpired(at: Self.epoch + 60_000)
        #expect(pool.count == 1)
        #expect(pool.entries[motionID(payload: long.payloadBytes())] != nil)
        let late = pool.offer(try signed(short, by: ["lab-a"]), registry: registry, at: Self.epoch + 60_000, monotonic: 0)
        guard case .refused(.registry(let error)) = late else {
            Issue.record("an expired motion entered the pool: \(late)")
            return
        }
        #expect(error.code == .motionExpired)
    }

    @Test("signatures the registry recorded leave the entry; a closed motion leaves the pool")
    func commitsLeave() throws {
        var pool = DeclarationPool()
        var reg = registry
        let m = try motion("training", n: 30)
        _ = pool.offer(try signed(m, by: ["lab-a"]), registry: reg, at: Self.epoch, monotonic: 0)
        _ = pool.offer(try signed(m, by: ["gov-a"]), registry: reg, at: Self.epoch, monotonic: 0)
        // lab-a's signature alone commits: the motion stays open, gov-a's signature stays pooled.
        let record = LogRecord(time: Self.epoch, envelope: try signed(m, by: ["lab-a"]))
        _ = reg.apply(index: 1, data: record.encoded())
        pool.revalidate(registry: reg, at: Self.epoch)
        #expect(pool.entries[motionID(payload: m.payloadBytes())]?.parties == ["gov-a"])
        // gov-a's commits: the trigger passes, nothing is left to commit.
        _ = reg.apply(index: 2, data: LogRecord(time: Self.epoch, envelope: try signed(m, by: ["gov-a"])).encoded())
        pool.revalidate(registry: reg, at: Self.epoch)
        #expect(pool.count == 0 && pool.totalBytes == 0)
    }
}

/// The pool in the node's core: it is restored from the store at start (entries the registry no
/// longer admits are deleted), and a leader proposes from it.
@Suite struct PoolRestartTests {
    @Test("a restarted node restores its pool; an expired entry's row is deleted")
    func restoresFromStore() throws {
        let federation = try SimFederation.make(nodes: 3)
        let epoch = PoolTests.epoch
        func envelope(_ n: Int, lifetime: Int64) throws -> Envelope {
            let motion = Motion(
                federation: federation.charter.federation, kind: .trigger, scope: try Scope("training"), reason: "test",
                proposer: "lab-a", created: epoch, expires: epoch + lifetime, nonce: nonce(n))
            return motion.unsignedEnvelope().signed(with: try #require(federation.key(of: "lab-a")))
        }
        let kept = try envelope(40, lifetime: 3_600_000), expired = try envelope(41, lifetime: 1_000)
        var replica = try BrakeReplica(
            charter: federation.charter, nodeID: federation.nodeIDs[0], config: ReplicaConfig(),
            stored: .init(hardState: HardState(), snapshot: nil, entries: [], registry: Registry(charter: federation.charter), pool: [kept, expired]),
            now: ReplicaTime(monotonic: 0, wall: epoch + 5_000), random: SplitMix64(seed: 1))
        #expect(replica.pool.count == 1)
        #expect(replica.pool.entries[motionID(payload: kept.payload)]?.parties == ["lab-a"])
        let ready = replica.ready()
        #expect(ready.pool == [PoolWrite(id: motionID(payload: expired.payload), envelope: nil)])
    }

    @Test("a leader proposes what its pool holds, once per new set of parties, and the pool drains on commit")
    func leaderProposesFromPool() throws {
        var cluster = try ReplicaCluster()
        #expect(cluster.run(upTo: 100) { $0.leader != nil })
        let leader = try #require(cluster.leader)
        let envelope = try cluster.trigger("training", signers: ["lab-a"], nonce: nonce(0x51))
        let id = motionID(payload: envelope.payload)
        // The declaration reaches the leader only by gossip: a follower's peer sends it.
        let follower = try #require(cluster.ids.first { $0 != leader })
        let now = cluster.time
        cluster.replicas[leader]?.receive(
            PeerMessage(from: follower, to: leader, body: .gossipDeclarations(envelopes: [envelope.jsonBytes()])),
            from: follower, at: now)
        #expect(cluster.replicas[leader]?.pool.entries[id] != nil)
        cluster.drain(leader)
        cluster.deliver()
        let appends = cluster.sent.filter { if case .raft(let m) = $0.body, case .append(_, _, let entries, _) = m.kind { entries.contains { !$0.data.isEmpty } } else { false } }
        #expect(!appends.isEmpty)
        #expect(cluster.run(upTo: 20) { c in c.ids.allSatisfy { c.replicas[$0]?.registry.motion(id: id) != nil } })
        #expect(cluster.ids.allSatisfy { cluster.replicas[$0]?.pool.entries[id] == nil })
        // Exactly one entry carried it.
        let carrying = Set(cluster.sent.compactMap { message -> UInt64? in
            guard case .raft(let m) = message.body, case .append(_, _, let entries, _) = m.kind else { return nil }
            return entries.first { entry in (try? LogRecord(decoding: entry.data)).map { motionID(payload: $0.envelope.payload) == id } ?? false }?.index
        })
        #expect(carrying.count == 1)
    }
}
