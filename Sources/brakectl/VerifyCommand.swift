import ArgumentParser
import BrakeCore
import BrakeLog
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
                // Prepare this batch on every core while the previous one is appended in order, under
                // the charter in force so far (append checks again any entry an amendment overtook).
                let next = PreparingBatch(lines: lines, firstLine: reader.lineNumber - lines.count + 1, charter: verifier.currentCharter)
                lines.removeAll(keepingCapacity: true)
                if let inFlight { try drain(inFlight) }
                inFlight = next
            }
            if let inFlight { try drain(inFlight) }
            let report = try verifier.finish()
            bar.finish()
            return VerifiedBundle(header: header, charter: verifier.charter, report: report, elapsed: ContinuousClock.now - started)
        } catch let failure as BundleFailure {
            throw CLIError(.unverified, "\(failure.location): \(failure.message)", code: failure.code)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(.internalError, "\(error)")
        }
    }
}
