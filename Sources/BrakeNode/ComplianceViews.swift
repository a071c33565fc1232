import BrakeCore
import Foundation

/// `GET /v1/compliance`: the rows, and the time and interval they were judged by, so a reader can
/// tell how fresh `overdue` is without asking anything else.
struct ComplianceReport: Encodable {
    var compliance: [ComplianceView]
    /// The node's clock when it judged `overdue`.
    var asOf: String
    var asOfMillis: Millis
    /// The charter's attestation interval: labs owe one attestation per interval of a pause.
    var attestationIntervalSeconds: Int64

    init(rows: [ComplianceRow], now: Millis, charter: Charter) {
        compliance = rows.map(ComplianceView.init)
        asOf = RFC3339.format(now)
        asOfMillis = now
        attestationIntervalSeconds = charter.attestationIntervalSeconds
    }
}

/// One line of the compliance view: where one party stands towards one pause (BrakeCore's
/// `ComplianceRow`). `lastPeriod` and `lastAttested` repeat `lastAttestation` for older clients.
struct ComplianceView: Encodable {
    struct AttestationRef: Encodable {
        var id: String
        var period: String
        var index: UInt64
        var time: String
        var timeMillis: Millis
    }

    struct DisputeView: Encodable {
        var review: String
        var attestation: String
        var period: String
        var reviewer: String
        var reason: String
        var index: UInt64
        var time: String
        var timeMillis: Millis
    }

    var pauseID: String
    var scope: String
    var party: String
    var partyClass: String
    var expected: Bool
    var lastAttestation: AttestationRef?
    var lastPeriod: String?
    var lastAttested: String?
    var lastAttestedMillis: Millis?
    var attestationCount: Int
    var nextDue: String?
    var nextDueMillis: Millis?
    var overdue: Bool
    var overdueSince: String?
    var overdueSinceMillis: Millis?
    var countersignedBy: [String]
    var disputedBy: [String]
    var disputes: [DisputeView]

    init(_ row: ComplianceRow) {
        pauseID = row.pauseID
        scope = row.scope.path
        party = row.party
        partyClass = row.partyClass.rawValue
        expected = row.expected
        lastAttestation = row.lastAttestation.map {
            AttestationRef(id: $0.id, period: $0.period, index: $0.index, time: RFC3339.format($0.time), timeMillis: $0.time)
        }
        lastPeriod = row.lastPeriod
        lastAttested = row.lastAttested.map(RFC3339.format)
        lastAttestedMillis = row.lastAttested
        attestationCount = row.attestationCount
        nextDue = row.nextDue.map(RFC3339.format)
        nextDueMillis = row.nextDue
        overdue = row.overdue
        overdueSince = row.overdueSince.map(RFC3339.format)
        overdueSinceMillis = row.overdueSince
        countersignedBy = row.countersignedBy
        disputedBy = row.disputedBy
        disputes = row.disputes.map {
            DisputeView(
                review: $0.review, attestation: $0.attestation, period: $0.period, reviewer: $0.reviewer, reason: $0.reason,
                index: $0.index, time: RFC3339.format($0.time), timeMillis: $0.time)
        }
    }
}

/// `GET /v1/attestations/{id}`: an attestation as recorded, with the exact payload its party signed
/// (so a government can check what it countersigns or disputes) and the reviews it has had.
struct AttestationView: Encodable {
    struct ReviewView: Encodable {
        var id: String
        var party: String
        var verdict: String
        var reason: String
        var created: String
        var index: UInt64
        var time: String
        var timeMillis: Millis
    }

    var id: String
    var pause: String
    var party: String
    var period: String
    var claims: [String]
    var evidence: [String]
    var created: String
    var payloadType: String
    /// The payload bytes, base64, exactly as signed.
    var payload: String
    /// The payload as text, for people to read before they review it.
    var payloadText: String
    var signers: [String]
    var index: UInt64
    var time: String
    var timeMillis: Millis
    var reviews: [ReviewView]

    init(_ record: AttestationRecord, reviews: [ReviewRecord]) {
        id = record.id
        pause = record.attestation.pause
        party = record.attestation.party
        period = record.attestation.period
        claims = record.attestation.claims
        evidence = record.attestation.evidence
        created = RFC3339.format(record.attestation.created)
        payloadType = record.envelope.payloadType
        payload = Data(record.envelope.payload).base64EncodedString()
        payloadText = String(decoding: record.envelope.payload, as: UTF8.self)
        signers = record.signers
        index = record.index
        time = RFC3339.format(record.time)
        timeMillis = record.time
        self.reviews = reviews.map {
            ReviewView(
                id: $0.id, party: $0.review.party, verdict: $0.review.verdict.rawValue, reason: $0.review.reason,
                created: RFC3339.format($0.review.created), index: $0.index, time: RFC3339.format($0.time), timeMillis: $0.time)
        }
    }
}
