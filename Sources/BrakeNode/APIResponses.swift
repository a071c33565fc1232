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

    /// A JSON answer before it becomes a response: what the router returns and what the check fast
    /// path (`CheckFastPath`) writes on the event loop, the same bytes either way.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var body: [UInt8]

        /// The answer as a Hummingbird response.
        var response: Response {
            Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// The JSON answer of an encodable value.
    static func answer(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Answer {
        Answer(status: status, body: (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8))
    }

    /// A JSON response of an encodable value.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        answer(value, status: status).response
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
        errorAnswer(error).response
    }

    /// An error response for a node error.
    static func error(_ error: NodeError) -> Response {
        errorAnswer(error).response
    }

    /// The answer for a registry refusal, with the status its code calls for.
    static func errorAnswer(_ error: BrakeError) -> Answer {
        answer(ErrorBody(error: .init(code: error.code.rawValue, message: error.message)), status: status(for: error.code))
    }

    /// The answer for a node error, with the status its code calls for.
    static func errorAnswer(_ error: NodeError) -> Answer {
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
        return answer(ErrorBody(error: .init(code: error.code.rawValue, message: error.message)), status: status)
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
