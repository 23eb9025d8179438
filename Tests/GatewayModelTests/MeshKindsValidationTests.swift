import Testing

@testable import GatewayModel

private let mesh = ResourceKinds.mesh
private let dataplane = ResourceKinds.dataplane
private let networking = "spec.networking"

/// Checks of the kuma.io `Mesh` and `Dataplane` kinds (GAMMA workloads).
let meshKindRuleCases: [RuleCase] = [
    rule("Mesh sections are objects", mesh,
         valid: [set("spec.tracing", ["backends": []])], invalid: [set("spec.tracing", "zipkin")], "spec.tracing", .typeInvalid),
    rule("Mesh meshServices mode is one of Kuma's", mesh,
         valid: [set("spec.meshServices.mode", "Disabled")], invalid: [set("spec.meshServices.mode", "Sometimes")],
         "spec.meshServices.mode", .notSupported),
    rule("Dataplane needs networking", dataplane,
         valid: [], invalid: [remove(networking)], networking, .required),
    rule("Dataplane needs an address", dataplane,
         valid: [set("\(networking).address", "10.0.0.7")], invalid: [remove("\(networking).address")], "\(networking).address", .required),
    rule("Dataplane outbound needs a port", dataplane,
         valid: [], invalid: [remove("\(networking).outbound[0].port")], "\(networking).outbound[0].port", .required),
    rule("Dataplane outbound port is a port", dataplane,
         valid: [set("\(networking).outbound[0].port", 65535)], invalid: [set("\(networking).outbound[0].port", 0)],
         "\(networking).outbound[0].port", .invalid),
    rule("Dataplane outbound needs an address", dataplane,
         valid: [], invalid: [set("\(networking).outbound[0].address", "")], "\(networking).outbound[0].address", .required),
    rule("Dataplane inbound tags are not empty", dataplane,
         valid: [set("\(networking).inbound[0].tags", ["version": "v1"])], invalid: [set("\(networking).inbound[0].tags", ["version": ""])],
         "\(networking).inbound[0].tags[version]", .invalid),
    rule("Dataplane mesh is a name", dataplane,
         valid: [set("mesh", "payments")], invalid: [set("mesh", "Payments!")], "mesh", .invalid),
    rule("Dataplane connection state is Online or Offline", dataplane,
         valid: [set("status.connection", "Offline")], invalid: [set("status.connection", "Up")], "status.connection", .notSupported),
    rule("Dataplane config state is known", dataplane,
         valid: [set("status.config", "Rejected")], invalid: [set("status.config", "Broken")], "status.config", .notSupported),
]

@Suite("kuma.io Mesh and Dataplane admission checks")
struct MeshKindsValidationTests {
    @Test(arguments: meshKindRuleCases)
    func rule(_ row: RuleCase) {
        check(row)
    }

    @Test func kindsAreInTheTable() {
        #expect(ResourceKinds.resolve("m") == mesh)
        #expect(ResourceKinds.resolve("meshes") == mesh)
        #expect(ResourceKinds.resolve("dp") == dataplane)
        #expect(ResourceKinds.resolve("dataplanes.kuma.io") == dataplane)
        #expect(!mesh.namespaced && dataplane.namespaced && dataplane.hasStatusSubresource)
    }

    @Test func meshMembershipReadsTheObjectThenItsNamespace() {
        let labelled = ObjectMeta(name: "a", labels: [GeneratedLabels.mesh: "payments"])
        var annotated = ObjectMeta(name: "b")
        annotated.annotations = [GeneratedLabels.mesh: "billing"]
        #expect(MeshMembership.mesh(of: labelled, namespace: annotated, defaultMesh: "default") == "payments")
        #expect(MeshMembership.mesh(of: ObjectMeta(name: "c"), namespace: annotated, defaultMesh: "default") == "billing")
        #expect(MeshMembership.mesh(of: nil, namespace: nil, defaultMesh: "default") == "default")
    }

    @Test func meshServicePortNamesReadBack() {
        let port = MeshServicePort(namespace: "shop", service: "catalog-v2", port: 8080)
        #expect(port.kumaName == "catalog-v2_shop_svc_8080")
        #expect(MeshServicePort(kumaName: port.kumaName) == port)
        #expect(MeshServicePort(kumaName: "catalog_shop_svc") == nil)
        #expect(MeshServicePort(kumaName: "catalog_shop_svc_0") == nil)
        #expect(MeshServicePort(kumaName: "catalog_shop_pod_80") == nil)
    }

    @Test func httpPortsFollowAppProtocolThenName() {
        func port(_ name: String?, _ appProtocol: String?, _ transport: String? = nil) -> Service.Port {
            var port = Service.Port(name: name, protocol: transport, port: 80)
            port.appProtocol = appProtocol
            return port
        }
        #expect(port("web", "http").carriesHTTP)
        #expect(port("web", "kubernetes.io/h2c").carriesHTTP)
        #expect(port("http", nil).carriesHTTP)
        #expect(port("http-admin", nil).carriesHTTP)
        #expect(!port("https", nil).carriesHTTP)
        #expect(!port("web", nil).carriesHTTP)
        #expect(!port("http-metrics", "tcp").carriesHTTP)
        // gRPC is HTTP/2: GRPCRoutes (and HTTPRoutes) route it in the mesh (GAMMA GRPCRoute).
        #expect(port("grpc", "grpc").carriesHTTP)
        #expect(port("api", "GRPC").carriesHTTP)
        #expect(!port("grpc", nil).carriesHTTP, "a name decides only for http and http-*")
        #expect(!port("http", "http", "UDP").carriesHTTP)
    }
}
