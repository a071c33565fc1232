import ArgumentParser
import Foundation

/// A brakectl failure: a stable code, a message, and the exit status it maps to.
///
/// Exit statuses: 0 success; for `check` 1 paused and 2 unknown; for `proof` 1 a proof that does not
/// verify; 64 usage, 65 the node refused the
/// input, 66 a file could not be read, 69 the node is unreachable or unavailable, 70 anything else,
/// 77 an insecure key file.
struct CLIError: Error, CustomStringConvertible {
    enum Kind {
        case usage, refused, file, unavailable, internalError, insecure, unverified

        var exitCode: Int32 {
            switch self {
            case .unverified: 1
            case .usage: 64
            case .refused: 65
            case .file: 66
            case .unavailable: 69
            case .internalError: 70
            case .insecure: 77
            }
        }
    }

    var kind: Kind
    var code: String
    var message: String

    init(_ kind: Kind, _ message: String, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.code = code ?? "\(kind)"
    }

    /// The error an API reply carries.
    init(reply: NodeClient.Reply) {
        let detail = reply.apiError ?? (code: "http_\(reply.status)", message: String(decoding: reply.body.prefix(500), as: UTF8.self))
        let kind: Kind = reply.status >= 500 ? .unavailable : .refused
        self.init(kind, detail.message, code: detail.code)
    }

    var description: String { "\(code): \(message)" }
}

/// Runs a command body, printing a `CLIError` to stderr and exiting with its status.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        FileHandle.standardError.write(Data("brakectl: \(error)\n".utf8))
        throw ExitCode(error.kind.exitCode)
    }
}

/// Prints a JSON object built here (values are escaped, whatever the user typed).
func printJSON(_ object: [String: Any]) {
    printJSON(Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)))
}

/// Prints JSON bytes (pretty when they parse) to stdout.
func printJSON(_ bytes: [UInt8]) {
    if let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
       let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
        print(String(decoding: pretty, as: UTF8.self))
    } else {
        print(String(decoding: bytes, as: UTF8.self))
    }
}
