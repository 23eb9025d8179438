import GatewayModel

extension SidecarInput {
    /// This input without the workload's identity (name, outbound address and port). The
    /// route configuration's virtual hosts and the clusters depend only on the shape, so
    /// sidecars of one namespace with the same labels share them: stage 2 runs once per shape,
    /// and each sidecar adds its own listener and route configuration name.
    public var shape: SidecarInput {
        var shape = self
        shape.name = ""
        shape.outboundAddress = ""
        shape.outboundPort = 0
        return shape
    }

    /// Whether `other` is the same workload with the same outbound address and port (its
    /// shape aside).
    public func hasSameIdentity(as other: SidecarInput) -> Bool {
        name == other.name && outboundAddress == other.outboundAddress && outboundPort == other.outboundPort
    }
}

/// The virtual hosts and clusters of a sidecar shape, before the sidecar's own parts.
struct SidecarRouting {
    var virtualHosts: [JSONValue]
    var clusters: [JSONValue]
    /// Whether a route uses a CORS policy (the listener then needs the CORS filter).
    var needsCORS: Bool
}

/// A sidecar shape serialized once for all its sidecars: the route configuration's encoded
/// virtual hosts (protobuf, without the configuration's name) and the clusters file.
public struct SidecarShapeFiles: Sendable {
    let routeBody: [UInt8]
    let clusters: XDSFile
    let needsCORS: Bool
}

extension SidecarTranslator {
    /// Translates and serializes `shape` (`SidecarInput.shape`) with protobuf route
    /// configurations. With a `memo` kept across calls for the shapes of one mesh, unchanged
    /// routes reuse their entries, their Envoy routes and their bytes (`routing`). Throws when
    /// a route cannot be encoded faithfully as protobuf (the caller then serializes each
    /// sidecar with `files(_:routeFormat: .json)`).
    public static func shapeFiles(_ shape: SidecarInput, memo: EnvoyTranslationMemo? = nil)
        throws(ProtobufEncodingError) -> SidecarShapeFiles {
        let fragments = memo?.fragments ?? RouteFragments()
        defer { fragments.finishPass() }
        let routing = routing(shape, memo: memo)
        var configuration: [String: JSONValue] = ["@type": .string(EnvoyType.routeConfiguration)]
        if !routing.virtualHosts.isEmpty { configuration["virtual_hosts"] = .array(routing.virtualHosts) }
        let body = try fragments.protobufMessage(.object(configuration))
        let clusters = XDSFile(type: .clusters, name: "", path: XDSFiles.path(.clusters),
                               resources: JSONSerializer.data(.array(routing.clusters)))
        return SidecarShapeFiles(routeBody: body, clusters: clusters, needsCORS: routing.needsCORS)
    }

    /// One sidecar's files from its shape's: the same files, bytes included, as
    /// `files(input, routeFormat: .protobuf)` gives. The clusters file is the shape's own value;
    /// the route configuration is the sidecar's name field followed by the shape's body.
    public static func files(_ input: SidecarInput, shape: SidecarShapeFiles) -> [XDSFile] {
        let name = listenerName(input)
        // Only the name is encoded here, and a string always encodes.
        let nameField = (try? ProtobufEncoder.encode(["name": .string(name)], as: RouteFragments.routeConfigurationType)) ?? []
        let route = XDSFile(type: .routes, name: name, path: XDSFiles.path(.routes, name: name, format: .protobuf), format: .protobuf,
                            resources: ProtobufEncoder.discoveryResponseResource(encoded: nameField + shape.routeBody,
                                                                                 of: RouteFragments.routeConfigurationType))
        let listener = listener(input, needsCORS: shape.needsCORS, routeFormat: .protobuf)
        let listeners = XDSFile(type: .listeners, name: "", path: XDSFiles.path(.listeners),
                                resources: JSONSerializer.data(.array([listener])))
        return [route, shape.clusters, listeners]
    }
}
