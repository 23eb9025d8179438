import GatewayModel

extension EnvoyTranslator {
    /// One gateway proxy's filesystem-xDS files (`XDSFiles` layout), serialized, route
    /// configurations in `routeFormat` (listeners, clusters and secrets are JSON). With a
    /// `memo` kept across calls, a route configuration file is assembled from each route's
    /// bytes of the previous call when that route is unchanged, so one changed route
    /// serializes one route.
    ///
    /// Throws only for `.protobuf`, when a route configuration cannot be encoded faithfully
    /// (the error names the field); the caller then asks for `.json`.
    public static func files(_ input: ProxyInput, endpoints: EndpointDelivery = .inline,
                             routeFormat: XDSFile.Format = .json,
                             memo: EnvoyTranslationMemo? = nil) throws(ProtobufEncodingError) -> [XDSFile] {
        let resources = translate(input, endpoints: endpoints, routeFormat: routeFormat, memo: memo)
        return try XDSFileSerializer.files(resources, routeFormat: routeFormat, fragments: memo?.fragments)
    }
}

/// Serializes one proxy's resources into its files, for gateways and sidecars alike.
enum XDSFileSerializer {
    /// The files of `resources`: route configurations in `routeFormat` (assembled from kept
    /// per-route bytes when `fragments` is given), the rest as JSON (`XDSFiles.files`).
    static func files(_ resources: EnvoyResources, routeFormat: XDSFile.Format,
                      fragments kept: RouteFragments?) throws(ProtobufEncodingError) -> [XDSFile] {
        if kept == nil && routeFormat == .json { return XDSFiles.files(for: resources) }
        let fragments = kept ?? RouteFragments()
        defer { fragments.finishPass() }
        var routeFiles: [XDSFile] = []
        for configuration in resources.routeConfigurations {
            let name = configuration["name"]?.stringValue ?? "default"
            routeFiles.append(XDSFile(
                type: .routes, name: name, path: XDSFiles.path(.routes, name: name, format: routeFormat),
                format: routeFormat, resources: try fragments.serialize(configuration, as: routeFormat)))
        }
        var others = resources
        others.routeConfigurations = []
        return routeFiles + XDSFiles.files(for: others)
    }
}
