import EnvoyTranslator
import GatewayModel

/// One sidecar shape (`SidecarInput.shape`) serialized for all the sidecars that have it.
struct SidecarShapeEntry: Sendable {
    /// Distinguishes this serialization from every other one of the cache.
    let id: UInt64
    let shape: SidecarInput
    /// The shape's protobuf parts; nil when route configurations are delivered as JSON (each
    /// sidecar is then serialized on its own).
    let files: Result<SidecarShapeFiles, ProtobufEncodingError>?
}

/// The sidecar shapes of one cache update: a shape is found among this update's, else among
/// the last update's (an equal shape keeps its serialization, and its sidecars' files stay as
/// they were), else serialized once here.
struct SidecarShapes {
    private let previous: [SidecarShapeEntry]
    private let serialize: Bool
    /// The shapes this update used: the next update's `previous`.
    private(set) var used: [SidecarShapeEntry] = []
    /// One translation memo per mesh (its shapes share Services, EndpointSlices and most
    /// routes), kept across updates.
    private(set) var memos: [String: EnvoyTranslationMemo]

    /// `serialize`: whether shapes are serialized as protobuf.
    init(previous: [SidecarShapeEntry], memos: [String: EnvoyTranslationMemo], serialize: Bool) {
        self.previous = previous
        self.memos = memos
        self.serialize = serialize
    }

    /// The entry of `shape`; `newID` numbers a shape serialized now.
    ///
    /// Shapes of one update share their lists (`ProxyInputs.sidecars`), so comparing a
    /// sidecar's shape with its own entry's is immediate; comparing with another namespace's
    /// stops at the namespace.
    mutating func entry(for shape: SidecarInput, newID: () -> UInt64) -> SidecarShapeEntry {
        if let found = used.first(where: { $0.shape == shape }) { return found }
        if let kept = previous.first(where: { $0.shape == shape }) {
            used.append(kept)
            return kept
        }
        let memo = memos[shape.mesh] ?? EnvoyTranslationMemo()
        memos[shape.mesh] = memo
        let files = serialize ? Result { () throws(ProtobufEncodingError) -> SidecarShapeFiles in
            try SidecarTranslator.shapeFiles(shape, memo: memo)
        } : nil
        let entry = SidecarShapeEntry(id: newID(), shape: shape, files: files)
        used.append(entry)
        return entry
    }
}
