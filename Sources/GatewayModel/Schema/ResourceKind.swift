/// Describes one kind the API serves: its group, versions, URL plural and scope.
///
/// This is the single table from which discovery documents, URL routing, `gatehouse get` names and
/// the store's keys are all derived.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    /// Served versions; the first is the preferred (and storage) version.
    public var versions: [String]
    /// `Kind` as written in manifests.
    public var kind: String
    /// Lower-case plural used in URLs.
    public var plural: String
    /// Lower-case singular accepted by the CLI.
    public var singular: String
    /// Short names accepted by the CLI and kubectl (`gtw`, `svc`, ...).
    public var shortNames: [String]
    /// Namespaced or cluster-scoped.
    public var namespaced: Bool
    /// Whether the kind has a `/status` subresource (status is then ignored on the main resource).
    public var hasStatusSubresource: Bool
    /// Discovery categories (`all`, `gateway-api`, ...).
    public var categories: [String]
    /// Whether the kind has a `/scale` subresource (`autoscaling/v1` `Scale` over `spec.replicas`).
    public var hasScaleSubresource: Bool

    /// Creates a kind description.
    public init(
        group: String, versions: [String], kind: String, plural: String, shortNames: [String] = [],
        namespaced: Bool, hasStatusSubresource: Bool, categories: [String] = [], hasScaleSubresource: Bool = false
    ) {
        self.group = group
        self.versions = versions
        self.kind = kind
        self.plural = plural
        self.singular = kind.lowercased()
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.hasStatusSubresource = hasStatusSubresource
        self.categories = categories
        self.hasScaleSubresource = hasScaleSubresource
    }

    /// The preferred version.
    public var preferredVersion: String { versions.first ?? "v1" }

    /// `apiVersion` for a version of this kind (`v1` for core, `group/version` otherwise).
    public func apiVersion(_ version: String? = nil) -> String {
        let version = version ?? preferredVersion
        return group.isEmpty ? version : "\(group)/\(version)"
    }

    /// `plural.group`, the name kubectl shows in `api-resources` and errors.
    public var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// `Kind` of the list type.
    public var listKind: String { kind + "List" }

    public var description: String { qualifiedPlural }
}

/// Splits an `apiVersion` into group and version (`v1` -> ("", "v1")).
public func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
    guard let slash = apiVersion.lastIndex(of: "/") else { return ("", apiVersion) }
    return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
}

/// Every kind Gatehouse serves.
public enum ResourceKinds {
    /// The Gateway API group.
    public static let gatewayGroup = "gateway.networking.k8s.io"
    /// Kuma's group.
    public static let kumaGroup = "kuma.io"

    public static let namespace = ResourceKind(
        group: "", versions: ["v1"], kind: "Namespace", plural: "namespaces", shortNames: ["ns"],
        namespaced: false, hasStatusSubresource: true)
    public static let service = ResourceKind(
        group: "", versions: ["v1"], kind: "Service", plural: "services", shortNames: ["svc"],
        namespaced: true, hasStatusSubresource: true, categories: ["all"])
    public static let secret = ResourceKind(
        group: "", versions: ["v1"], kind: "Secret", plural: "secrets",
        namespaced: true, hasStatusSubresource: false)
    public static let configMap = ResourceKind(
        group: "", versions: ["v1"], kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"],
        namespaced: true, hasStatusSubresource: false)
    public static let endpointSlice = ResourceKind(
        group: "discovery.k8s.io", versions: ["v1"], kind: "EndpointSlice", plural: "endpointslices",
        namespaced: true, hasStatusSubresource: false)
    public static let gatewayClass = ResourceKind(
        group: gatewayGroup, versions: ["v1", "v1beta1"], kind: "GatewayClass", plural: "gatewayclasses",
        shortNames: ["gc"], namespaced: false, hasStatusSubresource: true, categories: ["gateway-api"])
    public static let gateway = ResourceKind(
        group: gatewayGroup, versions: ["v1", "v1beta1"], kind: "Gateway", plural: "gateways",
        shortNames: ["gtw"], namespaced: true, hasStatusSubresource: true, categories: ["gateway-api"])
    public static let httpRoute = ResourceKind(
        group: gatewayGroup, versions: ["v1", "v1beta1"], kind: "HTTPRoute", plural: "httproutes",
        namespaced: true, hasStatusSubresource: true, categories: ["gateway-api"])
    public static let grpcRoute = ResourceKind(
        group: gatewayGroup, versions: ["v1"], kind: "GRPCRoute", plural: "grpcroutes",
        namespaced: true, hasStatusSubresource: true, categories: ["gateway-api"])
    /// TLSRoute: SNI routing on `TLS` listeners (standard `v1`; the alpha versions are served too).
    public static let tlsRoute = ResourceKind(
        group: gatewayGroup, versions: ["v1", "v1alpha3", "v1alpha2"], kind: "TLSRoute", plural: "tlsroutes",
        namespaced: true, hasStatusSubresource: true, categories: ["gateway-api"])
    /// TCPRoute: connections on `TCP` listeners (experimental channel: `v1` and `v1alpha2`).
    public static let tcpRoute = ResourceKind(
        group: gatewayGroup, versions: ["v1", "v1alpha2"], kind: "TCPRoute", plural: "tcproutes",
        namespaced: true, hasStatusSubresource: true, categories: ["gateway-api"])
    public static let referenceGrant = ResourceKind(
        group: gatewayGroup, versions: ["v1", "v1beta1"], kind: "ReferenceGrant", plural: "referencegrants",
        shortNames: ["refgrant"], namespaced: true, hasStatusSubresource: false, categories: ["gateway-api"])
    public static let meshGatewayConfig = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "MeshGatewayConfig", plural: "meshgatewayconfigs",
        namespaced: false, hasStatusSubresource: false, categories: ["kuma"])
    public static let meshGatewayInstance = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "MeshGatewayInstance", plural: "meshgatewayinstances",
        namespaced: true, hasStatusSubresource: true, categories: ["kuma"])
    public static let meshGateway = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "MeshGateway", plural: "meshgateways",
        namespaced: false, hasStatusSubresource: false, categories: ["kuma"])
    public static let meshHTTPRoute = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "MeshHTTPRoute", plural: "meshhttproutes",
        namespaced: true, hasStatusSubresource: false, categories: ["kuma"])
    public static let meshTCPRoute = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "MeshTCPRoute", plural: "meshtcproutes",
        namespaced: true, hasStatusSubresource: false, categories: ["kuma"])
    /// A mesh (cluster-scoped; short name `m` as in Kuma's CRD).
    public static let mesh = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "Mesh", plural: "meshes", shortNames: ["m"],
        namespaced: false, hasStatusSubresource: false, categories: ["kuma"])
    /// A mesh workload's proxy (short name `dp` as in Kuma's CRD). Gatehouse gives it a status
    /// subresource: the sidecar reports its connection and config state there.
    public static let dataplane = ResourceKind(
        group: kumaGroup, versions: ["v1alpha1"], kind: "Dataplane", plural: "dataplanes", shortNames: ["dp"],
        namespaced: true, hasStatusSubresource: true, categories: ["kuma"])

    /// A gateway's Deployment (generated from its MeshGatewayInstance; standalone's local
    /// runtime keeps its pods).
    public static let deployment = ResourceKind(
        group: "apps", versions: ["v1"], kind: "Deployment", plural: "deployments", shortNames: ["deploy"],
        namespaced: true, hasStatusSubresource: true, categories: ["all"], hasScaleSubresource: true)
    /// A pod (standalone: a local process run by the local runtime).
    public static let pod = ResourceKind(
        group: "", versions: ["v1"], kind: "Pod", plural: "pods", shortNames: ["po"],
        namespaced: true, hasStatusSubresource: true, categories: ["all"])
    /// A lease (leader election).
    public static let lease = ResourceKind(
        group: "coordination.k8s.io", versions: ["v1"], kind: "Lease", plural: "leases",
        namespaced: true, hasStatusSubresource: false)
    /// A PodDisruptionBudget for a gateway's pods.
    public static let podDisruptionBudget = ResourceKind(
        group: "policy", versions: ["v1"], kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", shortNames: ["pdb"],
        namespaced: true, hasStatusSubresource: true)
    /// A HorizontalPodAutoscaler (stored; the local runtime has no metrics to act on).
    public static let horizontalPodAutoscaler = ResourceKind(
        group: "autoscaling", versions: ["v2"], kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers",
        shortNames: ["hpa"], namespaced: true, hasStatusSubresource: true, categories: ["all"])
    /// A core v1 Event: what the controllers report about an object (`kubectl get events`,
    /// `kubectl describe`). Kept for the event TTL (`gatehouse run --event-ttl`).
    public static let event = ResourceKind(
        group: "", versions: ["v1"], kind: "Event", plural: "events", shortNames: ["ev"],
        namespaced: true, hasStatusSubresource: false)
    /// The `events.k8s.io/v1` Event: the same reports in the newer API's shape.
    public static let eventV1 = ResourceKind(
        group: "events.k8s.io", versions: ["v1"], kind: "Event", plural: "events", shortNames: ["ev"],
        namespaced: true, hasStatusSubresource: false)
    /// A service account (the control plane's pods run as one when installed).
    public static let serviceAccount = ResourceKind(
        group: "", versions: ["v1"], kind: "ServiceAccount", plural: "serviceaccounts", shortNames: ["sa"],
        namespaced: true, hasStatusSubresource: false)
    /// RBAC: permissions within a namespace.
    public static let role = ResourceKind(
        group: rbacGroup, versions: ["v1"], kind: "Role", plural: "roles", namespaced: true, hasStatusSubresource: false)
    /// RBAC: permissions across the cluster.
    public static let clusterRole = ResourceKind(
        group: rbacGroup, versions: ["v1"], kind: "ClusterRole", plural: "clusterroles", namespaced: false, hasStatusSubresource: false)
    /// RBAC: a Role or ClusterRole granted within a namespace.
    public static let roleBinding = ResourceKind(
        group: rbacGroup, versions: ["v1"], kind: "RoleBinding", plural: "rolebindings", namespaced: true, hasStatusSubresource: false)
    /// RBAC: a ClusterRole granted across the cluster.
    public static let clusterRoleBinding = ResourceKind(
        group: rbacGroup, versions: ["v1"], kind: "ClusterRoleBinding", plural: "clusterrolebindings",
        namespaced: false, hasStatusSubresource: false)
    /// A custom resource definition (the install manifests' kuma.io CRDs).
    public static let customResourceDefinition = ResourceKind(
        group: "apiextensions.k8s.io", versions: ["v1"], kind: "CustomResourceDefinition", plural: "customresourcedefinitions",
        shortNames: ["crd", "crds"], namespaced: false, hasStatusSubresource: true)
    /// The RBAC API group.
    public static let rbacGroup = "rbac.authorization.k8s.io"

    /// All kinds, in discovery order.
    public static let all: [ResourceKind] = [
        namespace, service, secret, configMap, endpointSlice, pod,
        deployment, lease, podDisruptionBudget, horizontalPodAutoscaler,
        gatewayClass, gateway, httpRoute, grpcRoute, tlsRoute, tcpRoute, referenceGrant,
        meshGatewayConfig, meshGatewayInstance, meshGateway, meshHTTPRoute, meshTCPRoute,
        mesh, dataplane, event, eventV1,
        serviceAccount, role, clusterRole, roleBinding, clusterRoleBinding, customResourceDefinition,
    ]

    /// The API groups, in discovery order (core excluded).
    public static var groups: [String] {
        var seen: [String] = []
        for kind in all where !kind.group.isEmpty && !seen.contains(kind.group) { seen.append(kind.group) }
        return seen
    }

    /// The kind served at `group`/`version` under `plural`, if any.
    public static func lookup(group: String, version: String, plural: String) -> ResourceKind? {
        all.first { $0.group == group && $0.plural == plural && $0.versions.contains(version) }
    }

    /// The kind an object key belongs to, if served.
    public static func kind(of key: ObjectKey) -> ResourceKind? {
        all.first { $0.group == key.group && $0.plural == key.plural }
    }

    /// The kind named by `apiVersion` and `kind` in a manifest, if served.
    public static func lookup(apiVersion: String, kind: String) -> ResourceKind? {
        let (group, version) = splitAPIVersion(apiVersion)
        return all.first { $0.group == group && $0.kind == kind && $0.versions.contains(version) }
    }

    /// Resolves what a user typed on the command line: plural, singular, short name or Kind,
    /// optionally qualified with `.group` (`gateways`, `gtw`, `Gateway`, `httproutes.gateway.networking.k8s.io`).
    public static func resolve(_ name: String) -> ResourceKind? {
        let lowered = name.lowercased()
        var base = lowered
        var group: String?
        if let dot = lowered.firstIndex(of: ".") {
            base = String(lowered[..<dot])
            group = String(lowered[lowered.index(after: dot)...])
        }
        return all.first { kind in
            if let group, kind.group != group { return false }
            return kind.plural == base || kind.singular == base || kind.shortNames.contains(base)
        }
    }
}
