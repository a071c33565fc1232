import Foundation

/// What must hold of a node's data directory before `braked` writes anything there.
///
/// The directory holds the Raft log and registry (whose loss or rewrite breaks Raft's promises), the
/// node's identity keys, and the API socket. Anyone who may write in it could replace any of them, so
/// `braked` refuses to start unless the directory is owned by the user it runs as and group and others
/// cannot write in it (`data_dir_insecure`, with the command that fixes it). Group read and search
/// stay allowed: the socket is group-accessible (0660) by design.
public enum DataDirectory {
    /// The error code of a data directory that others could write in.
    public static let insecureCode = "data_dir_insecure"

    /// Creates `path` if missing (mode 0700, missing parents likewise, each fsynced into its parent),
    /// then `check`s it. `braked` calls this before it opens the store or writes a key.
    public static func prepare(_ path: String) throws(FileError) {
        guard !path.isEmpty else { throw FileError(code: "file_unwritable", message: "the data directory path is empty") }
        try FileBytes.makeDirectory(path)
        try check(path)
    }

    /// Checks the directory at `path` through one descriptor (`fstat`): a directory, owned by this
    /// process's effective user, and not writable by group or others.
    public static func check(_ path: String) throws(FileError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FileError(code: "file_unreadable", message: "cannot open the data directory \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileError(code: "file_unreadable", message: "cannot stat the data directory \(path): \(String(cString: strerror(errno)))")
        }
        let me = geteuid()
        guard info.st_uid == me else {
            throw FileError(
                code: insecureCode,
                message: "the data directory \(path) is owned by uid \(info.st_uid), but braked runs as uid \(me); "
                    + "run braked as its owner, or chown it to this user (chown -R \(me) \(path))")
        }
        let mode = UInt32(info.st_mode) & 0o7777
        guard mode & 0o022 == 0 else {
            throw FileError(
                code: insecureCode,
                message: "the data directory \(path) has mode \(String(mode, radix: 8)): group or others could replace "
                    + "the store, the keys or the socket in it; chmod go-w \(path)")
        }
    }
}
