import GatewayModel

extension SidecarTranslator {
    /// One sidecar's filesystem-xDS files, serialized as a gateway's are (`XDSFileSerializer`):
    /// what the config stream hands its dataplane agent. With `fragments` kept across calls,
    /// unchanged routes reuse their bytes.
    ///
    /// Throws only for `.protobuf`, when the route configuration cannot be encoded faithfully
    /// (the error names the field); the caller then asks for `.json`.
    public static func files(_ input: SidecarInput, routeFormat: XDSFile.Format = .json,
                             fragments: RouteFragments? = nil) throws(ProtobufEncodingError) -> [XDSFile] {
        try XDSFileSerializer.files(translate(input, routeFormat: routeFormat), routeFormat: routeFormat, fragments: fragments)
    }
}
