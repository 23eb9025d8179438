import Foundation
import GatewayModel
import Harness
import Testing

/// Gateways as Kubernetes objects in standalone: the MeshGatewayInstance, Service and
/// Deployment the control plane generates, the pods the local runtime runs, drift reverted,
/// and everything removed with its Gateway (real binary, real Envoy, real kubectl).
@Suite("Gateway infrastructure objects (real Envoy)", .serialized)
struct InfrastructureTests {
    static let namespacePath = "/namespaces/kuma-demo"
    static let deploymentPath = "/apis/apps/v1" + namespacePath + "/deployments/kuma"
    static let servicePath = "/api/v1" + namespacePath + "/services/kuma"
    static let instancePath = "/apis/kuma.io/v1alpha1" + namespacePath + "/meshgatewayinstances/kuma"

    static func get(_ server: GatehouseProcess, _ path: String) async throws -> JSONValue? {
        let answer = try await HTTP.json("GET", server.server + path)
        guard answer.status == 200 else { return nil }
        // A 200 whose body is not a JSON object is a server bug, not an absent object.
        guard case .object = answer.json else {
            Issue.record("GET \(path) answered 200 with a body that is not a JSON object: \(answer.text.prefix(2000))")
            return nil
        }
        return answer.json
    }

    /// The gateway's pods (by the standard gateway-name label).
    static func pods(_ server: GatehouseProcess) async throws -> [JSONValue] {
        let list = try await HTTP.json("GET", server.server + "/api/v1" + namespacePath + "/pods?labelSelector=gateway.networking.k8s.io%2Fgateway-name%3Dkuma").json
        return list["items"]?.arrayValue ?? []
    }

    @Test("the seed through kubectl: a Deployment, a LoadBalancer Service with the Gateway's address, a Running pod, the instance Ready")
    func seedObjects() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        try await seed.waitFor(200)
        let kubectl = try Kubectl(server: seed.server)
        let listing = try await eventually(10, "the Deployment ready and the pod Running") { () -> String? in
            let result = try await kubectl.run("get", "deploy,svc,pods", "-n", "kuma-demo")
            return result.output.contains("deployment.apps/kuma   1/1") && result.output.contains("Running") ? result.output : nil
        }
        #expect(listing.contains("LoadBalancer") && listing.contains(seed.address), "the Service shows the Gateway's address: \(listing)")
        let service = try #require(try await Self.get(seed.server, Self.servicePath))
        #expect(service[path: ["status", "loadBalancer", "ingress"]]?.arrayValue?.first?["ip"]?.stringValue == seed.address)
        #expect(service[path: ["spec", "ports"]]?.arrayValue?.first?["port"] == 8080)
        #expect(service.labels["gateway.networking.k8s.io/gateway-name"] == "kuma")
        let clusterIP = try #require(service[path: ["spec", "clusterIP"]]?.stringValue, "a cluster IP from the service pool")
        #expect(clusterIP.hasPrefix("10.96."))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Self.get(seed.server, Self.servicePath)?[path: ["spec", "clusterIP"]]?.stringValue == clusterIP,
                "the generated Service keeps its allocated cluster IP (the writer does not fight the allocator)")
        let instance = try await eventually(10, "MeshGatewayInstance Ready") { () -> JSONValue? in
            let instance = try await Self.get(seed.server, Self.instancePath)
            let ready = instance?[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Ready" }
            return ready?["status"] == "True" ? instance : nil
        }
        #expect(instance[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["kind"] == "Gateway")
        let pod = try #require(try await Self.pods(seed.server).first)
        #expect(pod[path: ["status", "podIP"]] == "127.0.0.1")
        let serving = pod[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "gatehouse.io/serving" }
        #expect(serving?["status"] == "True", "the readiness gate says the pod's Envoy serves")
        // A scraper finds the agent's metrics from the pod's annotations.
        let annotated = try await eventually(10, "the pod's scrape annotations") { () -> [String: String]? in
            let pod = try await Self.pods(seed.server).first
            let annotations = (pod?[path: ["metadata", "annotations"]]?.objectValue ?? [:]).compactMapValues(\.stringValue)
            return annotations["gatehouse.io/metrics-address"] == nil ? nil : annotations
        }
        let metricsAddress = try #require(annotated["gatehouse.io/metrics-address"])
        #expect(annotated["prometheus.io/scrape"] == "true" && metricsAddress.hasSuffix(":\(annotated["prometheus.io/port"] ?? "")"))
        let metrics = try await HTTP.request("GET", "http://\(metricsAddress)/metrics")
        #expect(metrics.status == 200 && metrics.text.contains("envoy_"), "the agent serves Envoy's stats there")
    }

    @Test("drift: a deleted Deployment, an edited Service and kubectl scale are reverted within a second")
    func driftReverted() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        let kubectl = try Kubectl(server: seed.server)
        let original = try #require(try await Self.get(seed.server, Self.deploymentPath))
        let deleted = try await kubectl.run("delete", "deployment", "kuma", "-n", "kuma-demo", "--wait=false")
        #expect(deleted.status == 0, "\(deleted.error)")
        let recreated = try await eventually(1.5, "the Deployment recreated") { () -> JSONValue? in
            let now = try await Self.get(seed.server, Self.deploymentPath)
            return now.flatMap { $0[path: ["metadata", "uid"]] != original[path: ["metadata", "uid"]] ? $0 : nil }
        }
        #expect(recreated[path: ["spec", "replicas"]] == 1, "recreated: \(recreated)")

        let patch = try await kubectl.run("patch", "service", "kuma", "-n", "kuma-demo", "--type=merge", "-p",
                                          #"{"metadata":{"labels":{"gatehouse.io/managed-by":null,"extra":"x"}},"spec":{"type":"ClusterIP"}}"#)
        #expect(patch.status == 0, "\(patch.error)")
        _ = try await eventually(1.5, "the Service reverted") { () -> Bool? in
            let service = try await Self.get(seed.server, Self.servicePath)
            return service?[path: ["spec", "type"]] == "LoadBalancer" && service?.labels["extra"] == nil
                && service?.labels["gatehouse.io/managed-by"] == "gatehouse" ? true : nil
        }

        let scaled = try await kubectl.run("scale", "deployment", "kuma", "-n", "kuma-demo", "--replicas=3")
        #expect(scaled.status == 0, "\(scaled.error)")
        _ = try await eventually(1.5, "replicas back to the config's 1") { () -> Bool? in
            try await Self.get(seed.server, Self.deploymentPath)?[path: ["spec", "replicas"]] == 1 ? true : nil
        }
        try await seed.waitFor(200)
    }

    @Test("a Gateway moved to another controller's class, then deleted: its objects and pods go")
    func removal() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        _ = try await eventually(10, "a gateway pod") { try await Self.pods(seed.server).isEmpty ? nil : true }
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: someone-else}
            spec: {controllerName: example.com/another-controller}
            """, to: seed.server)
        var gateway = try #require(try await Self.get(seed.server, gatewayPath))
        gateway[path: ["spec", "gatewayClassName"]] = "someone-else"
        gateway[path: ["metadata", "resourceVersion"]] = nil
        #expect(try await HTTP.json("PUT", seed.server.server + gatewayPath, gateway).status == 200)
        try await Self.expectGone(seed.server)

        gateway[path: ["spec", "gatewayClassName"]] = "kuma"
        #expect(try await HTTP.json("PUT", seed.server.server + gatewayPath, gateway).status == 200)
        _ = try await eventually(10, "the objects back with the class") { try await Self.get(seed.server, Self.deploymentPath) }
        #expect(try await HTTP.json("DELETE", seed.server.server + gatewayPath).status == 200)
        try await Self.expectGone(seed.server)
    }

    static func expectGone(_ server: GatehouseProcess) async throws {
        var remaining: [String] = []
        let gone = try? await eventually(10, "instance, Service, Deployment and pods removed") { () -> Bool? in
            remaining = []
            for path in [instancePath, servicePath, deploymentPath] {
                let answer = try await HTTP.json("GET", server.server + path)
                if answer.status != 404 { remaining.append("\(path): \(answer.status) \(answer.text.prefix(300))") }
            }
            remaining += try await pods(server).compactMap(\.name)
            return remaining.isEmpty ? true : nil
        }
        #expect(gone == true, "still there: \(remaining); the control plane logged:\n\(server.log.split(separator: "\n").suffix(25).joined(separator: "\n"))")
    }
}
