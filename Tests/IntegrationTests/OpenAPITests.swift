import BrakeCore
import Foundation
import Testing

/// The OpenAPI document of the local API: valid OpenAPI 3.1, covering every route and every stable
/// error code, and strict enough that the checker refuses the shapes the API must not return.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("Specs/openapi.yaml is a valid OpenAPI 3.1 document")
    func documentValidates() throws {
        let result = try OpenAPIChecker.run(["validate", OpenAPIChecker.document])
        #expect(result.status == 0, "openapi_check.py validate: \(result.output)")
    }

    @Test("the document has exactly the routes of APIServer.router()")
    func everyRouteIsDocumented() throws {
        let source = try String(contentsOfFile: OpenAPIChecker.root + "/Sources/BrakeNode/APIServer.swift", encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"router\.(get|post|put|patch|delete)\("([^"]+)""#)
        let routes = pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)).map { match -> String in
            let method = String(source[Range(match.range(at: 1), in: source)!]).uppercased()
            let path = String(source[Range(match.range(at: 2), in: source)!])
                .split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                .joined(separator: "/")
            return "\(method) \(path)"
        }
        #expect(routes.count >= 11, "found only \(routes) in APIServer.swift; did the router's shape change?")
        let documented = try OpenAPIChecker.lines("operations")
        #expect(Set(routes) == Set(documented), "routes \(routes.sorted()) but the document has \(documented.sorted())")
    }

    @Test("every stable error code of NodeError and BrakeError is in the document's ErrorCode")
    func everyErrorCodeIsDocumented() throws {
        let pattern = try NSRegularExpression(pattern: #"Code\(rawValue: "([a-z0-9_]+)"\)"#)
        var codes: Set<String> = []
        for file in ["Sources/BrakeReplica/NodeError.swift", "Sources/BrakeCore/BrakeError.swift"] {
            let source = try String(contentsOfFile: OpenAPIChecker.root + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                codes.insert(String(source[Range(match.range(at: 1), in: source)!]))
            }
        }
        #expect(codes.count > 30, "found only \(codes.sorted()) in the error types")
        let documented = Set(try OpenAPIChecker.lines("error-codes"))
        #expect(codes.subtracting(documented).isEmpty, "codes missing from ErrorCode in Specs/openapi.yaml: \(codes.subtracting(documented).sorted())")
    }

    /// Shapes the API had before, or could drift to: each must fail the check on its own.
    static let wrongShapes: [Exchange] = [
        Exchange(method: "GET", path: "/v1/status", request: "a status without its role", status: 200, contentType: "application/json",
                 body: #"{"appliedIndex":1,"commitIndex":1,"federation":"f","fresh":true,"lastIndex":1,"node":"n","openMotions":0,"party":"p","pausesInForce":0,"registryDigest":"\#(String(repeating: "0", count: 64))","snapshotIndex":0,"snapshotsInstalled":0,"term":1,"voters":["n"]}"#),
        Exchange(method: "GET", path: "/v1/pauses", request: "a pause with since in epoch milliseconds only", status: 200, contentType: "application/json",
                 body: #"{"pauses":[{"id":"\#(String(repeating: "a", count: 64))","inForce":true,"reason":"r","scope":"training","signers":["lab-a"],"since":1764410400000,"triggeredAt":3}]}"#),
        Exchange(method: "GET", path: "/v1/log", request: "an envelope as a string holding JSON", status: 200, contentType: "application/json",
                 body: #"{"entries":[{"declaration":"{\"payload\":\"e30=\",\"payloadType\":\"application/vnd.brake.motion.v1+json\",\"signatures\":[]}","index":2,"noop":false,"term":1,"time":"2026-11-29T10:00:00Z","timeMillis":1764410400000}]}"#),
        Exchange(method: "GET", path: "/v1/checkpoint", request: "a root in hex, not base64", status: 200, contentType: "application/json",
                 body: #"{"appliedIndex":3,"origin":"f","root":"\#(String(repeating: "0", count: 64))","size":2}"#),
        Exchange(method: "GET", path: "/v1/proof/inclusion", request: "a size beyond the tree as not_found", status: 404, contentType: "application/json",
                 body: #"{"error":{"code":"not_found","message":"m"}}"#),
        Exchange(method: "GET", path: "/v1/check", request: "an error code nobody documented", status: 400, contentType: "application/json",
                 body: #"{"error":{"code":"oops","message":"m"}}"#),
        Exchange(method: "POST", path: "/v1/declarations", request: "a 409 with a code of another status", status: 409, contentType: "application/json",
                 body: #"{"error":{"code":"bad_signature","message":"m"}}"#),
        Exchange(method: "GET", path: "/v1/motions", request: "a body that is not JSON", status: 200, contentType: "application/json", body: "motions: none"),
        Exchange(method: "GET", path: "/v1/charter", request: "the wrong media type", status: 200, contentType: "text/html", body: "<html></html>"),
        Exchange(method: "GET", path: "/v1/events", request: "an event whose data is not of its type", status: 200, contentType: "text/event-stream",
                 body: "id: 3.0\nevent: pause_in_force\ndata: {\"id\":\"\(String(repeating: "a", count: 64))\",\"index\":3,\"type\":\"motion_opened\"}\n\n"),
        Exchange(method: "GET", path: "/v1/compliance", request: "an overdue row that does not say since when", status: 200, contentType: "application/json",
                 body: #"{"asOf":"2026-11-30T10:00:00Z","asOfMillis":1795032000000,"attestationIntervalSeconds":86400,"compliance":[{"attestationCount":0,"countersignedBy":[],"disputedBy":[],"disputes":[],"expected":true,"nextDue":"2026-11-30T10:00:00Z","nextDueMillis":1795032000000,"overdue":true,"party":"lab-a","partyClass":"lab","pauseID":"\#(String(repeating: "a", count: 64))","scope":"training"}]}"#),
        Exchange(method: "GET", path: "/v1/events", request: "a dispute without its reason", status: 200, contentType: "text/event-stream",
                 body: "id: 7.0\nevent: attestation_disputed\ndata: {\"attestation\":\"\(String(repeating: "b", count: 64))\",\"index\":7,\"party\":\"lab-a\",\"pause\":\"\(String(repeating: "a", count: 64))\",\"reviewer\":\"gov-a\",\"type\":\"attestation_disputed\"}\n\n"),
        Exchange(method: "GET", path: "/v1/events", request: "an event id without its position", status: 200, contentType: "text/event-stream",
                 body: "id: 3\nevent: motion_opened\ndata: {\"id\":\"\(String(repeating: "a", count: 64))\",\"index\":3,\"type\":\"motion_opened\"}\n\n"),
    ]

    @Test("the checker refuses each wrong shape, and says what it saw")
    func checkerRefusesWrongShapes() throws {
        let result = try OpenAPIChecker.check(Self.wrongShapes)
        #expect(result.status == 1, "the checker passed wrong shapes: \(result.output)")
        for shape in Self.wrongShapes {
            #expect(result.output.contains("FAIL \(shape.method) \(shape.request) -> \(shape.status):"), "not refused: \(shape.request)\n\(result.output)")
        }
        #expect(result.output.contains("0 of \(Self.wrongShapes.count) responses match"), "\(result.output)")
    }
}
