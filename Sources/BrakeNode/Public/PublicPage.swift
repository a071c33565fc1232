import HTTPTypes
import Hummingbird
import NIOCore

/// The transparency page of the public listener: plain HTML, CSS and JavaScript modules, with no
/// build step, no framework and nothing loaded from anywhere but this listener.
///
/// The files are Swift string literals (`PublicPage+HTML.swift`, `+Style`, `+Script`, `+Verify`, `+Charters`),
/// each holding the file's text verbatim, rather than SwiftPM resources: a resource bundle sits
/// beside the build output and is not found once `braked` is installed on its own (the container
/// image copies the binary alone), while a literal is part of the binary wherever it goes.
enum PublicPage {
    /// One file of the page.
    struct Asset: Sendable {
        var contentType: String
        var text: String

        /// The file as a response; the page is small and changes with the binary, so it is revalidated.
        func response() -> Response {
            Response(
                status: .ok,
                headers: [.contentType: contentType, .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// The page's files by path.
    static let assets: [String: Asset] = [
        "/": Asset(contentType: "text/html; charset=utf-8", text: html),
        "/index.html": Asset(contentType: "text/html; charset=utf-8", text: html),
        "/page/style.css": Asset(contentType: "text/css; charset=utf-8", text: style),
        "/page/app.js": Asset(contentType: "text/javascript; charset=utf-8", text: appScript),
        "/page/verify.js": Asset(contentType: "text/javascript; charset=utf-8", text: verifyScript),
        "/page/charters.js": Asset(contentType: "text/javascript; charset=utf-8", text: chartersScript),
    ]

    /// The file served at `path`, if the page has one.
    static func asset(at path: String) -> Asset? { assets[path] }
}
