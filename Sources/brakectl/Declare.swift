import ArgumentParser
import BrakeCore
import BrakeFiles
import Foundation

/// `brakectl propose trigger|lift`: a new motion, signed by the proposer and submitted.
struct Propose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose a motion to trigger a pause of a scope, or to lift a pause.",
        discussion: """
            brakectl propose trigger training --reason "..." --key lab-a.key
            brakectl propose lift PAUSE-ID --reason "..." --key lab-a.key
            The motion takes effect once the charter's policy is met; other parties co-sign with `brakectl sign`.
            """
    )

    enum Kind: String, ExpressibleByArgument { case trigger, lift }

    @Argument(help: "trigger or lift.")
    var kind: Kind
    @Argument(help: "For trigger: the scope (e.g. training/frontier). For lift: the pause id.")
    var target: String
    @Option(name: .long, help: "Why: recorded in the signed motion.")
    var reason: String
    @Option(name: .long, help: "The proposer's private key file.")
    var key: String
    @Option(name: .long, help: "How long the motion stays open for signatures (default 24h, at most the charter's lifetime).")
    var expires = "24h"
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let client = try node.client()
            let signer = try loadKey(key)
            let federation = try await client.federation()
            guard let party = signer.party else {
                throw CLIError(.usage, "the key file \(key) names no party")
            }
            var scopeText = target
            var pause: String?
            if kind == .lift {
                let pauses = try await client.get("/v1/pauses").object?["pauses"] as? [[String: Any]] ?? []
                guard let found = pauses.first(where: { $0["id"] as? String == target }) else {
                    throw CLIError(.refused, "the node knows no pause \(target)", code: "unknown_pause")
                }
                scopeText = found["scope"] as? String ?? ""
                pause = target
            }
            guard let lifetime = DurationText.millis(expires), lifetime > 0 else {
                throw CLIError(.usage, "--expires \(expires) is not a duration like 12h or 7d")
            }
            let scope: Scope
            do throws(BrakeError) { scope = try Scope(scopeText) } catch {
                throw CLIError(.usage, error.message, code: error.code.rawValue)
            }
            let now = Int64(Date().timeIntervalSince1970) * 1000
            let motion = Motion(
                federation: federation, kind: kind == .trigger ? .trigger : .lift, scope: scope, reason: reason,
                pause: pause, proposer: party, created: now, expires: now + Int64(lifetime), nonce: randomNonce()
            )
            let envelope = motion.unsignedEnvelope().signed(with: signer.key)
            try await submit(envelope, to: client, json: json)
        }
    }
}

/// `brakectl sign ID`: co-sign a motion or a charter amendment the node holds, after showing what it
/// says (for an amendment, what it changes in the charter it amends).
struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Co-sign an open motion or amendment: fetch it, show its decoded fields, sign, submit.")

    @Argument(help: "The motion or amendment id (SHA-256 of its payload).")
    var motionID: String
    @Option(name: .long, help: "Your private key file.")
    var key: String
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            try SignedFetch.requireID(motionID, what: "a motion or amendment", code: "invalid_motion_id")
            let client = try node.client()
            let signer = try loadKey(key)
            // The id must be the hash of the bytes we sign, and those bytes must be a motion or an
            // amendment, shown field by field below.
            guard let payload = try await motionPayload(client) else {
                try await signAmendment(client: client, signer: signer)
                return
            }
            let motion: Motion
            do throws(BrakeError) { motion = try Motion.parse(payload: payload) } catch {
                throw CLIError(.refused, "motion \(motionID) is not a valid motion (\(error.message)); not signing", code: error.code.rawValue)
            }
            if !json {
                print("signing motion \(motionID) as \(DisplayText.escaped(signer.party ?? "?")):")
                SignedFetch.show(motion.displayFields)
            }
            let envelope = Envelope(payloadType: Motion.payloadType, payload: payload).signed(with: signer.key)
            try await submit(envelope, to: client, json: json)
        }
    }

    /// The payload of motion `motionID`, or nil when the node has no such motion (it may be an amendment).
    private func motionPayload(_ client: NodeClient) async throws(CLIError) -> [UInt8]? {
        do throws(CLIError) {
            return try await SignedFetch.payload(at: "/v1/motions/\(motionID)", id: motionID, what: "motion", from: client)
        } catch {
            if error.code == "not_found" { return nil }
            throw error
        }
    }

    /// Co-signs amendment `motionID`: its fields, then the difference between the charter it amends
    /// (found in the node's charter history by id) and the charter it carries.
    private func signAmendment(client: NodeClient, signer: (party: String?, key: SigningKey)) async throws(CLIError) {
        let payload = try await SignedFetch.payload(at: "/v1/amendments/\(motionID)", id: motionID, what: "amendment", from: client)
        let amendment: Amendment
        do throws(BrakeError) { amendment = try Amendment.parse(payload: payload) } catch {
            throw CLIError(.refused, "amendment \(motionID) is not a valid amendment (\(error.message)); not signing", code: error.code.rawValue)
        }
        let history = try await client.get("/v1/charter/history").object?["charters"] as? [[String: Any]] ?? []
        var amended: ServedCharter?
        for item in history where item["id"] as? String == amendment.amends { amended = try ServedCharter(item) }
        guard let amended else {
            throw CLIError(.refused, "amendment \(motionID) amends charter \(amendment.amends), which the node's charter history does not hold; not signing", code: "unknown_charter")
        }
        let current = history.last?["id"] as? String
        let lines = ["signing amendment \(motionID) as \(DisplayText.escaped(signer.party ?? "?")):"]
            + amendment.displayFields.map { "  " + ($0.label + ":").padding(toLength: 12, withPad: " ", startingAt: 0) + $0.value }
            + ["  changes:"] + CharterDifference(from: amended.charter, to: amendment.charter).lines.map { "    " + $0 }
            + (current == amendment.amends ? [] : ["  note: the charter in force is \(current ?? "?"), not the one amended; the node will refuse it as stale"])
        display(lines, toStderr: json)
        let envelope = Envelope(payloadType: Amendment.payloadType, payload: payload).signed(with: signer.key)
        try await submit(envelope, to: client, json: json)
    }
}

/// `brakectl attest [record] PAUSE-ID`: a compliance attestation while a pause holds.
struct AttestPeriod: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Attest your party's compliance with a pause for a period (the default).")

    @Argument(help: "The pause id.")
    var pauseID: String
    @Option(name: .long, help: "The period attested, e.g. 2026-11-29.")
    var period: String
    @Option(name: .long, help: "A claim (repeat for several).")
    var claim: [String]
    @Option(name: .long, help: "An evidence file whose SHA-256 is recorded (repeat for several).")
    var evidence: [String] = []
    @Option(name: .long, help: "Your private key file.")
    var key: String
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            let client = try node.client()
            let signer = try loadKey(key)
            let federation = try await client.federation()
            var digests: [String] = []
            for path in evidence {
                let bytes: [UInt8]
                do throws(FileError) { bytes = try FileBytes.read(path) } catch { throw CLIError(.file, error.message, code: error.code) }
                digests.append("sha256:" + sha256Hex(bytes))
            }
            let attestation = Attestation(
                federation: federation, pause: pauseID, party: signer.party ?? "",
                period: period, claims: claim, evidence: digests, created: Int64(Date().timeIntervalSince1970) * 1000
            )
            let envelope = attestation.unsignedEnvelope().signed(with: signer.key)
            try await submit(envelope, to: client, json: json)
        }
    }
}

/// Submits a signed declaration and reports what the node did with it.
func submit(_ envelope: Envelope, to client: NodeClient, json: Bool) async throws(CLIError) {
    let reply = try await client.send(.POST, "/v1/declarations", body: envelope.jsonBytes())
    guard (200..<300).contains(reply.status) else { throw CLIError(reply: reply) }
    if json { printJSON(reply.body); return }
    let answer = reply.object ?? [:]
    let id = answer["id"] as? String ?? "?"
    let state = answer["state"] as? String ?? "?"
    let index = answer["index"] as? UInt64 ?? (answer["index"] as? Int).map(UInt64.init) ?? 0
    if reply.status == 202 {
        print("submitted \(id): not yet committed (entry \(index)); see brakectl motions")
    } else {
        print("\(id): \(state) (entry \(index))")
        if let receipt = answer["receipt"] as? [String: Any], let signers = receipt["signers"] as? [String] {
            print("signed by: \(signers.joined(separator: ", "))")
        }
    }
}

/// 16 random bytes as lowercase hex: a motion's nonce, so two motions with equal text differ.
func randomNonce() -> String {
    SystemRandom.bytes(16).map { String(format: "%02x", $0) }.joined()
}
