import Testing

@testable import GatewayModel

/// One change to a manifest: set the value at a path (`spec.listeners[0].port`,
/// `spec.tags[kuma.io/service]`), or remove it when `value` is nil.
struct ManifestEdit: Sendable, CustomStringConvertible {
    let path: String
    let value: JSONValue?

    var description: String { "\(path)=\(value.map(JSONSerializer.string) ?? "<removed>")" }
}

/// `path = value`.
func set(_ path: String, _ value: JSONValue) -> ManifestEdit { ManifestEdit(path: path, value: value) }

/// Removes `path`.
func remove(_ path: String) -> ManifestEdit { ManifestEdit(path: path, value: nil) }

/// One step of an edit path.
private enum PathStep {
    case key(String)
    case index(Int)
}

private func steps(of path: String) -> [PathStep] {
    var steps: [PathStep] = []
    var current = ""
    var iterator = Array(path)[...]
    while let character = iterator.popFirst() {
        switch character {
        case ".":
            if !current.isEmpty { steps.append(.key(current)) }
            current = ""
        case "[":
            if !current.isEmpty { steps.append(.key(current)) }
            current = ""
            var inside = ""
            while let next = iterator.popFirst(), next != "]" { inside.append(next) }
            if let position = Int(inside) { steps.append(.index(position)) } else { steps.append(.key(inside)) }
        default:
            current.append(character)
        }
    }
    if !current.isEmpty { steps.append(.key(current)) }
    return steps
}

private func applying(_ value: JSONValue?, at steps: ArraySlice<PathStep>, to target: JSONValue) -> JSONValue {
    guard let step = steps.first else { return value ?? .null }
    let rest = steps.dropFirst()
    switch step {
    case .key(let key):
        var members = target.objectValue ?? [:]
        if rest.isEmpty && value == nil {
            members[key] = nil
        } else {
            members[key] = applying(value, at: rest, to: members[key] ?? .emptyObject)
        }
        return .object(members)
    case .index(let position):
        var elements = target.arrayValue ?? []
        while elements.count <= position { elements.append(.emptyObject) }
        if rest.isEmpty && value == nil {
            elements.remove(at: position)
        } else {
            elements[position] = applying(value, at: rest, to: elements[position])
        }
        return .array(elements)
    }
}

/// `manifest` with `edits` applied in order.
func edited(_ manifest: JSONValue, _ edits: [ManifestEdit]) -> JSONValue {
    edits.reduce(manifest) { partial, edit in applying(edit.value, at: steps(of: edit.path)[...], to: partial) }
}

/// Parses a JSON manifest written in a test; a typo yields `null`, which every test rejects.
func manifest(_ text: String) -> JSONValue {
    (try? JSONParser.parse(text)) ?? .null
}

/// The seed-like manifests every table row starts from. Each is valid on its own.
enum SeedManifests {
    static let gatewayClass = manifest("""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"kuma"},
         "spec":{"controllerName":"gateways.kuma.io/controller",
                 "parametersRef":{"group":"kuma.io","kind":"MeshGatewayConfig","name":"default"}}}
        """)
    static let gateway = manifest("""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gateway","namespace":"default"},
         "spec":{"gatewayClassName":"kuma","listeners":[{"name":"http","port":8080,"protocol":"HTTP"}]}}
        """)
    static let httpRoute = manifest("""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"demo","namespace":"default"},
         "spec":{"parentRefs":[{"name":"gateway"}],
                 "rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],
                           "backendRefs":[{"name":"demo-app","port":5000}]}]}}
        """)
    static let grpcRoute = manifest("""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"grpc","namespace":"default"},
         "spec":{"parentRefs":[{"name":"gateway"}],
                 "rules":[{"matches":[{"method":{"service":"echo.Echo","method":"Say"}}],
                           "backendRefs":[{"name":"grpc-app","port":9000}]}]}}
        """)
    static let referenceGrant = manifest("""
        {"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"grant","namespace":"backends"},
         "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"default"}],
                 "to":[{"group":"","kind":"Service"}]}}
        """)
    static let meshGatewayConfig = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"MeshGatewayConfig","metadata":{"name":"default"},
         "spec":{"replicas":1,"serviceType":"LoadBalancer","crossMesh":false,
                 "tags":{"team":"edge"},"resources":{"limits":{"cpu":"500m"}},
                 "serviceTemplate":{"metadata":{"annotations":{"a":"b"}}},
                 "podTemplate":{"spec":{"serviceAccountName":"gw"}}}}
        """)
    static let meshGatewayInstance = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"MeshGatewayInstance","metadata":{"name":"edge","namespace":"default"},
         "spec":{"replicas":2,"serviceType":"ClusterIP","tags":{"kuma.io/service":"edge-gateway"}}}
        """)
    static let meshGateway = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"MeshGateway","mesh":"default","metadata":{"name":"edge"},
         "spec":{"selectors":[{"match":{"kuma.io/service":"edge-gateway"}}],
                 "conf":{"listeners":[{"port":8080,"protocol":"HTTP","hostname":"*","tags":{"port":"http-8080"},
                                       "resources":{"connectionLimit":100}}]}}}
        """)
    static let meshHTTPRoute = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"MeshHTTPRoute","metadata":{"name":"route","namespace":"kuma-system"},
         "spec":{"targetRef":{"kind":"MeshGateway","name":"edge"},
                 "to":[{"targetRef":{"kind":"Mesh"},"hostnames":["example.com"],
                        "rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/"}}],
                                  "default":{"backendRefs":[{"kind":"MeshService","name":"demo-app","port":5000,"weight":1}]}}]}]}}
        """)
    static let meshTCPRoute = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"MeshTCPRoute","metadata":{"name":"tcp","namespace":"kuma-system"},
         "spec":{"targetRef":{"kind":"Mesh"},
                 "to":[{"targetRef":{"kind":"MeshService","name":"db"},
                        "rules":[{"default":{"backendRefs":[{"kind":"MeshService","name":"db","port":5432}]}}]}]}}
        """)

    static let mesh = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"Mesh","metadata":{"name":"default"},
         "spec":{"mtls":{"enabledBackend":"ca-1","backends":[{"name":"ca-1","type":"builtin"}]},
                 "meshServices":{"mode":"Exclusive"},"skipCreatingInitialPolicies":["*"]}}
        """)
    static let dataplane = manifest("""
        {"apiVersion":"kuma.io/v1alpha1","kind":"Dataplane","mesh":"default",
         "metadata":{"name":"echo-v1-5d8f-abcde","namespace":"mesh","labels":{"app":"echo"}},
         "spec":{"networking":{"address":"127.0.254.1",
                               "inbound":[{"port":8080,"tags":{"kuma.io/service":"echo-v1_mesh_svc_8080"}}],
                               "outbound":[{"address":"127.0.254.1","port":15001}]}},
         "status":{"connection":"Online","config":"Accepted","acceptedVersion":"abc"}}
        """)

    /// The seed manifest of a kind.
    static func seed(for kind: ResourceKind) -> JSONValue {
        switch kind {
        case ResourceKinds.gatewayClass: return gatewayClass
        case ResourceKinds.gateway: return gateway
        case ResourceKinds.httpRoute: return httpRoute
        case ResourceKinds.grpcRoute: return grpcRoute
        case ResourceKinds.referenceGrant: return referenceGrant
        case ResourceKinds.meshGatewayConfig: return meshGatewayConfig
        case ResourceKinds.meshGatewayInstance: return meshGatewayInstance
        case ResourceKinds.meshGateway: return meshGateway
        case ResourceKinds.meshHTTPRoute: return meshHTTPRoute
        case ResourceKinds.meshTCPRoute: return meshTCPRoute
        case ResourceKinds.mesh: return mesh
        case ResourceKinds.dataplane: return dataplane
        default: return .null
        }
    }

    /// Every kind with a seed, for the round-trip tests.
    static let kinds: [ResourceKind] = [
        ResourceKinds.gatewayClass, ResourceKinds.gateway, ResourceKinds.httpRoute, ResourceKinds.grpcRoute,
        ResourceKinds.referenceGrant, ResourceKinds.meshGatewayConfig, ResourceKinds.meshGatewayInstance,
        ResourceKinds.meshGateway, ResourceKinds.meshHTTPRoute, ResourceKinds.meshTCPRoute,
        ResourceKinds.mesh, ResourceKinds.dataplane,
    ]
}

/// A JSON array of `count` elements made by `element`.
func array(_ count: Int, _ element: (Int) -> JSONValue) -> JSONValue {
    .array((0..<count).map(element))
}

/// A string of `count` copies of `character`.
func text(_ count: Int, _ character: Character = "a") -> JSONValue {
    .string(String(repeating: character, count: count))
}
