/// One step of a Raft membership change: one server at a time (Ongaro's thesis §4.1–4.3).
///
/// A new server first joins as a non-voting learner, catches up, and is then promoted; a voter or
/// a learner leaves with `remove`. A change is proposed with `RaftNode.proposeConfChange(_:)`,
/// travels as an ordinary `Entry` (see `entryData`), and takes effect on each node as soon as the
/// entry is in that node's log, committed or not.
public enum ConfChange: Sendable, Hashable {
    /// Adds a node that is not yet a member as a learner: it receives entries and snapshots but
    /// never votes, campaigns or counts for a quorum.
    case addLearner(NodeID)
    /// Makes a learner a voter.
    case promote(NodeID)
    /// Removes a voter or a learner.
    case remove(NodeID)

    /// The first byte of every conf entry's data. No other entry starts with it: Brake's log
    /// records start with `{` and a leader's no-op is empty.
    public static let reservedByte: UInt8 = 0x00

    /// The node the change is about.
    public var node: NodeID {
        switch self {
        case .addLearner(let node), .promote(let node), .remove(let node): node
        }
    }

    /// The entry data that carries this change: the reserved byte, a kind byte (1 add learner,
    /// 2 promote, 3 remove) and the node id in UTF-8.
    public var entryData: [UInt8] {
        let kind: UInt8 =
            switch self {
            case .addLearner: 1
            case .promote: 2
            case .remove: 3
            }
        return [Self.reservedByte, kind] + Array(node.utf8)
    }

    /// Decodes `entryData`; nil for data that is not a well-formed conf change.
    public init?(entryData data: [UInt8]) {
        guard data.count > 2, data[0] == Self.reservedByte,
              let node = String(validating: data[2...], as: UTF8.self)
        else { return nil }
        switch data[1] {
        case 1: self = .addLearner(node)
        case 2: self = .promote(node)
        case 3: self = .remove(node)
        default: return nil
        }
    }
}

extension ConfChange: CustomStringConvertible {
    /// `add-learner n4`, `promote n4`, `remove n2`.
    public var description: String {
        switch self {
        case .addLearner(let node): "add-learner \(node)"
        case .promote(let node): "promote \(node)"
        case .remove(let node): "remove \(node)"
        }
    }
}
