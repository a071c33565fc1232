import ArgumentParser
import BrakeCore
import Foundation

/// `brakectl attest`: attest a period, or (a government) countersign or dispute an attestation.
struct Attest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attest compliance with a pause, or countersign or dispute an attestation.",
        discussion: """
            brakectl attest PAUSE-ID --period 2026-11-29 --claim no-training-above-threshold --key lab-a.key
            brakectl attest countersign ATTESTATION-ID --key gov-a.key
            brakectl attest dispute ATTESTATION-ID --reason "..." --key gov-a.key
            Labs owe one attestation per charter interval while a pause holds; only governments review.
            """,
        subcommands: [AttestPeriod.self, Countersign.self, Dispute.self],
        defaultSubcommand: AttestPeriod.self
    )
}

/// `brakectl attest countersign ATTESTATION-ID`: a government vouches for an attestation.
struct Countersign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Countersign an attestation (governments): fetch it, show it, sign a countersignature, submit.")

    @Argument(help: "The attestation id (SHA-256 of its payload).")
    var attestationID: String
    @Option(name: .long, help: "An optional note recorded with the countersignature.")
    var reason = ""
    @Option(name: .long, help: "Your private key file.")
    var key: String
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            try await review(attestationID, verdict: .countersign, reason: reason, key: key, node: node, json: json)
        }
    }
}

/// `brakectl attest dispute ATTESTATION-ID --reason R`: a government contests an attestation.
struct Dispute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dispute an attestation (governments), saying why: fetch it, show it, sign the dispute, submit.")

    @Argument(help: "The attestation id (SHA-256 of its payload).")
    var attestationID: String
    @Option(name: .long, help: "Why the attestation is disputed (required; recorded in the signed dispute).")
    var reason: String
    @Option(name: .long, help: "Your private key file.")
    var key: String
    @OptionGroup var node: NodeOptions
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        try await runReporting {
            try await review(attestationID, verdict: .dispute, reason: reason, key: key, node: node, json: json)
        }
    }
}

/// Fetches the attestation, checks that its payload hashes to the id and parses, shows it, then
/// signs and submits the review. Never signs what the node merely says.
private func review(
    _ attestationID: String, verdict: ReviewVerdict, reason: String, key: String, node: NodeOptions, json: Bool
) async throws(CLIError) {
    try SignedFetch.requireID(attestationID, what: "an attestation", code: "invalid_attestation_id")
    if verdict == .dispute, reason.isEmpty {
        throw CLIError(.usage, "a dispute needs --reason", code: "invalid_review")
    }
    let client = try node.client()
    let signer = try loadKey(key)
    guard let party = signer.party else { throw CLIError(.usage, "the key file \(key) names no party") }
    let federation = try await client.federation()
    let payload = try await SignedFetch.payload(
        at: "/v1/attestations/\(attestationID)", id: attestationID, what: "attestation", from: client)
    let attestation: Attestation
    do throws(BrakeError) { attestation = try Attestation.parse(payload: payload) } catch {
        throw CLIError(.refused, "\(attestationID) is not a valid attestation (\(error.message)); not signing", code: error.code.rawValue)
    }
    if !json {
        print("\(verdict == .dispute ? "disputing" : "countersigning") attestation \(attestationID) as \(DisplayText.escaped(party)):")
        SignedFetch.show(attestation.displayFields)
    }
    let review = AttestationReview(
        federation: federation, attestation: attestationID, party: party, verdict: verdict, reason: reason,
        created: Int64(Date().timeIntervalSince1970) * 1000)
    try await submit(review.unsignedEnvelope().signed(with: signer.key), to: client, json: json)
}
