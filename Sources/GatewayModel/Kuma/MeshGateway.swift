/// kuma.io `MeshGateway` (cluster-scoped, in a mesh): the listeners of a built-in gateway.
public struct MeshGateway: ValidatedResource, Hashable {
    /// `kuma.io/v1alpha1`.
    public var apiVersion: String?
    /// `MeshGateway`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// The mesh the gateway belongs to (Kuma's legacy top-level field).
    public var mesh: String?
    /// The gateway configuration.
    public var spec: Spec?
    /// Not used by Kuma; kept free-form so clients that send it are not refused.
    public var status: JSONValue?

    /// The configuration of a `MeshGateway`.
    public struct Spec: Codable, Sendable, Hashable {
        /// Creates a spec.
        public init(selectors: [MeshGateway.Selector]?, tags: [String: String]? = nil, conf: MeshGateway.Conf?) {
            self.selectors = selectors
            self.tags = tags
            self.conf = conf
        }

        /// Selectors of the gateway proxies that serve this configuration (at least one).
        public var selectors: [Selector]?
        /// Tags common to all listeners (no `kuma.io/service`).
        public var tags: [String: String]?
        /// Listeners.
        public var conf: Conf?
    }

    /// Selects proxies by tags.
    public struct Selector: Codable, Sendable, Hashable {
        /// Creates a selector.
        public init(match: [String: String]?) {
            self.match = match
        }

        /// Tags a proxy must have.
        public var match: [String: String]?
    }

    /// The listener configuration.
    public struct Conf: Codable, Sendable, Hashable {
        /// Creates a listener configuration.
        public init(listeners: [MeshGateway.Listener]?) {
            self.listeners = listeners
        }

        /// Listeners (at least one).
        public var listeners: [Listener]?
    }

    /// One listener.
    public struct Listener: Codable, Sendable, Hashable {
        /// Virtual hostname; empty or `*` matches all.
        public var hostname: String?
        /// Port (1...65535).
        public var port: Int64?
        /// `HTTP`, `HTTPS`, `TCP`, `TLS` or `UDP`.
        public var `protocol`: String?
        /// TLS settings, required for HTTPS and TLS.
        public var tls: TLS?
        /// Tags routes use to select this listener.
        public var tags: [String: String]?
        /// Accept traffic only from other meshes.
        public var crossMesh: Bool?
        /// Listener resource limits.
        public var resources: Resources?
    }

    /// TLS settings of a listener.
    public struct TLS: Codable, Sendable, Hashable {
        /// `TERMINATE` or `PASSTHROUGH`.
        public var mode: String?
        /// Certificate data sources (1...2 for `TERMINATE`).
        public var certificates: [DataSource]?
        /// Reserved for TLS options; free-form.
        public var options: JSONValue?
    }

    /// Kuma `DataSource`: one of a secret name, a file, or inline data.
    public struct DataSource: Codable, Sendable, Hashable {
        /// Name of a Kuma secret.
        public var secret: String?
        /// Path of a file on the proxy.
        public var file: String?
        /// Base64 data.
        public var inline: String?
        /// Plain text data.
        public var inlineString: String?
    }

    /// Listener resource limits.
    public struct Resources: Codable, Sendable, Hashable {
        /// Maximum concurrent connections.
        public var connectionLimit: Int64?
    }

    /// The listener protocols Kuma accepts.
    public static let protocols = ["HTTP", "HTTPS", "TCP", "TLS", "UDP"]
    /// The TLS modes Kuma accepts.
    public static let tlsModes = ["TERMINATE", "PASSTHROUGH"]
}
