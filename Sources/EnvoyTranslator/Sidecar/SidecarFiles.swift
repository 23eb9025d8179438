import GatewayModel

extension SidecarTranslator {
    /// One sidecar's filesystem-xDS files (`XDSFiles.files` layout), serialized, its route
    /// configuration in `routeFormat` (listeners and clusters are JSON), as
    /// `EnvoyTranslator.files` makes a gateway's: what the config stream hands the dataplane
    /// agent.
    ///
    /// Throws only for `.protobuf`, when the route configuration cannot be encoded faithfully
    /// (the error names the field); the caller then asks for `.json`.
    public static func files(_ input: SidecarInput, configDirectory: String,
                             routeFormat: XDSFile.Format = .json) throws(ProtobufEncodingError) -> [XDSFile] {
        let resources = translate(input, configDirectory: configDirectory, routeFormat: routeFormat)
        if routeFormat == .json { return XDSFiles.files(for: resources, in: configDirectory) }
        let fragments = RouteFragments()
        var routeFiles: [XDSFile] = []
        for configuration in resources.routeConfigurations {
            let name = configuration["name"]?.stringValue ?? "default"
            routeFiles.append(XDSFile(
                type: .routes, name: name, path: XDSFiles.path(.routes, name: name, in: configDirectory, format: routeFormat),
                format: routeFormat, resources: try fragments.serialize(configuration, as: routeFormat)))
        }
        var others = resources
        others.routeConfigurations = []
        return routeFiles + XDSFiles.files(for: others, in: configDirectory)
    }
}
