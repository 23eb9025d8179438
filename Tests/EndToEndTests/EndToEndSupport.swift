import Foundation
import Harness
import GatewayModel
import ManifestIO
import Testing

// Helpers every end-to-end suite shares: applying manifests, waiting for a condition, the
// seed scenario (written once) and a running seed gateway.

/// Applies a YAML document stream through the API (create, or replace when present).
func apply(_ yaml: String, to server: GatehouseProcess) async throws {
    for object in try Manifests.decode(yaml) {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kindName = object["kind"]?.stringValue,
              let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName), let name = object.name else {
            throw HarnessError("unknown object in test manifest: \(object)")
        }
        let base = kind.group.isEmpty ? "/api/v1" : "/apis/\(kind.group)/\(kind.preferredVersion)"
        let collection = server.server + base + (kind.namespaced ? "/namespaces/\(object.namespace ?? "default")" : "") + "/\(kind.plural)"
        let created = try await HTTP.json("POST", collection, object)
        if created.status == 409 {
            // Replace without a resourceVersion precondition: the controller writes status
            // concurrently, and only the spec is being set here.
            var replacement = object
            replacement[path: ["metadata", "resourceVersion"]] = nil
            let replaced = try await HTTP.json("PUT", collection + "/\(name)", replacement)
            guard replaced.status == 200 else { throw HarnessError("PUT \(name): \(replaced.status) \(replaced.text)") }
        } else if created.status != 201 {
            throw HarnessError("POST \(name): \(created.status) \(created.text)")
        }
    }
}

/// Polls until `condition` holds (every 20 ms, at most `seconds`).
func eventually<T>(_ seconds: Double = 20, _ what: String, _ probe: () async throws -> T?) async throws -> T {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let value = try? await probe() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw HarnessError("timed out after \(seconds) s waiting for \(what)")
}

/// The seed scenario with the seed's names, the backend on a free port.
func seedManifests(echoPort: Int) -> String {
    """
    apiVersion: v1
    kind: Namespace
    metadata: {name: kuma-demo}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: demo-app, namespace: kuma-demo}
    spec:
      selector: {app: demo-app}
      ports: [{name: http, port: 5000, targetPort: \(echoPort), protocol: TCP, appProtocol: http}]
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata: {name: demo-app-abcde, namespace: kuma-demo, labels: {kubernetes.io/service-name: demo-app}}
    addressType: IPv4
    ports: [{name: http, port: \(echoPort), protocol: TCP}]
    endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
    ---
    apiVersion: kuma.io/v1alpha1
    kind: MeshGatewayConfig
    metadata: {name: default}
    spec: {replicas: 1, serviceType: LoadBalancer}
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: GatewayClass
    metadata: {name: kuma}
    spec:
      controllerName: gateways.kuma.io/controller
      parametersRef: {group: kuma.io, kind: MeshGatewayConfig, name: default}
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: kuma, namespace: kuma-demo}
    spec:
      gatewayClassName: kuma
      listeners: [{name: proxy, port: 8080, protocol: HTTP}]
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: echo, namespace: kuma-demo}
    spec:
      parentRefs: [{name: kuma}]
      rules: [{matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{name: demo-app, port: 5000}]}]
    """
}

let gatewayPath = "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/gateways/kuma"

/// Waits for the seed Gateway to be Programmed and returns its address; on timeout the error
/// carries what the Gateway and its pods showed last and the end of the control plane's log.
/// An HTTPRoute on the seed Gateway `kuma` that redirects `/<name>` to example.com with a 302:
/// a route whose effect needs no backend.
func redirectRoute(_ name: String) -> String {
    """
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: \(name), namespace: kuma-demo}
    spec:
      parentRefs: [{name: kuma}]
      rules:
        - matches: [{path: {type: PathPrefix, value: /\(name)}}]
          filters: [{type: RequestRedirect, requestRedirect: {statusCode: 302, hostname: example.com}}]
    """
}

func programmedAddress(_ server: GatehouseProcess) async throws -> String {
    do {
        return try await eventually(30, "Gateway kuma-demo/kuma Programmed") {
            let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
            let conditions = gateway[path: ["status", "conditions"]]?.arrayValue ?? []
            guard conditions.contains(where: { $0["type"] == "Programmed" && $0["status"] == "True" }),
                  let address = gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue else { return nil }
            return address
        }
    } catch {
        throw HarnessError("\(error)\n\(await gatewayDiagnosis(server))")
    }
}

/// The seed Gateway's status, its namespace's pods (phase, conditions, container states) and
/// the last lines of the control plane's log: what a timed-out wait reports.
func gatewayDiagnosis(_ server: GatehouseProcess) async -> String {
    func compact(_ value: JSONValue?) -> String { value.map { "\($0)" } ?? "none" }
    let gateway = try? await HTTP.json("GET", server.server + gatewayPath).json
    let pods = try? await HTTP.json("GET", server.server + "/api/v1/namespaces/kuma-demo/pods").json
    let podLines = (pods?["items"]?.arrayValue ?? []).map { pod in
        "pod \(pod.name ?? "?"): phase \(compact(pod[path: ["status", "phase"]])) conditions \(compact(pod[path: ["status", "conditions"]])) containers \(compact(pod[path: ["status", "containerStatuses"]]))"
    }
    let logTail = server.log.split(separator: "\n").suffix(40).joined(separator: "\n")
    return (["gateway status: \(compact(gateway?["status"]))"] + podLines + ["control plane log (last 40 lines):", logTail]
        + podLogTails(server.dataDirectory.appendingPathComponent("pods")))
        .joined(separator: "\n")
}

/// The last 30 lines of every log file under the pods' directories (agents and Envoys).
func podLogTails(_ directory: URL) -> [String] {
    guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
    return files.compactMap { $0 as? URL }.filter { $0.pathExtension == "log" }.sorted { $0.path < $1.path }.map { file in
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return "\(file.path) (last 30 lines):\n" + text.split(separator: "\n").suffix(30).joined(separator: "\n")
    }
}

/// A control plane with the seed applied, an echo backend, and the Gateway Programmed.
struct SeedGateway {
    let server: GatehouseProcess
    let echo: EchoProcess
    let address: String

    static func start(pod: String) async throws -> SeedGateway {
        let server = try await GatehouseProcess()
        do {
            let echo = try await EchoProcess(name: pod, namespace: "kuma-demo")
            do {
                try await apply(seedManifests(echoPort: echo.port), to: server)
                return SeedGateway(server: server, echo: echo, address: try await programmedAddress(server))
            } catch {
                echo.stop()
                throw error
            }
        } catch {
            server.stop()
            throw error
        }
    }

    /// Waits for `path` to answer `status` through the gateway.
    func waitFor(_ status: Int, at path: String = "/", seconds: Double = 10) async throws {
        _ = try await eventually(seconds, "HTTP \(status) for \(path) through the gateway") {
            try await HTTP.request("GET", "http://\(address):8080\(path)", timeout: 2).status == status ? true : nil
        }
    }

    func stop() {
        echo.stop()
        server.stop()
    }
}

/// The dataplane token of `gateway`'s pods (`namespace/name`), from the token Secret the
/// control plane keeps for it, once it exists.
func agentToken(_ server: GatehouseProcess, gateway: String) async throws -> String {
    let parts = gateway.split(separator: "/").map(String.init)
    let path = server.server + "/api/v1/namespaces/\(parts[0])/secrets/\(parts[1])-gatehouse-token"
    return try await eventually(10, "the Gateway's token Secret \(gateway)") { () -> String? in
        let secret = try await HTTP.json("GET", path).json
        guard let encoded = secret[path: ["data", "token"]]?.stringValue, let data = Data(base64Encoded: encoded) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
