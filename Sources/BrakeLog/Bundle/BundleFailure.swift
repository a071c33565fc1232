/// Why a log bundle does not verify (`Specs/bundle.md` 4): where (the header, the charter, the
/// checkpoint, one entry, the tree), a stable code, and a message for people.
///
/// `brakectl verify` stops at the first failure and prints `description`, so an auditor learns which
/// entry or signature to look at, not merely that something is wrong.
public struct BundleFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part of the bundle that failed: `header`, `charter`, `checkpoint`, `tree`, `entry <index>`
    /// or `line <n>` (a line that does not decode, so has no entry index to name).
    public let location: String
    /// A stable code: `invalid_bundle`, `incomplete_history`, `unsigned_checkpoint`, `not_final`,
    /// `invalid_cosignature`, `invalid_note`, `invalid_checkpoint`, `invalid_leaf`, `size_mismatch`,
    /// `root_mismatch`, `amendment_not_passed` (a signature or cosigner that only an amendment that never
    /// passed would admit), or the `BrakeError` code of a charter or DSSE signature that fails
    /// (`bad_signature`, `unknown_key`, `duplicate_signature`, `too_many_signatures`, ...).
    public let code: String
    /// What failed, for people; not stable.
    public let message: String

    /// A failure at `location`.
    public init(_ location: String, code: String, _ message: String) {
        self.location = location
        self.code = code
        self.message = message
    }

    /// The location of entry `index`.
    public static func entry(_ index: UInt64) -> String { "entry \(index)" }

    /// `location: message (code)`.
    public var description: String { "\(location): \(message) (\(code))" }
}
