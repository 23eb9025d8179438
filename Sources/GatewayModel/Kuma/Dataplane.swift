/// kuma.io `Dataplane` (namespaced): one mesh workload's proxy, as `gatehouse sidecar`
/// registers it (DESIGN.md 4.1 item 5): named after the workload (the pod), in its namespace,
/// with the workload's labels in `metadata.labels`.
///
/// The shape is Kuma's (`dataplane.proto`; top-level `mesh`, `spec.networking`), reduced to
/// what a forward-proxy sidecar has: its address and its one outbound listener. `status` is a
/// Gatehouse addition (Kuma keeps it in a separate DataplaneInsight): whether the sidecar is
/// connected and which config version its Envoy accepted or rejected.
public struct Dataplane: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `Dataplane`.
    public var kind: String?
    /// The mesh the workload joins (Kuma's top-level field); when absent, the namespace's
    /// `kuma.io/mesh` decides, else `default` (see `MeshMembership`).
    public var mesh: String?
    /// Object metadata; `labels` are the workload's labels (Kuma's tags).
    public var metadata: ObjectMeta?
    /// Where the proxy is.
    public var spec: DataplaneSpec?
    /// What the sidecar last reported.
    public var status: DataplaneStatus?

    /// Creates a Dataplane.
    public init(apiVersion: String? = "kuma.io/v1alpha1", kind: String? = "Dataplane", mesh: String? = nil,
                metadata: ObjectMeta?, spec: DataplaneSpec?, status: DataplaneStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.mesh = mesh
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// `Dataplane.spec`.
public struct DataplaneSpec: Codable, Sendable, Hashable {
    /// Addresses and listeners of the proxy.
    public var networking: Networking?

    /// Creates a spec.
    public init(networking: Networking?) {
        self.networking = networking
    }

    /// `Dataplane.spec.networking`.
    public struct Networking: Codable, Sendable, Hashable {
        /// The workload's address (required; an IP address or a host name).
        public var address: String?
        /// The address other proxies reach it by, when it differs.
        public var advertisedAddress: String?
        /// Ports the workload serves, with their tags.
        public var inbound: [Inbound]?
        /// The proxy's outbound listeners; a `gatehouse sidecar` has one, its forward proxy.
        public var outbound: [Outbound]?

        /// Creates the networking section.
        public init(address: String?, inbound: [Inbound]? = nil, outbound: [Outbound]? = nil) {
            self.address = address
            self.inbound = inbound
            self.outbound = outbound
        }
    }

    /// One inbound port.
    public struct Inbound: Codable, Sendable, Hashable {
        /// The port the proxy listens on for the workload.
        public var port: Int?
        /// The workload's own port, when it differs.
        public var servicePort: Int?
        /// The workload's address, when it differs from `networking.address`.
        public var address: String?
        /// Tags (`kuma.io/service`, ...).
        public var tags: [String: String]?
        /// A name for the port.
        public var name: String?
    }

    /// One outbound listener.
    public struct Outbound: Codable, Sendable, Hashable {
        /// The address it listens on (required).
        public var address: String?
        /// The port it listens on (required).
        public var port: Int?
        /// Tags of the destination (Kuma's per-service outbounds); none for a forward proxy.
        public var tags: [String: String]?

        /// Creates an outbound listener.
        public init(address: String?, port: Int?, tags: [String: String]? = nil) {
            self.address = address
            self.port = port
            self.tags = tags
        }
    }
}

/// `Dataplane.status` (Gatehouse): the sidecar's connection and its Envoy's config state.
public struct DataplaneStatus: Codable, Sendable, Hashable {
    /// `Online` while the sidecar is connected to the control plane, else `Offline`.
    public var connection: String?
    /// `Pending` (nothing accepted yet), `Accepted` or `Rejected` (the latest version).
    public var config: String?
    /// The config version Envoy last accepted.
    public var acceptedVersion: String?
    /// The config version Envoy last rejected, when the latest push was rejected.
    public var rejectedVersion: String?
    /// Envoy's words for the rejection, or why the sidecar went offline.
    public var message: String?
    /// When `connection` last changed (RFC 3339).
    public var lastTransitionTime: String?
    /// Where the sidecar's agent serves Prometheus metrics (`host:port`): its Envoy's stats
    /// and the agent's own, at `/metrics`.
    public var metricsAddress: String?

    /// Creates a status.
    public init(connection: String? = nil, config: String? = nil, acceptedVersion: String? = nil,
                rejectedVersion: String? = nil, message: String? = nil, lastTransitionTime: String? = nil) {
        self.connection = connection
        self.config = config
        self.acceptedVersion = acceptedVersion
        self.rejectedVersion = rejectedVersion
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }

    /// The values of `connection`.
    public static let connectionStates = ["Online", "Offline"]
    /// The values of `config`.
    public static let configStates = ["Pending", "Accepted", "Rejected"]
}

extension Dataplane {
    /// Checks of a `Dataplane`, after Kuma's dataplane validator: a mesh name when given, an
    /// address, ports in range, each outbound with address and port, tags non-empty, and the
    /// status values known.
    public func validate(old: Dataplane?) -> [FieldCause] {
        var checks = SchemaChecks()
        if let mesh {
            for problem in KubernetesFormats.dns1123Subdomain(mesh) {
                checks.add(.invalid("mesh", value: .string(mesh), problem))
            }
        }
        let networkingPath = FieldPath("spec").child("networking")
        guard let networking = spec?.networking else {
            checks.required(false, networkingPath)
            return checks.causes + statusCauses()
        }
        checks.required(!(networking.address ?? "").isEmpty, networkingPath.child("address"))
        for (position, inbound) in (networking.inbound ?? []).enumerated() {
            let path = networkingPath.child("inbound").index(position)
            checks.required(inbound.port != nil, path.child("port"))
            checks.port(inbound.port, path.child("port"))
            checks.port(inbound.servicePort, path.child("servicePort"))
            checks.kumaTags(inbound.tags, path.child("tags"))
        }
        for (position, outbound) in (networking.outbound ?? []).enumerated() {
            let path = networkingPath.child("outbound").index(position)
            checks.required(!(outbound.address ?? "").isEmpty, path.child("address"))
            checks.required(outbound.port != nil, path.child("port"))
            checks.port(outbound.port, path.child("port"))
            checks.kumaTags(outbound.tags, path.child("tags"))
        }
        return checks.causes + statusCauses()
    }

    private func statusCauses() -> [FieldCause] {
        var checks = SchemaChecks()
        let path = FieldPath("status")
        checks.string(status?.connection, path.child("connection"), oneOf: DataplaneStatus.connectionStates)
        checks.string(status?.config, path.child("config"), oneOf: DataplaneStatus.configStates)
        return checks.causes
    }
}
