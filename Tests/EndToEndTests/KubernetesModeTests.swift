import Foundation
import GatewayModel
import Harness
import Processes
import Testing
import ControlPlane

/// `gatehouse run --kubernetes` against standalone playing the cluster (`--controllers none
/// --secure-api`): the control plane reaches it only through its admin kubeconfig, over TLS,
/// as it would a kube-apiserver (issue 16, item 6).
@Suite("Kubernetes mode against a cluster in miniature (real kubectl and Envoy)", .serialized)
struct KubernetesModeTests {
    /// A Kubernetes-mode control plane: its process, its port, its data directory.
    struct ControlPlaneReplica {
        let process: ChildProcess
        let port: Int
        let directory: URL

        /// Starts `gatehouse run --kubernetes` against `cluster` and waits for its /readyz
        /// (over TLS, trusting the CA the replicas share).
        static func start(against cluster: GatehouseProcess, name: String, leaseDuration: String = "3s",
                          extraArguments: [String] = []) async throws -> ControlPlaneReplica {
            let port = try freePort()
            let directory = cluster.dataDirectory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let process = try await ChildProcess.launch(ChildProcess.Options(
                executable: try gatehouseBinary().path,
                arguments: ["run", "--kubernetes", "--kubeconfig", cluster.adminKubeconfig, "--data-dir", directory.path,
                            "--api-address", "127.0.0.1:\(port)", "--lease-duration", leaseDuration] + extraArguments,
                environment: ["POD_NAME": name], logPath: directory.appendingPathComponent("control-plane.log").path))
            let replica = ControlPlaneReplica(process: process, port: port, directory: directory)
            do {
                _ = try await eventually(20, "\(name) answering /readyz over TLS") { () -> Bool? in
                    guard process.isRunning else { throw HarnessError("\(name) exited: \(replica.log)") }
                    let authority = directory.appendingPathComponent("control-plane-tls/ca.crt").path
                    guard FileManager.default.fileExists(atPath: authority) else { return nil }
                    let status = try await HTTP.withClient(trusting: authority) { client in
                        try await HTTP.request("GET", "https://127.0.0.1:\(port)/readyz", timeout: 2, client: client).status
                    }
                    return status == 200 ? true : nil
                }
            } catch {
                process.stopBlocking(grace: .seconds(5))
                throw error
            }
            return replica
        }

        var log: String {
            (try? String(contentsOf: directory.appendingPathComponent("control-plane.log"), encoding: .utf8)) ?? ""
        }

        /// The last `count` lines of the log, under a heading naming the replica.
        func logTail(_ count: Int = 25) -> String {
            "\(directory.lastPathComponent) log:\n" + log.split(separator: "\n").suffix(count).joined(separator: "\n")
        }
    }

    static func gatewayJSON(_ kubectl: Kubectl) async throws -> JSONValue {
        try JSONParser.parse(try await kubectl.run("get", "gateway", "kuma", "-n", "kuma-demo", "-o", "json").output)
    }

    static func programmedAddress(_ kubectl: Kubectl, seconds: Double = 30) async throws -> String {
        try await eventually(seconds, "the Gateway Programmed by the Kubernetes-mode control plane") { () -> String? in
            let gateway = try await gatewayJSON(kubectl)
            guard gateway[path: ["status", "conditions"]]?.arrayValue?.contains(where: { $0["type"] == "Programmed" && $0["status"] == "True" }) == true
            else { return nil }
            return gateway[path: ["status", "addresses"]]?.arrayValue?.first?["value"]?.stringValue
        }
    }

    @Test("the seed: Gateway -> Deployment written through the client -> pod run by the cluster -> agent over TLS with its service-account token -> 200; SIGTERM stops the control plane promptly")
    func seedEndToEnd() async throws {
        let cluster = try await GatehouseProcess(extraArguments: ["--controllers", "none", "--secure-api"])
        defer { cluster.stop() }
        // At trace level the client logs every request it makes: what RBAC must allow.
        let replica = try await ControlPlaneReplica.start(against: cluster, name: "control-plane-a",
                                                          extraArguments: ["--log-level", "trace", "--log-format", "json"])
        defer { replica.process.stopBlocking(grace: .seconds(10)) }
        let kubectl = try Kubectl(kubeconfig: cluster.adminKubeconfig, home: cluster.dataDirectory.appendingPathComponent("home"))
        let echo = try await EchoProcess(name: "demo-app-1", namespace: "kuma-demo")
        defer { echo.stop() }
        let manifests = cluster.dataDirectory.appendingPathComponent("seed.yaml")
        try Data(seedManifests(echoPort: echo.port).utf8).write(to: manifests)
        let applied = try await kubectl.run("apply", "-f", manifests.path)
        #expect(applied.status == 0, "\(applied.error)")

        let address: String
        do {
            address = try await Self.programmedAddress(kubectl)
        } catch {
            throw HarnessError("\(error)\ncontrol plane log:\n\(replica.log.split(separator: "\n").suffix(40).joined(separator: "\n"))\n"
                               + podLogTails(cluster.dataDirectory.appendingPathComponent("pods")).joined(separator: "\n"))
        }
        let answer = try await eventually(10, "200 through the gateway") { () -> HTTPAnswer? in
            let answer = try await HTTP.request("GET", "http://\(address):8080/", timeout: 2)
            return answer.status == 200 ? answer : nil
        }
        #expect(answer.headers.first(name: "server") == "Kuma Gateway")

        // The control plane wrote through the client: the instance, the default Mesh, the
        // Lease it holds; the pods prove who they are with their service-account token, so no
        // token Secret exists outside the system namespace.
        let instance = try await kubectl.run("get", "meshgatewayinstance", "kuma", "-n", "kuma-demo")
        #expect(instance.status == 0, "\(instance.error)")
        #expect(try await kubectl.run("get", "mesh", "default").status == 0)
        let lease = try JSONParser.parse(try await kubectl.run("get", "lease", "gatehouse-control-plane", "-n", "kuma-system", "-o", "json").output)
        #expect(lease[path: ["spec", "holderIdentity"]] == "control-plane-a")
        let tokenSecret = try await kubectl.run("get", "secret", "kuma-gatehouse-token", "-n", "kuma-demo")
        #expect(tokenSecret.status != 0, "a token Secret was written into the Gateway's namespace")
        let deployment = try JSONParser.parse(try await kubectl.run("get", "deployment", "kuma", "-n", "kuma-demo", "-o", "json").output)
        let container = deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
        #expect(container?["args"]?.arrayValue?.contains(.string("--control-plane=https://127.0.0.1:\(replica.port)")) == true)
        #expect(container?["env"]?.arrayValue?.contains { $0["name"] == "GATEHOUSE_DATAPLANE_TOKEN" } == false)
        // The agent's probes: ready once its Envoy serves an accepted configuration.
        #expect(container?[path: ["readinessProbe", "httpGet", "path"]] == "/ready")
        #expect(container?[path: ["livenessProbe", "httpGet", "path"]] == "/healthz")
        #expect(container?["ports"]?.arrayValue?.first?["containerPort"] == 9902)
        #expect(try await HTTP.request("GET", "http://127.0.0.1:9902/ready", timeout: 5).status == 200)
        #expect(try await HTTP.request("GET", "http://127.0.0.1:9902/healthz", timeout: 5).status == 200)
        // The Kubernetes API is the cluster's: this control plane serves none of it, and
        // nothing but health checks and dataplane endpoints without its admin token.
        let tls = replica.directory.appendingPathComponent("control-plane-tls")
        let adminToken = try String(contentsOf: tls.appendingPathComponent("admin.token"), encoding: .utf8)
        let (anonymous, served) = try await HTTP.withClient(trusting: tls.appendingPathComponent("ca.crt").path) { client in
            let url = "https://127.0.0.1:\(replica.port)/api/v1/namespaces"
            return (try await HTTP.request("GET", url, timeout: 5, client: client).status,
                    try await HTTP.request("GET", url, headers: ["Authorization": "Bearer \(adminToken)"], timeout: 5, client: client).status)
        }
        #expect(anonymous == 401 && served == 404)

        // Every request the controllers made is one the install manifests' roles allow.
        let requests = Self.apiRequests(in: replica.log)
        #expect(requests.count > 20, "\(requests.count) requests logged")
        for request in Set(requests) {
            #expect(ControlPlaneAccess.allows(request.verb, request.resource, group: request.group,
                                              in: request.namespace == "kuma-system" ? .systemNamespace : .cluster),
                    "not granted by the install manifests: \(request)")
        }

        // The pod's preStop: `gatehouse-dataplane drain` asks the agent on loopback, which
        // drains its Envoy and answers once connections closed.
        #expect(container?[path: ["lifecycle", "preStop", "exec", "command"]] == ["gatehouse-dataplane", "drain", "--port=9902"])
        let drainStarted = ContinuousClock.now
        let drain = try await ChildProcess.launch(ChildProcess.Options(
            executable: try gatehouseBinary().deletingLastPathComponent().appendingPathComponent("gatehouse-dataplane").path, arguments: ["drain", "--port=9902"], logPath: replica.directory.appendingPathComponent("drain.log").path))
        defer { drain.killBlocking() }
        #expect(await drain.waitForExit(timeout: .seconds(10)) == .exited(0),
                "\((try? String(contentsOf: replica.directory.appendingPathComponent("drain.log"), encoding: .utf8)) ?? "")")
        #expect(ContinuousClock.now - drainStarted < .seconds(4))

        let stopping = ContinuousClock.now
        replica.process.stopBlocking(grace: .seconds(10))
        #expect(ContinuousClock.now - stopping < .seconds(5),
                "SIGTERM took \(ContinuousClock.now - stopping):\n\(replica.log.split(separator: "\n").suffix(15).joined(separator: "\n"))")
        #expect(replica.process.termination == .exited(0))
        // It released the Lease on the way out.
        let released = try JSONParser.parse(try await kubectl.run("get", "lease", "gatehouse-control-plane", "-n", "kuma-system", "-o", "json").output)
        #expect((released[path: ["spec", "holderIdentity"]]?.stringValue ?? "").isEmpty)
    }

    /// One request to the API server, as RBAC sees it.
    struct APIRequest: Hashable, CustomStringConvertible {
        var verb: String
        var group: String
        var resource: String
        var namespace: String?

        var description: String { "\(verb) \(group.isEmpty ? "core" : group)/\(resource)\(namespace.map { " in \($0)" } ?? "")" }
    }

    /// The requests a control plane's JSON trace log records (`api request` lines).
    static func apiRequests(in log: String) -> [APIRequest] {
        log.split(separator: "\n").compactMap { line -> APIRequest? in
            guard line.hasPrefix("{"), let entry = try? JSONParser.parse(String(line)), entry["message"] == "api request",
                  let method = entry["method"]?.stringValue, let path = entry["path"]?.stringValue else { return nil }
            var segments = path.split(separator: "/").map(String.init)
            let group: String
            if segments.first == "api" {
                group = ""
                segments.removeFirst(2)
            } else {
                group = segments.count > 1 ? segments[1] : ""
                segments.removeFirst(min(3, segments.count))
            }
            var namespace: String?
            if segments.first == "namespaces", segments.count >= 3 {
                namespace = segments[1]
                segments.removeFirst(2)
            }
            guard let plural = segments.first else { return nil }
            let name = segments.count > 1 ? segments[1] : nil
            let resource = segments.count > 2 ? "\(plural)/\(segments[2])" : plural
            let verb: String
            switch method {
            case "GET": verb = name != nil ? "get" : (entry["watch"] == "true" ? "watch" : "list")
            case "POST": verb = "create"
            case "PUT": verb = "update"
            case "PATCH": verb = "patch"
            case "DELETE": verb = name != nil ? "delete" : "deletecollection"
            default: verb = method.lowercased()
            }
            return APIRequest(verb: verb, group: group, resource: resource, namespace: namespace)
        }
    }

    /// A replica's `/metrics` (behind its own admin token).
    static func metrics(_ replica: ControlPlaneReplica) async throws -> PrometheusText {
        let tls = replica.directory.appendingPathComponent("control-plane-tls")
        let token = try String(contentsOf: tls.appendingPathComponent("admin.token"), encoding: .utf8)
        let text = try await HTTP.withClient(trusting: tls.appendingPathComponent("ca.crt").path) { client in
            try await HTTP.request("GET", "https://127.0.0.1:\(replica.port)/metrics", headers: ["Authorization": "Bearer \(token)"],
                                   timeout: 5, client: client).text
        }
        return try PrometheusText(text)
    }

    @Test("two replicas: only the leader writes; kill -9 of the leader, the other takes over within the lease duration and writes status again")
    func leaderFailover() async throws {
        let cluster = try await GatehouseProcess(extraArguments: ["--controllers", "none", "--secure-api"])
        defer { cluster.stop() }
        let kubectl = try Kubectl(kubeconfig: cluster.adminKubeconfig, home: cluster.dataDirectory.appendingPathComponent("home"))
        // The replicas render the pods with their own URLs: taking over rolls the gateway pods,
        // which share the host's network here, so no fixed probe port.
        let first = try await ControlPlaneReplica.start(against: cluster, name: "replica-a", extraArguments: ["--dataplane-probe-port", "0"])
        defer { first.process.stopBlocking(grace: .seconds(10)) }
        _ = try await eventually(10, "replica-a holding the Lease") { () -> Bool? in
            let lease = try JSONParser.parse(try await kubectl.run("get", "lease", "gatehouse-control-plane", "-n", "kuma-system", "-o", "json").output)
            return lease[path: ["spec", "holderIdentity"]] == "replica-a" ? true : nil
        }
        let second = try await ControlPlaneReplica.start(against: cluster, name: "replica-b", extraArguments: ["--dataplane-probe-port", "0"])
        defer { second.process.stopBlocking(grace: .seconds(10)) }
        let echo = try await EchoProcess(name: "demo-app-1", namespace: "kuma-demo")
        defer { echo.stop() }
        let manifests = cluster.dataDirectory.appendingPathComponent("seed.yaml")
        try Data(seedManifests(echoPort: echo.port).utf8).write(to: manifests)
        #expect(try await kubectl.run("apply", "-f", manifests.path).status == 0)
        do {
            _ = try await Self.programmedAddress(kubectl)
        } catch {
            let gateway = try? await Self.gatewayJSON(kubectl)
            throw HarnessError("\(error)\ngateway status: \(gateway?["status"].map { "\($0)" } ?? "none")\n"
                               + [first, second].map { $0.logTail() }.joined(separator: "\n")
                               + "\n" + podLogTails(cluster.dataDirectory.appendingPathComponent("pods")).joined(separator: "\n"))
        }

        // While both run, the standby translates (it serves dataplanes too) but writes nothing.
        let standby = try await Self.metrics(second)
        #expect(standby.value("gatehouse_status_writes_total") == 0)
        #expect(standby.value("gatehouse_reconcile_passes_total") >= 1)
        #expect(try await Self.metrics(first).value("gatehouse_status_writes_total") >= 1)

        first.process.killBlocking()
        let killed = ContinuousClock.now
        do {
            _ = try await eventually(10, "replica-b holding the Lease") { () -> Bool? in
                let lease = try JSONParser.parse(try await kubectl.run("get", "lease", "gatehouse-control-plane", "-n", "kuma-system", "-o", "json").output)
                return lease[path: ["spec", "holderIdentity"]] == "replica-b" ? true : nil
            }
        } catch {
            let lease = try? await kubectl.run("get", "lease", "gatehouse-control-plane", "-n", "kuma-system", "-o", "yaml").output
            throw HarnessError("\(error) (\(ContinuousClock.now - killed) after the kill)\nlease:\n\(lease ?? "unreadable")\n"
                               + second.logTail(40) + "\ncluster log:\n" + cluster.log.split(separator: "\n").suffix(20).joined(separator: "\n"))
        }
        // Taken over within the lease duration (3 s), plus a retry period of slack.
        #expect(ContinuousClock.now - killed < .seconds(5), "took over after \(ContinuousClock.now - killed)")

        // The new leader writes status: a changed route gets its new generation acknowledged.
        let patched = try await kubectl.run("patch", "httproute", "echo", "-n", "kuma-demo", "--type=merge",
                                            "-p", #"{"spec":{"hostnames":["failover.example.com"]}}"#)
        #expect(patched.status == 0, "\(patched.error)")
        _ = try await eventually(15, "the route's status at generation 2, written by replica-b") { () -> Bool? in
            let route = try JSONParser.parse(try await kubectl.run("get", "httproute", "echo", "-n", "kuma-demo", "-o", "json").output)
            let conditions = route[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue ?? []
            return conditions.contains { $0["type"] == "Accepted" && $0["observedGeneration"] == 2 } ? true : nil
        }
        #expect(try await Self.metrics(second).value("gatehouse_status_writes_total") >= 1)
    }

    @Test("the API server restarts mid-watch (its history lost): the control plane relists on 410, keeps serving, and converges a change made after")
    func apiServerRestart() async throws {
        let clusterDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cluster-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: clusterDirectory) }
        var cluster = try await GatehouseProcess(dataDirectory: clusterDirectory, extraArguments: ["--controllers", "none", "--secure-api"])
        defer { cluster.stop() }
        let replica = try await ControlPlaneReplica.start(against: cluster, name: "control-plane-a", extraArguments: ["--dataplane-probe-port", "0"])
        defer { replica.process.stopBlocking(grace: .seconds(10)) }
        let kubectl = try Kubectl(kubeconfig: cluster.adminKubeconfig, home: clusterDirectory.appendingPathComponent("home"))
        let echo = try await EchoProcess(name: "demo-app-1", namespace: "kuma-demo")
        defer { echo.stop() }
        let manifests = clusterDirectory.appendingPathComponent("seed.yaml")
        try Data(seedManifests(echoPort: echo.port).utf8).write(to: manifests)
        #expect(try await kubectl.run("apply", "-f", manifests.path).status == 0)
        let address = try await Self.programmedAddress(kubectl)

        // kill -9 and a restart on the same port: the gateway pod keeps serving (the restarted
        // local runtime adopts it); every watch of the control plane breaks, and the store kept
        // no history, so resuming from the last resourceVersion is 410 Gone.
        let port = cluster.port
        cluster.kill()
        #expect(try await HTTP.request("GET", "http://\(address):8080/", timeout: 5).status == 200)
        cluster = try await GatehouseProcess(dataDirectory: clusterDirectory, port: port, extraArguments: ["--controllers", "none", "--secure-api"])
        let patched = try await kubectl.run("patch", "httproute", "echo", "-n", "kuma-demo", "--type=merge",
                                            "-p", #"{"spec":{"hostnames":["restart.example.com"]}}"#)
        #expect(patched.status == 0, "\(patched.error)")
        _ = try await eventually(20, "the route's generation 2 acknowledged after the restart") { () -> Bool? in
            let route = try JSONParser.parse(try await kubectl.run("get", "httproute", "echo", "-n", "kuma-demo", "-o", "json").output)
            let conditions = route[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue ?? []
            return conditions.contains { $0["type"] == "Accepted" && $0["observedGeneration"] == 2 } ? true : nil
        }
        let answer = try await eventually(10, "200 for the new hostname") { () -> HTTPAnswer? in
            let answer = try await HTTP.exchange("GET", "http://\(address):8080/", headers: [("Host", "restart.example.com")], timeout: 2)
            return answer.status == 200 ? answer : nil
        }
        #expect(answer.headers.first(name: "server") == "Kuma Gateway")
        #expect(replica.log.contains("(410); listing again"), "the control plane's watches relisted")
        #expect(replica.process.isRunning)
    }
}
