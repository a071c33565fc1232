/// Random bytes from the system's generator, for what the shell makes fresh: key seeds and nonces.
/// (The pure cores take randomness as an input; this is where it comes from.)
public enum SystemRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
