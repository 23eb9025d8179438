/// `TLSRoute`: connections routed by SNI (standard channel `v1`; `v1alpha2`/`v1alpha3` are
/// served too). Behind a `Passthrough` listener the backends terminate TLS themselves; behind
/// a `Terminate` listener the gateway terminates and forwards the plaintext bytes.
public struct TLSRoute: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1`.
    public var apiVersion: String?
    /// `TLSRoute`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: StreamRouteSpec
    /// Observed state, one entry per parent.
    public var status: RouteStatus?
}

/// `TCPRoute` (experimental channel, `v1` and `v1alpha2`): connections to a `TCP` listener.
public struct TCPRoute: ValidatedResource, Hashable {
    /// `gateway.networking.k8s.io/v1` or `v1alpha2`.
    public var apiVersion: String?
    /// `TCPRoute`.
    public var kind: String?
    /// Object metadata.
    public var metadata: ObjectMeta?
    /// Desired state (`hostnames` is not part of TCPRoute and is rejected).
    public var spec: StreamRouteSpec
    /// Observed state, one entry per parent.
    public var status: RouteStatus?
}

/// The spec TLSRoute and TCPRoute share: parents, (TLS only) SNI hostnames and rules of
/// weighted backends.
public struct StreamRouteSpec: Codable, Sendable, Hashable {
    /// Parents to attach to (at most 32).
    public var parentRefs: [ParentReference]?
    /// Attach to default Gateways: `All` or `None` (experimental).
    public var useDefaultGateways: String?
    /// SNI hostnames (TLSRoute only, at most 16).
    public var hostnames: [String]?
    /// Rules (1 to 16).
    public var rules: [StreamRouteRule]?
}

/// One TLSRoute/TCPRoute rule: where connections go.
public struct StreamRouteRule: Codable, Sendable, Hashable {
    /// Optional rule name, unique within the route.
    public var name: String?
    /// Weighted backends (1 to 16).
    public var backendRefs: [BackendRef]?
}

extension TLSRoute {
    /// Admission checks of the v1.6 TLSRoute CRD.
    public func validate(old: TLSRoute?) -> [FieldCause] {
        var checks = SchemaChecks()
        checks.streamRouteSpec(spec, FieldPath("spec"), allowsHostnames: true)
        checks.routeStatus(status, FieldPath("status"))
        return checks.causes
    }
}

extension TCPRoute {
    /// Admission checks of the v1.6 (experimental) TCPRoute CRD.
    public func validate(old: TCPRoute?) -> [FieldCause] {
        var checks = SchemaChecks()
        checks.streamRouteSpec(spec, FieldPath("spec"), allowsHostnames: false)
        checks.routeStatus(status, FieldPath("status"))
        return checks.causes
    }
}

extension SchemaChecks {
    /// The shared spec of TLSRoute and TCPRoute.
    mutating func streamRouteSpec(_ spec: StreamRouteSpec, _ path: FieldPath, allowsHostnames: Bool) {
        parentReferences(spec.parentRefs, path.child("parentRefs"))
        defaultScope(spec.useDefaultGateways, path.child("useDefaultGateways"))
        if allowsHostnames {
            routeHostnames(spec.hostnames, path.child("hostnames"))
        } else {
            rule(spec.hostnames == nil, path.child("hostnames"), "TCPRoute has no hostnames field", on: "object")
        }
        let rulesPath = path.child("rules")
        let rules = spec.rules ?? []
        rule(!rules.isEmpty, rulesPath, "Required value: at least one rule", on: "array")
        items(rules.count, rulesPath, maxItems: 16)
        let names = rules.compactMap(\.name)
        rule(names.allSatisfy { name in names.filter { $0 == name }.count == 1 }, rulesPath,
             "Rule name must be unique within the route", on: "array")
        for (position, routeRule) in rules.enumerated() {
            let rulePath = rulesPath.index(position)
            sectionName(routeRule.name, rulePath.child("name"))
            let backends = routeRule.backendRefs ?? []
            rule(!backends.isEmpty, rulePath.child("backendRefs"), "Required value: at least one backendRef", on: "array")
            items(backends.count, rulePath.child("backendRefs"), maxItems: 16)
            for (backendPosition, backend) in backends.enumerated() {
                let backendPath = rulePath.child("backendRefs").index(backendPosition)
                backendObjectReference(group: backend.group, kind: backend.kind, name: backend.name, namespace: backend.namespace,
                                       port: backend.port, backendPath)
                integer(backend.weight, backendPath.child("weight"), minimum: 0, maximum: 1_000_000)
            }
        }
    }
}

extension HTTPRoute {
    /// A TLSRoute's or TCPRoute's parents, hostnames and backends as an HTTPRoute of `kind`
    /// (`TLSRoute`, `TCPRoute`), so that attachment, ReferenceGrants and status follow the same
    /// rules for every route kind. The rules keep only their names and backendRefs.
    public init(streamEquivalentOf spec: StreamRouteSpec, kind: String, apiVersion: String?, metadata: ObjectMeta?,
                status: RouteStatus?) {
        self.init(
            apiVersion: apiVersion, kind: kind, metadata: metadata,
            spec: HTTPRouteSpec(
                parentRefs: spec.parentRefs, useDefaultGateways: spec.useDefaultGateways, hostnames: spec.hostnames,
                rules: spec.rules.map { rules in
                    rules.map { rule in
                        HTTPRouteRule(name: rule.name, matches: nil, filters: nil,
                                      backendRefs: rule.backendRefs.map { references in
                                          references.map {
                                              HTTPBackendRef(group: $0.group, kind: $0.kind, name: $0.name, namespace: $0.namespace,
                                                             port: $0.port, weight: $0.weight, filters: nil)
                                          }
                                      },
                                      timeouts: nil, retry: nil, sessionPersistence: nil)
                    }
                }),
            status: status)
    }
}
