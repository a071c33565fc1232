import BrakeCore
import BrakeReplica
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON bodies and error bodies of the local API.
///
/// Every error is `{"error":{"code":"...","message":"..."}}` with a status that fits the code, so
/// clients branch on the stable code and people read the message.
enum APIResponses {
    /// Plain JSON as `curl` and `jq` users expect: sorted keys, and slashes as they are
    /// (`"training/frontier"`, never `"training\/frontier"`).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response of an encodable value.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// A `200` JSON response of bytes already encoded.
    static func json(bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    /// An error response.
    static func error(_ code: String, _ message: String, status: HTTPResponse.Status) -> Response {
        json(ErrorBody(error: .init(code: code, message: message)), status: status)
    }

    /// An error response for a registry refusal, with the status its code calls for.
    static func error(_ error: BrakeError) -> Response {
        Self.error(error.code.rawValue, error.message, status: status(for: error.code))
    }

    /// An error response for a node error.
    static func error(_ error: NodeError) -> Response {
        let status: HTTPResponse.Status
        switch error.code {
        case .tooLarge: status = .contentTooLarge
        case .badRequest: status = .badRequest
        case .notFound, .outOfRange: status = .notFound
        case .historyUnavailable: status = .gone
        case .tooManyStreams: status = .serviceUnavailable
        case .halted: status = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .notLeader, .unavailable, .dropped, .overloaded, .poolFull, .inconsistentStore, .registryLoading: status = .serviceUnavailable
        default: status = .internalServerError
        }
        return Self.error(error.code.rawValue, error.message, status: status)
    }

    /// The status for each registry error code: syntax 400, wrong type 415, conflicts with the
    /// current state 409, other semantic refusals 422.
    static func status(for code: BrakeError.Code) -> HTTPResponse.Status {
        switch code {
        case .malformedJSON, .badBase64, .invalidScope, .invalidTime: return .badRequest
        case .wrongPayloadType: return .unsupportedMediaType
        case .noNewSignature, .motionClosed, .alreadyPaused, .duplicateAttestation, .pauseNotInForce, .duplicateReview: return .conflict
        case .unknownPause, .unknownAttestation: return .notFound
        default: return .unprocessableContent
        }
    }
}
