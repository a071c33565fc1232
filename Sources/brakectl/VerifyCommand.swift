import ArgumentParser
import BrakeCore
import BrakeLog
import Dispatch
import Foundation

/// `brakectl verify BUNDLE`: verifies an exported log bundle with no node (`Specs/bundle.md` 4):
/// the charter, the checkpoint's cosignatures against the charter's nodes, every DSSE signature (on
/// every core), the tree recomputed against the checkpoint's root, and the registry replayed; then
/// prints the pause history and each party's compliance.
///
/// Exit 0 when everything verifies, 1 at the first failure (named on stderr: the entry, signature or
/// cosignature), 64 usage, 66 the file cannot be read.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify an exported log bundle offline: signatures, checkpoint, tree and registry.",
        discussion: """
            Needs no node. Exit 0 when the bundle verifies, 1 when it does not (stderr names the first \
            entry, signature or cosignature that fails), 64 usage, 66 the bundle cannot be read.
            """)
    @Argument(help: "The bundle file `brakectl export` wrote.") var bundle: String
    @Flag(name: .long, help: "Print the report as JSON.") var json = false
    @Flag(name: .long, inversion: .prefixedNo, help: "Show a progress bar on stderr (default: when stderr is a terminal).")
    var progress: Bool?
    @Option(name: .long, help: "Entries checked per batch.") var batch = 2_048

    func run() throws {
        do throws(CLIError) {
            let report = try verify()
            if json { printJSON(report.json) } else { report.printText() }
        } catch {
            FileHandle.standardError.write(Data("brakectl: \(error)\n".utf8))
            throw ExitCode(error.kind.exitCode)
        }
    }

    /// Reads and verifies the whole bundle, or throws the first failure.
    func verify() throws(CLIError) -> VerifiedBundle {
        guard batch > 0 else { throw CLIError(.usage, "--batch must be at least 1") }
        var reader = try BundleReader(path: bundle)
        guard let headerLine = try reader.nextLine() else {
            throw CLIError(.unverified, "header: the bundle is empty", code: "invalid_bundle")
        }
        let started = ContinuousClock.now
        do {
            let header = try BundleReader.header(headerLine)
            var verifier = try BundleVerifier(header: header)
            var bar = VerifyProgress(total: header.checkpoint.size, enabled: progress ?? (isatty(STDERR_FILENO) == 1))
            let charter = verifier.charter
            var lines: [[UInt8]] = []
            var inFlight: PreparingBatch?
            func drain(_ prepared: PreparingBatch) throws {
                for result in prepared.wait() { try verifier.append(result.get()) }
                bar.update(verifier.entriesVerified)
            }
            while true {
                let line = try reader.nextLine()
                if let line { lines.append(line) }
                guard lines.count == batch || (line == nil && !lines.isEmpty) else {
                    if line == nil { break } else { continue }
                }
                // Prepare this batch on every core while the previous one is appended in order.
                let next = PreparingBatch(lines: lines, firstLine: reader.lineNumber - lines.count + 1, charter: charter)
                lines.removeAll(keepingCapacity: true)
                if let inFlight { try drain(inFlight) }
                inFlight = next
            }
            if let inFlight { try drain(inFlight) }
            let report = try verifier.finish()
            bar.finish()
            return VerifiedBundle(header: header, charter: charter, report: report, elapsed: ContinuousClock.now - started)
        } catch let failure as BundleFailure {
            throw CLIError(.unverified, "\(failure.location): \(failure.message)", code: failure.code)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(.internalError, "\(error)")
        }
    }
}

/// One batch of entry lines being decoded and checked (`BundleVerifier.prepare`) on every core.
final class PreparingBatch: @unchecked Sendable {
    private var results: [Result<PreparedEntry, BundleFailure>]
    private let done = DispatchGroup()

    /// Starts preparing `lines` (the first being line `firstLine` of the file) in the background.
    init(lines: [[UInt8]], firstLine: Int, charter: Charter) {
        results = Array(repeating: .failure(BundleFailure("line \(firstLine)", code: "invalid_bundle", "not checked")), count: lines.count)
        done.enter()
        DispatchQueue.global().async { [self] in
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            results.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for i in stride(from: worker, to: lines.count, by: workers) {
                        slots[i] = Result { () throws(BundleFailure) in
                            BundleVerifier.prepare(try BundleReader.entry(lines[i], number: firstLine + i), charter: charter)
                        }
                    }
                }
            }
            done.leave()
        }
    }

    /// The prepared entries, in line order, once every worker is done.
    func wait() -> [Result<PreparedEntry, BundleFailure>] {
        done.wait()
        return results
    }
}

/// A progress bar on stderr: entries verified of the checkpoint's size, and the rate.
struct VerifyProgress {
    let total: UInt64
    let enabled: Bool
    private let started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(1)

    init(total: UInt64, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    /// Redraws at most ten times a second.
    mutating func update(_ done: UInt64) {
        guard enabled, ContinuousClock.now - lastDrawn >= .milliseconds(100) else { return }
        lastDrawn = ContinuousClock.now
        let width = 30
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = min(width, Int(fraction * Double(width)))
        let seconds = max(1e-9, Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds))
        let line = "\rverifying [\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] "
            + "\(done)/\(total) entries, \(Int(Double(done) / seconds))/s "
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line.
    mutating func finish() {
        guard enabled else { return }
        lastDrawn = ContinuousClock.now - .seconds(1)
        update(total)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
