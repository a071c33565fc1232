import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts `brake-harness serve --dir D` as a detached background process.
///
/// posix_spawn with a new session (POSIX_SPAWN_SETSID): the supervisor has no controlling terminal,
/// so closing the shell or Ctrl-C in it does not stop the federation; its stdin is /dev/null and its
/// stdout and stderr go to `D/harness.log`, and no other descriptor is inherited, so it never
/// holds the caller's pipes open.
public enum SupervisorLauncher {
    /// Spawns `executable serve --dir directory`; returns its pid.
    public static func launch(executable: String, directory: String, log: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Close every other descriptor this process holds. One of them may be how the parent of
        // `brake-harness up` (Foundation's Process, a test runner) learns that `up` exited: a
        // supervisor holding it would make `up` look alive for as long as the federation runs.
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        #if canImport(Glibc)
        // POSIX_SPAWN_SETSID (glibc's spawn.h): the macro is not imported into Swift.
        let setsid: Int16 = 0x80
        posix_spawnattr_setflags(&attributes, setsid)
        #endif
        let arguments = [executable, "serve", "--dir", directory]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        guard result == 0 else {
            throw HarnessError(.supervisor, "cannot start \(executable) serve: \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// The descriptors open now, from /proc/self/fd (empty where there is no /proc).
    static func openDescriptors() -> [Int32] {
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        // The listing's own descriptor is closed again by now: keep only those still open.
        return listed.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }.sorted()
    }

    /// Whether our child `pid` has exited (and reaps it if so), without waiting.
    public static func hasExited(_ pid: Int32) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }
}
