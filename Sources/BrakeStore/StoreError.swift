import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a store operation failed, as a value with a stable machine-readable code and a message for humans.
///
/// The node maps these onto its API errors and metrics, so the codes never change meaning:
/// - `store_full`: the map reached `StoreOptions.maxMapSize` or the disk is full. What was stored before is
///   intact and readable; deleting data or raising the maximum makes room again.
/// - `data_dir_locked`: another process (or another `BrakeStore` in this process) holds the data directory.
/// - `store_io`: the operating system or LMDB failed in a way that retrying or an operator may fix.
/// - `store_corrupt`: the files hold something Brake did not write, or a caller asked for a change that would
///   break the store's invariants (an applied index going backwards, a gap in the Raft log).
/// - `store_invalid`: a key LMDB cannot hold (empty, or longer than `BrakeStore.maxKeySize`).
///
/// It is a struct around an internal enum so that codes can be added without breaking exhaustive switches.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, string-backed error code; compare with a literal (`error.code == "store_full"`) or a constant.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The code as it appears in logs and API responses, for example `store_full`.
        public let rawValue: String
        /// Wraps a raw code string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Lets callers write `error.code == "store_full"`.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The raw code, so string interpolation prints `store_full` rather than a struct dump.
        public var description: String { rawValue }

        /// The map or the disk is full; earlier data is intact.
        public static let storeFull: Code = "store_full"
        /// The data directory is held by another process or another open store.
        public static let dataDirLocked: Code = "data_dir_locked"
        /// An operating-system or LMDB failure.
        public static let storeIO: Code = "store_io"
        /// Stored bytes that do not decode, or a request that would break an invariant.
        public static let storeCorrupt: Code = "store_corrupt"
        /// A key LMDB cannot store.
        public static let storeInvalid: Code = "store_invalid"
    }

    enum Kind: Hashable, Sendable {
        case full, locked, io, corrupt, invalid
    }

    let kind: Kind
    /// A sentence for humans: what failed, where, and the LMDB or OS explanation when there is one.
    public let message: String
    /// The LMDB or errno return code behind the error, when there is one; kept for diagnostics and so the
    /// environment can tell a retryable `MDB_MAP_FULL` from the final `store_full`.
    public let status: Int32?

    init(_ kind: Kind, _ message: String, status: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    /// The stable code for this error.
    public var code: Code {
        switch kind {
        case .full: .storeFull
        case .locked: .dataDirLocked
        case .io: .storeIO
        case .corrupt: .storeCorrupt
        case .invalid: .storeInvalid
        }
    }

    /// `code: message`, for logs.
    public var description: String { "\(code): \(message)" }

    static func corrupt(_ message: String) -> StoreError { StoreError(.corrupt, message) }
    static func io(_ message: String) -> StoreError { StoreError(.io, message) }
    static func invalid(_ message: String) -> StoreError { StoreError(.invalid, message) }

    /// Maps an LMDB (or errno) return code to an error. `context` says what was being done, e.g.
    /// "put into log"; the message ends with `mdb_strerror`'s text so operators see LMDB's own words.
    init(lmdb status: Int32, context: String) {
        let text = String(cString: mdb_strerror(status))
        let message = "\(context): \(text) (\(status))"
        self.init(StoreError.kind(forLMDB: status), message, status: status)
    }

    static func kind(forLMDB status: Int32) -> Kind {
        switch status {
        case MDB_MAP_FULL, ENOSPC, EDQUOT:
            return .full
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH, MDB_INCOMPATIBLE:
            return .corrupt
        case MDB_BAD_VALSIZE:
            return .invalid
        case EWOULDBLOCK:
            return .locked
        default:
            // MDB_PANIC, MDB_READERS_FULL, MDB_TXN_FULL, MDB_DBS_FULL, MDB_MAP_RESIZED, MDB_BAD_TXN, EIO,
            // EACCES, ...: an operational failure, not a statement about the data.
            return .io
        }
    }

    /// An error from a failed POSIX call, with `strerror` text.
    static func posix(_ kind: Kind, _ context: String, errno code: Int32) -> StoreError {
        StoreError(kind, "\(context): \(String(cString: strerror(code))) (errno \(code))", status: code)
    }
}
