import BrakeLog

// Checkpoint notes ⇄ their protobuf message. The codec checks only the bound; the core parses the
// note and verifies its cosignatures (a note that does not parse is dropped there).
extension WireCodec {
    func wire(checkpointNote note: String) throws(WireError) -> Brake_Peer_V1_CheckpointNote {
        guard note.utf8.count <= SignedCheckpoint.maxBytes else {
            throw WireError(.unencodable, "a checkpoint note of \(note.utf8.count) bytes is over \(SignedCheckpoint.maxBytes)")
        }
        var out = Brake_Peer_V1_CheckpointNote()
        out.note = note
        return out
    }

    func checkpointNote(_ w: Brake_Peer_V1_CheckpointNote, _ field: String) throws(WireError) -> String {
        guard !w.note.isEmpty else { throw WireError(.missingField, "\(field).note is empty") }
        guard w.note.utf8.count <= SignedCheckpoint.maxBytes else {
            throw WireError(.tooLong, "\(field).note is \(w.note.utf8.count) bytes, at most \(SignedCheckpoint.maxBytes)")
        }
        return w.note
    }
}
