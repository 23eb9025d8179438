/// Which Kuma mesh an object belongs to (DESIGN.md sections 1 and 4.1): the `kuma.io/mesh`
/// label, else the annotation, on the object itself; else the same on its namespace; else
/// the default mesh. Kuma 2.x reads it the same way (`MeshOfByLabelOrAnnotation`). Both
/// pipeline stages use this one rule, so a route and a sidecar never disagree on a mesh.
public enum MeshMembership {
    /// Kuma's tag naming a proxy's Kubernetes namespace; consumer routes select proxies by it.
    public static let namespaceTag = "k8s.kuma.io/namespace"

    /// The mesh of an object with `metadata`, whose namespace has `namespace` (nil for a
    /// cluster-scoped object, or a namespace the caller does not know).
    public static func mesh(of metadata: ObjectMeta?, namespace: ObjectMeta?, defaultMesh: String) -> String {
        marker(metadata) ?? marker(namespace) ?? defaultMesh
    }

    /// The mesh named on `metadata` itself (label first, then annotation), if any.
    public static func marker(_ metadata: ObjectMeta?) -> String? {
        if let mesh = metadata?.labels?[GeneratedLabels.mesh], !mesh.isEmpty { return mesh }
        if let mesh = metadata?.annotations?[GeneratedLabels.mesh], !mesh.isEmpty { return mesh }
        return nil
    }
}

/// One port of a Service as a mesh destination, named the way Kuma names it in a
/// MeshHTTPRoute's `to[].targetRef` (`k8s_util.ServiceTag`): `<service>_<namespace>_svc_<port>`.
/// Service and namespace names never contain `_`, so the name reads back unambiguously.
public struct MeshServicePort: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The Service's namespace.
    public var namespace: String
    /// The Service's name.
    public var service: String
    /// The Service port (`spec.ports[].port`, not the target port).
    public var port: Int

    /// Creates a reference to one Service port.
    public init(namespace: String, service: String, port: Int) {
        self.namespace = namespace
        self.service = service
        self.port = port
    }

    /// Reads Kuma's name back; nil for anything that is not `<service>_<namespace>_svc_<port>`.
    public init?(kumaName: String) {
        let parts = kumaName.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[2] == "svc", !parts[0].isEmpty, !parts[1].isEmpty,
              let port = Int(parts[3]), (1...65535).contains(port)
        else { return nil }
        self.init(namespace: String(parts[1]), service: String(parts[0]), port: port)
    }

    /// `<service>_<namespace>_svc_<port>`.
    public var kumaName: String { "\(service)_\(namespace)_svc_\(port)" }

    /// `<namespace>/<service>/<port>`, also the name of its Envoy cluster.
    public var description: String { "\(namespace)/\(service)/\(port)" }

    /// Namespace, then Service, then port number.
    public static func < (lhs: MeshServicePort, rhs: MeshServicePort) -> Bool {
        (lhs.namespace, lhs.service, lhs.port) < (rhs.namespace, rhs.service, rhs.port)
    }
}

extension Service.Port {
    /// True when the mesh routes HTTP on this port (DESIGN.md 4.1 item 6): a TCP port whose
    /// `appProtocol` is `http`, `kubernetes.io/h2c` or `grpc` (gRPC is HTTP/2: GRPCRoutes and
    /// HTTPRoutes route it, and the sidecar speaks h2c to its endpoints), or, without an
    /// `appProtocol`, whose name is `http` or starts with `http-`. An `appProtocol` decides when present (a port named
    /// `http-metrics` with `appProtocol: tcp` is not HTTP), as Kubernetes defines it as the
    /// authoritative protocol hint.
    public var carriesHTTP: Bool {
        guard (self.protocol ?? "TCP").uppercased() == "TCP" else { return false }
        if let appProtocol, !appProtocol.isEmpty {
            return Self.httpAppProtocols.contains(appProtocol.lowercased())
        }
        guard let name = name?.lowercased() else { return false }
        return name == "http" || name.hasPrefix("http-")
    }

    /// The `appProtocol` values that mean HTTP routing applies.
    public static let httpAppProtocols: Set<String> = ["http", "kubernetes.io/h2c", "grpc"]
}

extension Service {
    /// True for a Service that has no frontend of its own (GEP-1294: headless and
    /// `ExternalName` Services SHOULD NOT be parents; a mesh proxy has no cluster IP to
    /// match for them either).
    public var lacksFrontend: Bool {
        spec?.type == "ExternalName" || spec?.clusterIP == "None"
    }
}
