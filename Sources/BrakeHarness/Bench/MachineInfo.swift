import Foundation

/// The machine a benchmark ran on, as the kernel describes it: figures mean little without it.
public struct MachineInfo: Codable, Sendable, Hashable {
    /// When the run started (ISO 8601, UTC).
    public var date: String
    /// `/proc/cpuinfo`'s model name.
    public var cpuModel: String
    /// Online processors (`nproc`).
    public var cores: Int
    /// Total memory in GiB (`/proc/meminfo`).
    public var memoryGiB: Double
    /// The kernel release.
    public var kernel: String
    /// The 1-minute load average when the run started: other work on the machine shows here.
    public var loadAverage: Double
    /// `release` or `debug`: how this harness (and the `braked` beside it) was built.
    public var build: String

    /// Reads the machine now.
    public static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let kib = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(separator: " ").dropFirst().first }
            .flatMap { Double($0) } ?? 0
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").first.flatMap { Double($0) } ?? 0
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        return MachineInfo(
            date: ISO8601DateFormatter().string(from: Date()), cpuModel: model,
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (kib / 1_048_576 * 10).rounded() / 10, kernel: kernel, loadAverage: load, build: build
        )
    }

    /// One line for people.
    public var summary: String {
        "\(date) · \(cores) × \(cpuModel) · \(memoryGiB) GiB · Linux \(kernel) · load \(loadAverage) at start · \(build) build"
    }
}

/// CPU time of processes, read from `/proc/PID/stat` (user + system, in seconds).
public enum ProcessCPU {
    /// The CPU seconds `pid` has used so far; 0 if it is gone.
    public static func seconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3, utime 14 and stime 15 (proc(5)).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
