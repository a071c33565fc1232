import Foundation

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
