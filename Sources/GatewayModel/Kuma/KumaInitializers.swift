/// Public memberwise initialisers for the kuma.io types, so stages outside this module (the
/// Gateway API translator generates MeshGateways and MeshHTTPRoutes) can build them directly
/// instead of round-tripping through JSON.

extension MeshGateway {
    /// Creates a MeshGateway.
    public init(apiVersion: String? = "kuma.io/v1alpha1", kind: String? = "MeshGateway", metadata: ObjectMeta?,
                mesh: String? = nil, spec: Spec?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.mesh = mesh
        self.spec = spec
        self.status = nil
    }
}

extension MeshGateway.Listener {
    /// Creates a listener.
    public init(hostname: String? = nil, port: Int64?, protocol: String?, tls: MeshGateway.TLS? = nil,
                tags: [String: String]? = nil) {
        self.hostname = hostname
        self.port = port
        self.protocol = `protocol`
        self.tls = tls
        self.tags = tags
    }
}

extension MeshGateway.TLS {
    /// Creates TLS settings.
    public init(mode: String?, certificates: [MeshGateway.DataSource]?) {
        self.mode = mode
        self.certificates = certificates
    }
}

extension MeshGateway.DataSource {
    /// Creates a data source naming a Kuma secret.
    public init(secret: String) {
        self.secret = secret
    }
}

