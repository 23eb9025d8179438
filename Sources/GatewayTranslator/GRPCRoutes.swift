import GatewayModel

/// GRPCRoute: evaluated exactly as an HTTPRoute (attachment, hostnames, sectionName/port,
/// `allowedRoutes.kinds`, ReferenceGrants with `from` kind GRPCRoute, status), through its HTTP
/// equivalent (`HTTPRoute.init(grpcEquivalentOf:)` documents how service/method matches become
/// path matches). Kuma 2.14 has no gRPC route resource, so an accepted GRPCRoute becomes a
/// MeshHTTPRoute whose `gatehouse.io/source` annotation is `grpcroute/<namespace>/<name>`; the
/// Envoy stage speaks HTTP/2 to the backends of such routes. A gRPC request no rule matches gets
/// Envoy's no-route reply, which Envoy sends to a gRPC request (`content-type: application/grpc`)
/// as `grpc-status: 12` (Unimplemented), Trailers-Only; any other client sees the plain 404.
enum GRPCRoutes {
    /// The route kind name of GRPCRoutes.
    static let kind = "GRPCRoute"

    /// The memo and `attachedRoutes` key of a GRPCRoute: distinct from an HTTPRoute of the same
    /// namespace and name (each counts as its own attached route).
    static func key(namespace: String, name: String) -> String { "grpcroute/" + objectPath(namespace, name) }
}

extension HTTPRoute {
    /// `GRPCRoute`, `TLSRoute` or `TCPRoute` for the HTTP equivalent of such a route, else
    /// `HTTPRoute`: the kind that ReferenceGrants, listener `allowedRoutes.kinds`, status and
    /// provenance name.
    var routeKindName: String {
        switch kind {
        case GRPCRoutes.kind, StreamRoutes.tlsKind, StreamRoutes.tcpKind: kind ?? "HTTPRoute"
        default: "HTTPRoute"
        }
    }

    /// The store kind whose status this route's evaluation writes.
    var resourceKind: ResourceKind {
        switch routeKindName {
        case GRPCRoutes.kind: ResourceKinds.grpcRoute
        case StreamRoutes.tlsKind: ResourceKinds.tlsRoute
        case StreamRoutes.tcpKind: ResourceKinds.tcpRoute
        default: ResourceKinds.httpRoute
        }
    }

    /// The `gatehouse.io/source` of the mesh routes generated for this route:
    /// `httproute/<namespace>/<name>` or `grpcroute/<namespace>/<name>`.
    var generatedSource: String {
        "\(routeKindName.lowercased())/\(metadata?.namespace ?? "")/\(metadata?.name ?? "")"
    }
}
