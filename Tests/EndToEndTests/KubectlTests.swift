import Foundation
import Harness
import Processes
import GatewayModel
import Testing

/// kubectl from the project's venv (installed by scripts/setup.sh). Its absence is a failure,
/// not a skip: these tests exist to prove kubectl works.
func kubectlPath() throws -> String {
    let path = packageRoot.appendingPathComponent(".venv/bin/kubectl").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw HarnessError("kubectl not found at \(path); run scripts/setup.sh")
    }
    return path
}

/// Runs kubectl with default flags against `server` through a kubeconfig of its own.
struct Kubectl {
    let binary: String
    let kubeconfig: URL
    let home: URL

    init(server: GatehouseProcess) throws {
        binary = try kubectlPath()
        home = server.dataDirectory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        kubeconfig = server.dataDirectory.appendingPathComponent("kubeconfig")
        let config = """
            apiVersion: v1
            kind: Config
            clusters: [{name: gatehouse, cluster: {server: "\(server.server)"}}]
            contexts: [{name: gatehouse, context: {cluster: gatehouse, namespace: default}}]
            current-context: gatehouse
            """
        try Data(config.utf8).write(to: kubeconfig)
    }

    /// kubectl with a kubeconfig written elsewhere (a secure API's `admin.kubeconfig`).
    init(kubeconfig: String, home: URL) throws {
        binary = try kubectlPath()
        self.kubeconfig = URL(fileURLWithPath: kubeconfig)
        self.home = home
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    var environment: [String: String] { ["KUBECONFIG": kubeconfig.path, "HOME": home.path] }

    func run(_ arguments: String...) async throws -> CommandResult {
        try await runCommand(binary, arguments, environment: environment)
    }
}

let seedDirectory = packageRoot.appendingPathComponent("examples/seed").path

@Suite("kubectl against gatehouse", .serialized)
struct KubectlTests {
    @Test("kubectl apply -f creates the seed, a second apply updates it, get/-o yaml/api-resources work")
    func applyAndGet() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)

        let first = try await kubectl.run("apply", "-f", seedDirectory)
        #expect(first.status == 0, "\(first.error)")
        for line in ["namespace/kuma-demo created", "service/demo-app created", "gateway.gateway.networking.k8s.io/kuma created",
                     "httproute.gateway.networking.k8s.io/echo created",
                     // The default class `kuma` exists from the first start; the seed configures it.
                     "gatewayclass.gateway.networking.k8s.io/kuma configured",
                     "meshgatewayconfig.kuma.io/default created"] {
            #expect(first.output.contains(line), "missing \(line) in \(first.output)")
        }
        let second = try await kubectl.run("apply", "-f", seedDirectory)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("gateway.gateway.networking.k8s.io/kuma unchanged"), "\(second.output)")

        // An edited manifest is applied as an update (merge patch for CRD kinds, strategic for core).
        let edited = server.dataDirectory.appendingPathComponent("edited.yaml")
        try Data("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: kuma, namespace: kuma-demo}
            spec:
              gatewayClassName: kuma
              listeners: [{name: proxy, port: 9090, protocol: HTTP}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: demo-app, namespace: kuma-demo}
            spec:
              selector: {app: demo-app}
              ports: [{name: http, appProtocol: http, port: 5000, protocol: TCP, targetPort: 5001}]
            """.utf8).write(to: edited)
        let third = try await kubectl.run("apply", "-f", edited.path)
        #expect(third.status == 0, "\(third.error)")
        #expect(third.output.contains("gateway.gateway.networking.k8s.io/kuma configured"))
        #expect(third.output.contains("service/demo-app configured"))
        let gateway = try await HTTP.json("GET", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/gateways/kuma").json
        #expect(gateway[path: ["spec", "listeners"]]?.arrayValue?.first?["port"] == 9090)
        #expect(gateway.generation == 2)
        let service = try await HTTP.json("GET", server.server + "/api/v1/namespaces/kuma-demo/services/demo-app").json
        #expect(service[path: ["spec", "ports"]]?.arrayValue?.first?["targetPort"] == 5001)

        let list = try await kubectl.run("get", "gateways", "-A")
        #expect(list.status == 0)
        #expect(list.output.contains("NAMESPACE") && list.output.contains("kuma-demo") && list.output.contains("PROGRAMMED"))
        let yaml = try await kubectl.run("get", "httproute", "echo", "-n", "kuma-demo", "-o", "yaml")
        #expect(yaml.status == 0)
        #expect(yaml.output.contains("kind: HTTPRoute") && yaml.output.contains("name: demo-app"))
        let resources = try await kubectl.run("api-resources")
        #expect(resources.status == 0)
        #expect(resources.output.contains("httproutes") && resources.output.contains("meshgatewayconfigs"))
        let shortName = try await kubectl.run("get", "gtw", "-n", "kuma-demo", "-o", "name")
        #expect(shortName.output.trimmingCharacters(in: .whitespacesAndNewlines) == "gateway.gateway.networking.k8s.io/kuma")
    }

    @Test("kubectl delete -f removes the seed, namespace last-in-line or not")
    func deleteFromFiles() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        #expect(try await kubectl.run("apply", "-f", seedDirectory).status == 0)
        let deleted = try await kubectl.run("delete", "-f", seedDirectory)
        #expect(deleted.status == 0, "\(deleted.error)")
        #expect(deleted.output.contains("httproute.gateway.networking.k8s.io \"echo\" deleted"))
        let deadline = Date().addingTimeInterval(10)
        var status = 200
        while Date() < deadline {
            status = try await HTTP.json("GET", server.server + "/api/v1/namespaces/kuma-demo").status
            if status == 404 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(status == 404)
    }

    @Test("kubectl get -w sees a change made by another client")
    func watch() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        #expect(try await kubectl.run("apply", "-f", seedDirectory).status == 0)
        let output = server.dataDirectory.appendingPathComponent("watch.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let watcher = try await ChildProcess.launch(ChildProcess.Options(
            executable: kubectl.binary, arguments: ["get", "httproutes", "-n", "kuma-demo", "-w"],
            environment: kubectl.environment.mapValues { $0 }, outputPath: output.path))
        defer { watcher.killBlocking() }
        try await Task.sleep(for: .milliseconds(700))
        let route: JSONValue = ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                                "metadata": ["name": "added-elsewhere", "namespace": "kuma-demo"],
                                "spec": ["parentRefs": [["name": "kuma"]]]]
        let created = try await HTTP.json("POST", server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/kuma-demo/httproutes", route)
        #expect(created.status == 201)
        let deadline = Date().addingTimeInterval(10)
        var seen = ""
        while Date() < deadline {
            seen = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if seen.contains("added-elsewhere") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(seen.contains("echo"), "the initial list: \(seen)")
        #expect(seen.contains("added-elsewhere"), "the change: \(seen)")
    }

    @Test("kubectl reports server-side validation errors with the field")
    func validationErrors() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        let bad = server.dataDirectory.appendingPathComponent("bad.yaml")
        try Data("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: bad, namespace: default}
            spec:
              gatewayClassName: kuma
              listeners: [{name: proxy, port: 70000, protocol: HTTP}]
            """.utf8).write(to: bad)
        _ = try await HTTP.json("POST", server.server + "/api/v1/namespaces", Fixtures.namespace("default"))
        let result = try await kubectl.run("apply", "-f", bad.path)
        #expect(result.status != 0)
        #expect(result.error.contains("spec.listeners[0].port"), "\(result.error)")
        let unknown = server.dataDirectory.appendingPathComponent("unknown.yaml")
        try Data("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: typo, namespace: default}
            spec:
              gatewayClassName: kuma
              listeners: [{name: proxy, port: 80, protocol: HTTP, hostnamez: example.com}]
            """.utf8).write(to: unknown)
        let strict = try await kubectl.run("apply", "-f", unknown.path)
        #expect(strict.status != 0)
        #expect(strict.error.contains("spec.listeners[0].hostnamez"), "\(strict.error)")
    }
}
