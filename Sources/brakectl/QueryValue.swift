/// `text` percent-encoded for one value of a URL query: every byte but the unreserved characters of
/// RFC 3986 (`A-Z a-z 0-9 - . _ ~`) and `/` is written `%XX`. So a scope such as `a&consistency=local`
/// or `a#b` reaches the node as one value (which it refuses as an invalid scope) and never as extra
/// parameters or a fragment; Foundation's `.urlQueryAllowed` leaves `&`, `=` and `+` as they are.
func queryValue(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
            out.append(byte)
        default:
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}
