import Foundation
import GatewayModel
import Harness
import Processes

/// (k) Kubernetes mode against standalone, side by side in one run: the same Gateway, backend
/// and route set, once in standalone and once with `gatehouse run --kubernetes` against a
/// cluster in miniature (`gatehouse run --controllers none`, whose local runtime runs the
/// gateway pods): apply-to-traffic of added routes next to N existing ones, the control
/// plane's RSS, and, for Kubernetes mode, the time from the control plane's start (routes
/// already in the cluster) to the Gateway Programmed with every route attached.
enum KubernetesModeBenchmark {
    /// One mode's measurements.
    struct Measurement {
        var latencies: [Double]
        var rssMiB: Double
        var convergenceSeconds: Double?

        var p50: Double { percentile(latencies.sorted(), 50) }
        var p99: Double { percentile(latencies.sorted(), 99) }
    }

    static func run(routes: Int, added: Int) async throws -> String {
        let envoy = try locatedEnvoy()
        let backend = try await StaticEnvoy.backend(envoy: envoy)
        defer { backend.stop() }
        LiveGatewayBenchmark.progress("(k) standalone with \(routes) routes")
        let standalone = try await measureStandalone(routes: routes, added: added, backendPort: backend.port)
        LiveGatewayBenchmark.progress("(k) Kubernetes mode with \(routes) routes")
        let kubernetes = try await measureKubernetes(routes: routes, added: added, backendPort: backend.port)
        let convergence = kubernetes.convergenceSeconds.map { format($0, 2) } ?? "?"
        return [
            "(k) Kubernetes mode vs standalone, \(routes) HTTPRoutes, \(added) added one at a time (same machine, same run):",
            "    standalone       apply-to-traffic p50 \(format(standalone.p50)) ms, p99 \(format(standalone.p99)) ms, RSS \(format(standalone.rssMiB)) MiB",
            "    Kubernetes mode  apply-to-traffic p50 \(format(kubernetes.p50)) ms, p99 \(format(kubernetes.p99)) ms, RSS \(format(kubernetes.rssMiB)) MiB",
            "    difference p50 \(format(kubernetes.p50 - standalone.p50)) ms, p99 \(format(kubernetes.p99 - standalone.p99)) ms   target within 10 ms: \(verdict(kubernetes.p50 - standalone.p50 <= 10 && kubernetes.p99 - standalone.p99 <= 10))",
            "    Kubernetes-mode control-plane RSS \(format(kubernetes.rssMiB)) MiB   target <= 120 MiB: \(verdict(kubernetes.rssMiB <= 120))",
            "    control-plane start to the Gateway Programmed with \(routes) routes attached: \(convergence) s",
        ].joined(separator: "\n")
    }

    private static func measureStandalone(routes: Int, added: Int, backendPort: Int) async throws -> Measurement {
        let server = try await GatehouseProcess(extraArguments: ["--log-level", "warning"])
        defer { server.stop() }
        try await LiveGatewayBenchmark.setUp(server: server, backendPort: backendPort)
        let address = try await LiveGatewayBenchmark.waitForAddress(server)
        let collection = server.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench/httproutes"
        try await LiveGatewayBenchmark.createRoutes(range: 0..<routes, prefix: "r", collection: collection, concurrency: 8)
        try await LiveGatewayBenchmark.waitForAttachedRoutes(routes, server: server)
        let rss = LiveGatewayBenchmark.residentMiB(server.process.pid)
        return Measurement(latencies: try await additions(added, address: address, collection: collection), rssMiB: rss)
    }

    private static func measureKubernetes(routes: Int, added: Int, backendPort: Int) async throws -> Measurement {
        let cluster = try await GatehouseProcess(extraArguments: ["--controllers", "none", "--log-level", "warning"])
        defer { cluster.stop() }
        let classes = cluster.server + "/apis/gateway.networking.k8s.io/v1/gatewayclasses"
        let created = try await HTTP.json("POST", classes, ["metadata": ["name": "kuma"], "spec": ["controllerName": "gateways.kuma.io/controller"]])
        guard created.status == 201 else { throw HarnessError("POST GatewayClass: \(created.status) \(created.text)") }
        try await LiveGatewayBenchmark.setUp(server: cluster, backendPort: backendPort)
        let collection = cluster.server + "/apis/gateway.networking.k8s.io/v1/namespaces/bench/httproutes"
        try await LiveGatewayBenchmark.createRoutes(range: 0..<routes, prefix: "r", collection: collection, concurrency: 8)

        let kubeconfig = cluster.dataDirectory.appendingPathComponent("bench.kubeconfig")
        try Data("""
            apiVersion: v1
            kind: Config
            clusters: [{name: bench, cluster: {server: "\(cluster.server)"}}]
            users: [{name: bench, user: {}}]
            contexts: [{name: bench, context: {cluster: bench, user: bench}}]
            current-context: bench
            """.utf8).write(to: kubeconfig)
        let directory = cluster.dataDirectory.appendingPathComponent("control-plane")
        let started = ContinuousClock.now
        let controlPlane = try await ChildProcess.launch(ChildProcess.Options(
            executable: try gatehouseBinary().path,
            arguments: ["run", "--kubernetes", "--kubeconfig", kubeconfig.path, "--data-dir", directory.path,
                        "--api-address", "127.0.0.1:\(try freePort())", "--dataplane-probe-port", "0", "--log-level", "warning"],
            logPath: cluster.dataDirectory.appendingPathComponent("control-plane.log").path))
        defer { controlPlane.stopBlocking(grace: .seconds(10)) }
        try await LiveGatewayBenchmark.waitForAttachedRoutes(routes, server: cluster)
        let address = try await LiveGatewayBenchmark.waitForAddress(cluster)
        let converged = ContinuousClock.now - started
        let rss = LiveGatewayBenchmark.residentMiB(controlPlane.pid)
        return Measurement(latencies: try await additions(added, address: address, collection: collection), rssMiB: rss,
                           convergenceSeconds: Double(converged.components.seconds) + Double(converged.components.attoseconds) / 1e18)
    }

    /// Adds `count` routes one at a time, each timed from its POST to its first 200.
    private static func additions(_ count: Int, address: String, collection: String) async throws -> [Double] {
        var latencies: [Double] = []
        for index in 0..<count {
            let started = ContinuousClock.now
            try await LiveGatewayBenchmark.createRoute(name: "n\(index)", path: "/n\(index)", collection: collection)
            try await LiveGatewayBenchmark.waitFor200("http://\(address):8080/n\(index)", seconds: 10, interval: .milliseconds(1))
            let elapsed = ContinuousClock.now - started
            latencies.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        return latencies
    }
}
