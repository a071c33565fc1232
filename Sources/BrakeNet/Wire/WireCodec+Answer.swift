import BrakeCore
import BrakeReplica

// SubmitAnswer ⇄ its protobuf message.
extension WireCodec {
    func wire(_ answer: SubmitAnswer, requestID: UInt64) -> Brake_Peer_V1_SubmitAnswer {
        var out = Brake_Peer_V1_SubmitAnswer()
        out.requestID = requestID
        switch answer {
        case .applied(let outcome, let index):
            var applied = Brake_Peer_V1_Applied()
            applied.index = index
            switch outcome {
            case .noop:
                applied.outcome = .noop(Brake_Peer_V1_Noop())
            case .accepted(let receipt):
                var wireReceipt = Brake_Peer_V1_Receipt()
                wireReceipt.id = receipt.id
                wireReceipt.kind = receipt.kind
                if let state = receipt.state { wireReceipt.state = state }
                wireReceipt.signers = receipt.signers
                wireReceipt.index = receipt.index
                applied.outcome = .accepted(wireReceipt)
            case .rejected(let error):
                applied.outcome = .rejected(wire(code: error.code.rawValue, message: error.message))
            }
            out.answer = .applied(applied)
        case .pending(let id, let index):
            var pending = Brake_Peer_V1_Pending()
            pending.id = id
            pending.index = index
            out.answer = .pending(pending)
        case .refused(let error):
            var refusal = Brake_Peer_V1_Refusal()
            switch error {
            case .registry(let e): refusal.error = .registry(wire(code: e.code.rawValue, message: e.message))
            case .node(let e): refusal.error = .node(wire(code: e.code.rawValue, message: e.message))
            }
            out.answer = .refused(refusal)
        }
        return out
    }

    func submitAnswer(_ w: Brake_Peer_V1_SubmitAnswer) throws(WireError) -> SubmitAnswer {
        switch w.answer {
        case .applied(let applied):
            switch applied.outcome {
            case .noop:
                return .applied(.noop, index: applied.index)
            case .accepted(let r):
                var signers: [String] = []
                for signer in try bounded(r.signers, limits.maxSigners, "receipt.signers") {
                    signers.append(try identifier(signer, "receipt.signers"))
                }
                let receipt = DeclarationReceipt(
                    id: try identifier(r.id, "receipt.id"),
                    kind: try identifier(r.kind, "receipt.kind"),
                    state: r.hasState ? try identifier(r.state, "receipt.state") : nil,
                    signers: signers,
                    index: r.index
                )
                return .applied(.accepted(receipt), index: applied.index)
            case .rejected(let e):
                let (code, message) = try error(e, "applied.rejected")
                return .applied(.rejected(BrakeError(BrakeError.Code(rawValue: code), message)), index: applied.index)
            case nil:
                throw absent(applied.unknownFields.data.isEmpty, "applied.outcome")
            }
        case .pending(let p):
            return .pending(id: try identifier(p.id, "pending.id"), index: p.index)
        case .refused(let refusal):
            switch refusal.error {
            case .registry(let e):
                let (code, message) = try error(e, "refused.registry")
                return .refused(.registry(BrakeError(BrakeError.Code(rawValue: code), message)))
            case .node(let e):
                let (code, message) = try error(e, "refused.node")
                return .refused(.node(NodeError(NodeError.Code(rawValue: code), message)))
            case nil:
                throw absent(refusal.unknownFields.data.isEmpty, "refused.error")
            }
        case nil:
            throw absent(w.unknownFields.data.isEmpty, "submit_answer.answer")
        }
    }

    private func wire(code: String, message: String) -> Brake_Peer_V1_Error {
        var out = Brake_Peer_V1_Error()
        out.code = code
        out.message = message
        return out
    }

    private func error(_ w: Brake_Peer_V1_Error, _ field: String) throws(WireError) -> (String, String) {
        (try identifier(w.code, "\(field).code"), try text(w.message, "\(field).message"))
    }

}
