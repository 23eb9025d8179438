import EnvoyTranslator

/// The proxy a dataplane agent serves, as a token binds it: a Gateway's built-in gateway (any
/// of its replicas) or one mesh workload's sidecar.
public struct ProxyIdentity: Hashable, Sendable, CustomStringConvertible {
    /// Gateway replica or mesh sidecar.
    public enum Kind: String, Sendable, CaseIterable {
        /// A replica of a Gateway's built-in gateway, named after the Gateway.
        case gateway
        /// A mesh workload's sidecar, named after its `Dataplane`.
        case sidecar
    }

    /// Gateway or sidecar.
    public let kind: Kind
    /// The Gateway's or the Dataplane's namespace.
    public let namespace: String
    /// The Gateway's or the Dataplane's name.
    public let name: String

    /// Creates an identity.
    public init(kind: Kind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Any replica of the Gateway `namespace/name`.
    public static func gateway(namespace: String, name: String) -> ProxyIdentity {
        ProxyIdentity(kind: .gateway, namespace: namespace, name: name)
    }

    /// The sidecar of the Dataplane `namespace/name`.
    public static func sidecar(namespace: String, name: String) -> ProxyIdentity {
        ProxyIdentity(kind: .sidecar, namespace: namespace, name: name)
    }

    /// Parses `namespace/name` (both parts non-empty, nothing else); nil otherwise.
    public static func parse(kind: Kind, _ qualifiedName: String) -> ProxyIdentity? {
        let parts = qualifiedName.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return ProxyIdentity(kind: kind, namespace: String(parts[0]), name: String(parts[1]))
    }

    /// The key the per-proxy config cache and the registry use: `<ns>/<name>` for a gateway,
    /// `sidecar/<ns>/<name>` for a sidecar.
    public var proxyKey: String {
        switch kind {
        case .gateway: return "\(namespace)/\(name)"
        case .sidecar: return ProxyInputs.sidecarKey(namespace: namespace, name: name)
        }
    }

    /// `gateway kuma-demo/kuma`, `sidecar shop/web-1`.
    public var description: String { "\(kind.rawValue) \(namespace)/\(name)" }
}
