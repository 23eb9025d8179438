/// `Gateway`: listeners bound to addresses, served by the controller of its `GatewayClass`.
public struct Gateway: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1` or `v1beta1`.
    public var apiVersion: String?
    /// `Gateway`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: GatewaySpec
    /// Observed state, written by the controller.
    public var status: GatewayStatus?
}

/// The desired state of a `Gateway`.
public struct GatewaySpec: Codable, Sendable, Hashable {
    /// Name of the `GatewayClass`.
    public var gatewayClassName: String
    /// Listeners (1...64), unique by name and by port/protocol/hostname.
    public var listeners: [Listener]
    /// Requested addresses.
    public var addresses: [GatewaySpecAddress]?
    /// Labels, annotations and parameters for the resources created for this Gateway.
    public var infrastructure: GatewayInfrastructure?
    /// Which ListenerSets may attach (experimental).
    public var allowedListeners: AllowedListeners?
    /// Gateway-wide frontend (client certificate validation) and backend TLS settings.
    public var tls: GatewayTLSConfig?
    /// Makes this a default Gateway for routes that ask for one: `All` or `None` (experimental).
    public var defaultScope: String?
    /// Backend TLS client certificate (experimental channel before v1.4; kept so older
    /// manifests decode).
    public var backendTLS: GatewayBackendTLS?
}

/// `Listener`: a logical endpoint of a Gateway.
public struct Listener: Codable, Sendable, Hashable {
    /// Unique name (an RFC 1123 subdomain); routes refer to it as `sectionName`.
    public var name: String
    /// Virtual hostname to match (wildcard allowed); nil matches all.
    public var hostname: String?
    /// Network port (1...65535).
    public var port: Int32
    /// `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP` or a domain-prefixed protocol.
    public var `protocol`: String
    /// TLS settings; required for HTTPS and TLS, forbidden for HTTP, TCP and UDP.
    public var tls: ListenerTLSConfig?
    /// Which routes may attach; nil means routes of the listener's namespace.
    public var allowedRoutes: AllowedRoutes?
}

/// TLS settings of a listener.
public struct ListenerTLSConfig: Codable, Sendable, Hashable {
    /// `Terminate` (default) or `Passthrough`.
    public var mode: String?
    /// Certificates (usually one Secret of type `kubernetes.io/tls`), at most 64.
    public var certificateRefs: [SecretObjectReference]?
    /// Implementation-specific options, at most 16.
    public var options: [String: String]?
    /// Client certificate validation (experimental channel v1.1-v1.3; moved to `spec.tls` since).
    public var frontendValidation: FrontendTLSValidation?
}

/// Which routes may attach to a listener.
public struct AllowedRoutes: Codable, Sendable, Hashable {
    /// Namespaces the routes may come from; nil means `Same`.
    public var namespaces: RouteNamespaces?
    /// Route kinds; nil or empty means the kinds the protocol supports. At most 8.
    public var kinds: [RouteGroupKind]?
}

/// The namespaces routes (or ListenerSets) may come from.
public struct RouteNamespaces: Codable, Sendable, Hashable {
    /// `All`, `Selector`, `Same` (`None` too for ListenerSets); nil means `Same`.
    public var from: String?
    /// Namespace selector, used when `from` is `Selector`.
    public var selector: LabelSelector?
}

/// `RouteGroupKind`: a route kind; `group` defaults to `gateway.networking.k8s.io`.
public struct RouteGroupKind: Codable, Sendable, Hashable {
    /// API group; nil means `gateway.networking.k8s.io`.
    public var group: String?
    /// Route kind (`HTTPRoute`, `GRPCRoute`, ...).
    public var kind: String

    /// Creates a route kind.
    public init(group: String? = nil, kind: String) {
        self.group = group
        self.kind = kind
    }
}

/// Which ListenerSets may attach to a Gateway (experimental).
public struct AllowedListeners: Codable, Sendable, Hashable {
    /// Namespaces ListenerSets may come from; `from` may also be `None` (the default).
    public var namespaces: RouteNamespaces?
}

/// An address requested for a Gateway.
public struct GatewaySpecAddress: Codable, Sendable, Hashable {
    /// `IPAddress` (default), `Hostname`, `NamedAddress` or a domain-prefixed type.
    public var type: String?
    /// The address; nil asks the implementation to pick one.
    public var value: String?
}

/// Infrastructure attributes of a Gateway.
public struct GatewayInfrastructure: Codable, Sendable, Hashable {
    /// Labels for generated resources (at most 8).
    public var labels: [String: String]?
    /// Annotations for generated resources (at most 16).
    public var annotations: [String: String]?
    /// Per-Gateway parameters in the Gateway's namespace.
    public var parametersRef: LocalParametersReference?
}

/// `LocalParametersReference`: parameters in the Gateway's namespace.
public struct LocalParametersReference: Codable, Sendable, Hashable {
    /// API group of the referent.
    public var group: String
    /// Kind of the referent.
    public var kind: String
    /// Name of the referent.
    public var name: String
}

/// Gateway-wide TLS settings.
public struct GatewayTLSConfig: Codable, Sendable, Hashable {
    /// The Gateway as a TLS client of backends.
    public var backend: GatewayBackendTLS?
    /// Client certificate validation for HTTPS listeners.
    public var frontend: FrontendTLSConfig?
}

/// The Gateway as a TLS client of backends.
public struct GatewayBackendTLS: Codable, Sendable, Hashable {
    /// Client certificate and key presented to backends.
    public var clientCertificateRef: SecretObjectReference?
}

/// Frontend (client certificate) validation settings.
public struct FrontendTLSConfig: Codable, Sendable, Hashable {
    /// Settings for all HTTPS listeners without a per-port entry.
    public var `default`: FrontendTLSSettings
    /// Per-port overrides, unique by port, at most 64.
    public var perPort: [FrontendTLSPortConfig]?
}

/// `TLSConfig` of the Gateway API: settings shared by several listeners.
public struct FrontendTLSSettings: Codable, Sendable, Hashable {
    /// Client certificate validation.
    public var validation: FrontendTLSValidation?
}

/// Frontend TLS settings for the HTTPS listeners of one port.
public struct FrontendTLSPortConfig: Codable, Sendable, Hashable {
    /// The port (1...65535).
    public var port: Int32
    /// The settings.
    public var tls: FrontendTLSSettings
}

/// Client certificate validation.
public struct FrontendTLSValidation: Codable, Sendable, Hashable {
    /// CA bundles (ConfigMaps with `ca.crt`), 1...8.
    public var caCertificateRefs: [ObjectReference]
    /// `AllowValidOnly` (default) or `AllowInsecureFallback`.
    public var mode: String?
}
