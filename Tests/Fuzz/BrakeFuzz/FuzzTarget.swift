import Foundation

/// One fuzz target: the properties it checks on every input, and the seeds its corpus starts from.
///
/// Each `fuzz-*` executable wraps one target. Built with `--sanitize=fuzzer` (and `BRAKE_FUZZ=1`, which
/// defines `BRAKE_FUZZING`; see `Tests/Fuzz/run.sh`), libFuzzer drives `check` through
/// `LLVMFuzzerTestOneInput`. Built plainly, as `swift build` does, the executable replays files
/// instead (`runReplay()`), so the targets build everywhere and a crashing input can be rerun under
/// the debugger without the fuzzer.
public struct FuzzTarget: Sendable {
    /// The executable's name, for messages.
    public let name: String
    /// Checks every property on one input; a violated property traps (`FuzzProperty.require`), which
    /// libFuzzer records as a crash together with the input.
    public let check: @Sendable ([UInt8]) -> Void
    /// The seed inputs, built from code so the committed corpus can be regenerated
    /// (`fuzz-x --write-seeds DIR`).
    public let seeds: @Sendable () -> [[UInt8]]

    /// Creates a target.
    public init(name: String, check: @escaping @Sendable ([UInt8]) -> Void, seeds: @escaping @Sendable () -> [[UInt8]]) {
        self.name = name
        self.check = check
        self.seeds = seeds
    }

    /// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`.
    public static func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The plain executable: `NAME FILE|DIR...` runs `check` on every file (a directory: every file in
    /// it), `NAME --write-seeds DIR` writes the seeds as `DIR/seed-NNN`. Exits 64 on bad usage, 66 when
    /// a file cannot be read; a violated property traps.
    public func runReplay(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        if arguments.first == "--write-seeds", arguments.count == 2 {
            writeSeeds(to: arguments[1])
        }
        guard !arguments.isEmpty, !arguments.contains(where: { $0.hasPrefix("-") }) else {
            print("usage: \(name) FILE|DIR...      check every input file")
            print("       \(name) --write-seeds DIR write the seed corpus")
            print("Fuzzing needs a build with the fuzzer: Tests/Fuzz/run.sh")
            exit(64)
        }
        var count = 0
        for path in arguments {
            for file in Self.files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("\(name): cannot read \(file)")
                    exit(66)
                }
                check(Array(data))
                count += 1
            }
        }
        print("\(name): \(count) input(s), every property held")
        exit(0)
    }

    private func writeSeeds(to directory: String) -> Never {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (n, seed) in seeds().enumerated() {
                let path = directory + "/seed-" + String(repeating: "0", count: max(0, 3 - String(n).count)) + String(n)
                try Data(seed).write(to: URL(fileURLWithPath: path))
            }
        } catch {
            print("\(name): cannot write seeds to \(directory): \(error)")
            exit(73)
        }
        print("\(name): wrote \(seeds().count) seeds to \(directory)")
        exit(0)
    }

    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }
}

/// The checks a fuzz target makes. A failure is a bug in Brake, never in the input: it traps with a
/// message, so libFuzzer keeps the input as a crash artifact and the replay build stops on it.
public enum FuzzProperty {
    /// Traps with `message` unless `condition` holds.
    public static func require(
        _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition {
            fatalError("fuzz property violated: \(message())", file: file, line: line)
        }
    }
}
