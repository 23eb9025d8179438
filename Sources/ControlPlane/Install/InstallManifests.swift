import APIServer
import GatewayModel

/// `gatehouse install control-plane`: the objects that run Gatehouse in a Kubernetes cluster,
/// in the order `kubectl apply` needs them: the system namespace; the kuma.io CRDs with their
/// schemas; a ServiceAccount bound to a ClusterRole and a system-namespace Role that grant
/// exactly `ControlPlaneAccess.rules`; the control plane's Deployment (two replicas electing a
/// leader, probes, resources, non-root, read-only root filesystem) and Service; the default
/// GatewayClass `kuma`. The Gateway API CRDs (standard channel v1.6) are installed separately.
public struct InstallManifests: Sendable {
    /// The system namespace (`kuma-system`).
    public var namespace: String
    /// The control plane's image.
    public var image: String
    /// Control-plane replicas.
    public var replicas: Int

    /// The name shared by the ServiceAccount, roles, bindings, Deployment and Service.
    public static let name = "gatehouse-control-plane"
    /// The port of the dataplane endpoints, metrics and the web console (Kuma's API port).
    public static let port = 5681

    /// Manifests for `namespace`, running `image`.
    public init(namespace: String = "kuma-system", image: String = "gatehouse:latest", replicas: Int = 2) {
        self.namespace = namespace
        self.image = image
        self.replicas = replicas
    }

    /// The kuma.io kinds Gatehouse reads or writes, each served from a CRD in a cluster.
    public static let customKinds = [ResourceKinds.meshGatewayConfig, ResourceKinds.meshGatewayInstance, ResourceKinds.meshGateway,
                                     ResourceKinds.meshHTTPRoute, ResourceKinds.meshTCPRoute, ResourceKinds.dataplane, ResourceKinds.mesh]

    /// The header printed above the manifests.
    public static let header = """
        # Gatehouse control plane. Install the Gateway API CRDs first (standard channel v1.6):
        #   kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml
        # then: gatehouse install control-plane | kubectl apply -f -

        """

    /// Every object, in apply order.
    public func objects() -> [JSONValue] {
        [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace), "labels": labels]]]
            + Self.customKinds.map(Self.customResourceDefinition)
            + accessObjects() + [deployment(), service(), defaultGatewayClass()]
    }

    private var labels: JSONValue { ["app.kubernetes.io/name": "gatehouse", "app.kubernetes.io/component": "control-plane"] }

    private func metadata(namespaced: Bool) -> JSONValue {
        var metadata: JSONValue = ["name": .string(Self.name), "labels": labels]
        if namespaced { metadata["namespace"] = .string(namespace) }
        return metadata
    }

    /// The CRD of a kuma.io kind with its schema (Kuma v2.14.3's).
    static func customResourceDefinition(_ kind: ResourceKind) -> JSONValue {
        let versions: [JSONValue] = kind.versions.enumerated().map { index, version in
            var entry: JSONValue = [
                "name": .string(version), "served": true, "storage": .bool(index == 0),
                "schema": ["openAPIV3Schema": OpenAPI.customResourceSchema(kind, version: version)
                    ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
            ]
            if kind.hasStatusSubresource { entry["subresources"] = ["status": .emptyObject] }
            return entry
        }
        var names: JSONValue = ["plural": .string(kind.plural), "singular": .string(kind.singular), "kind": .string(kind.kind),
                                "listKind": .string(kind.kind + "List")]
        if !kind.shortNames.isEmpty { names["shortNames"] = .array(kind.shortNames.map { .string($0) }) }
        if !kind.categories.isEmpty { names["categories"] = .array(kind.categories.map { .string($0) }) }
        return [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("\(kind.plural).\(kind.group)")],
            "spec": ["group": .string(kind.group), "names": names, "scope": kind.namespaced ? "Namespaced" : "Cluster",
                     "versions": .array(versions)],
        ]
    }

    /// ServiceAccount, ClusterRole + binding, system-namespace Role + binding.
    func accessObjects() -> [JSONValue] {
        func rules(_ scope: ControlPlaneAccess.Scope) -> JSONValue {
            .array(ControlPlaneAccess.rules.filter { $0.scope == scope }.map { rule in
                ["apiGroups": [.string(rule.apiGroup)], "resources": .array(rule.resources.map { .string($0) }),
                 "verbs": .array(rule.verbs.map { .string($0) })]
            })
        }
        let subject: JSONValue = ["kind": "ServiceAccount", "name": .string(Self.name), "namespace": .string(namespace)]
        func roleRef(_ kind: String) -> JSONValue { ["apiGroup": "rbac.authorization.k8s.io", "kind": .string(kind), "name": .string(Self.name)] }
        return [
            ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata(namespaced: true)],
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": metadata(namespaced: false),
             "rules": rules(.cluster)],
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": metadata(namespaced: false),
             "roleRef": roleRef("ClusterRole"), "subjects": [subject]],
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": metadata(namespaced: true),
             "rules": rules(.systemNamespace)],
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": metadata(namespaced: true),
             "roleRef": roleRef("Role"), "subjects": [subject]],
        ]
    }

    /// The control plane: `gatehouse run --kubernetes` with in-cluster config.
    func deployment() -> JSONValue {
        let selector: JSONValue = ["app.kubernetes.io/name": "gatehouse", "app.kubernetes.io/component": "control-plane"]
        let probe: (String) -> JSONValue = { path in
            ["httpGet": ["path": .string(path), "port": .integer(Int64(Self.port)), "scheme": "HTTPS"],
             "periodSeconds": 5, "failureThreshold": 3]
        }
        let container: JSONValue = [
            "name": "control-plane", "image": .string(image), "imagePullPolicy": "IfNotPresent",
            "args": .array([
                "run", "--kubernetes", .string("--system-namespace=\(namespace)"), .string("--api-address=0.0.0.0:\(Self.port)"),
                .string("--control-plane-url=https://\(Self.name).\(namespace).svc:\(Self.port)"),
                "--data-dir=/var/lib/gatehouse",
            ]),
            "env": [["name": "POD_NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]]],
            "ports": [["name": "https", "containerPort": .integer(Int64(Self.port)), "protocol": "TCP"]],
            "readinessProbe": probe("/readyz"), "livenessProbe": probe("/livez"),
            "resources": ["requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["memory": "512Mi"]],
            "securityContext": ["runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532, "readOnlyRootFilesystem": true,
                                "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]]],
            "volumeMounts": [["name": "data", "mountPath": "/var/lib/gatehouse"], ["name": "tmp", "mountPath": "/tmp"]],
        ]
        return [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata(namespaced: true),
            "spec": [
                "replicas": .integer(Int64(replicas)),
                "selector": ["matchLabels": selector],
                "template": [
                    "metadata": ["labels": selector],
                    "spec": [
                        "serviceAccountName": .string(Self.name),
                        "securityContext": ["runAsNonRoot": true, "seccompProfile": ["type": "RuntimeDefault"]],
                        "containers": [container],
                        "volumes": [["name": "data", "emptyDir": .emptyObject], ["name": "tmp", "emptyDir": .emptyObject]],
                    ],
                ],
            ],
        ]
    }

    /// The Service gateway pods reach the control plane through.
    func service() -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Service", "metadata": metadata(namespaced: true),
            "spec": [
                "selector": ["app.kubernetes.io/name": "gatehouse", "app.kubernetes.io/component": "control-plane"],
                "ports": [["name": "https", "port": .integer(Int64(Self.port)), "targetPort": .integer(Int64(Self.port)),
                           "protocol": "TCP", "appProtocol": "https"]],
            ],
        ]
    }

    /// The default GatewayClass `kuma`, as standalone creates it at first start.
    func defaultGatewayClass() -> JSONValue {
        [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": ["name": "kuma"],
            "spec": ["controllerName": .string(TranslationOptions().controllerName), "description": "Gatehouse built-in gateways (Envoy)"],
        ]
    }
}
