import GatewayModel

extension SidecarTranslator {
    /// One sidecar's filesystem-xDS files, serialized as a gateway's are (`XDSFileSerializer`),
    /// on their own: the control plane serializes each shape once instead (`shapeFiles`), and
    /// uses this when a shape's routes cannot be encoded as protobuf.
    ///
    /// Throws only for `.protobuf`, when the route configuration cannot be encoded faithfully
    /// (the error names the field); the caller then asks for `.json`.
    public static func files(_ input: SidecarInput, routeFormat: XDSFile.Format = .json) throws(ProtobufEncodingError) -> [XDSFile] {
        try XDSFileSerializer.files(translate(input, routeFormat: routeFormat), routeFormat: routeFormat, fragments: nil)
    }
}
