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
    /// Route bytes kept across serializations.
    let fragments: RouteFragments
}

/// The sidecar shapes of one cache update: a shape is found among this update's, else among
/// the last update's (an equal shape keeps its serialization, and its sidecars' files stay as
/// they were), else serialized once here.
struct SidecarShapes {
    private let previous: [SidecarShapeEntry]
    private let serialize: Bool
    /// The shapes this update used: the next update's `previous`.
    private(set) var used: [SidecarShapeEntry] = []

    /// `serialize`: whether shapes are serialized as protobuf.
    init(previous: [SidecarShapeEntry], serialize: Bool) {
        self.previous = previous
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
        // A changed shape reuses the route bytes of the one it replaces.
        let fragments = previous.first { $0.shape.namespace == shape.namespace && $0.shape.mesh == shape.mesh }?.fragments
            ?? RouteFragments()
        let files = serialize ? Result { () throws(ProtobufEncodingError) -> SidecarShapeFiles in
            try SidecarTranslator.shapeFiles(shape, fragments: fragments)
        } : nil
        let entry = SidecarShapeEntry(id: newID(), shape: shape, files: files, fragments: fragments)
        used.append(entry)
        return entry
    }
}
