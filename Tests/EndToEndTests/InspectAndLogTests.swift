import Foundation
import GatewayModel
import Harness
import Processes
import TestCertificates
import Testing

/// `gatehouse inspect` against a running gateway, and `--log-format json`.
@Suite("gatehouse inspect and structured logs (real control plane and Envoy)", .serialized)
struct InspectAndLogTests {
    static func gatehouse(_ server: GatehouseProcess, _ arguments: [String]) async throws -> CommandResult {
        try await runCommand(try gatehouseBinary().path, arguments, environment: ["GATEHOUSE_SERVER": server.server])
    }

    @Test("inspect gateway: listeners, routes in Envoy's order with their HTTPRoute, clusters with endpoints, version accepted; -o json; config dump redacted")
    func inspectGateway() async throws {
        let seed = try await SeedGateway.start(pod: "inspect-demo")
        defer { seed.stop() }
        let server = seed.server
        let keyPair = try TestCertificates.selfSigned(["secure.example.com"])
        try await apply(tlsSecret("inspect-cert", namespace: "kuma-demo", keyPair) + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: kuma, namespace: kuma-demo}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: proxy, port: 8080, protocol: HTTP}
              - {name: secure, port: 8443, protocol: HTTPS, tls: {mode: Terminate, certificateRefs: [{name: inspect-cert}]}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: exact, namespace: kuma-demo}
            spec:
              parentRefs: [{name: kuma, sectionName: proxy}]
              rules: [{matches: [{path: {type: Exact, value: /exact}}], backendRefs: [{name: demo-app, port: 5000}]}]
            """, to: server)
        // Wait until the current version is accepted (both routes in the config).
        let summary = try await eventually(30, "the new version accepted") { () -> JSONValue? in
            let result = try await Self.gatehouse(server, ["inspect", "gateway", "kuma", "-n", "kuma-demo", "-o", "json"])
            guard result.status == 0 else { return nil }
            let summary = try JSONParser.parse(result.output)
            let version = summary["version"]?.stringValue
            let routes = summary["routes"]?.arrayValue ?? []
            guard routes.contains(where: { $0["source"] == "HTTPRoute kuma-demo/exact" }),
                  summary["replicas"]?.arrayValue?.first?["acceptedVersion"]?.stringValue == version else { return nil }
            return summary
        }
        let routes = (summary["routes"]?.arrayValue ?? []).filter { $0["virtualHost"]?.stringValue?.hasPrefix("kuma-demo/kuma/8080") == true }
        let sources = routes.compactMap { $0["source"]?.stringValue }
        // Exact before PathPrefix: Envoy's first match wins, and the Gateway API ranks exact paths first.
        #expect(sources.first == "HTTPRoute kuma-demo/exact", "routes in order: \(sources)")
        #expect(sources.contains("HTTPRoute kuma-demo/echo"))
        #expect(routes.map { $0["order"]?.integerValue ?? -1 } == Array(0..<Int64(routes.count)))
        let listeners = (summary["listeners"]?.arrayValue ?? []).compactMap { $0["port"]?.integerValue }
        #expect(Set(listeners) == [8080, 8443])
        let cluster = (summary["clusters"]?.arrayValue ?? []).first { $0["name"] == "kuma-demo/demo-app/5000" }
        #expect(cluster?["endpoints"] == [.string("127.0.0.1:\(seed.echo.port)")])
        #expect(summary["replicas"]?.arrayValue?.first?["metricsAddress"]?.stringValue?.hasPrefix("127.0.0.1:") == true)

        let text = try await Self.gatehouse(server, ["inspect", "gateway", "kuma", "-n", "kuma-demo"])
        #expect(text.status == 0, "\(text.error)")
        for expected in ["Gateway kuma-demo/kuma", "(current)", "kuma-demo/kuma/8080", "HTTPRoute kuma-demo/exact", "path=/exact",
                         "kuma-demo/demo-app/5000", "127.0.0.1:\(seed.echo.port)", "Secrets (names only)"] {
            #expect(text.output.contains(expected), "inspect output shows \(expected)")
        }
        #expect(!text.output.contains(String(keyPair.privateKeyPEM.split(separator: "\n")[1])))

        let withResources = try await Self.gatehouse(server, ["inspect", "gateway", "kuma", "-n", "kuma-demo", "-o", "json", "--resources"])
        #expect(withResources.status == 0)
        #expect(withResources.output.contains("[redacted]"), "private keys in the resources are redacted")
        #expect(!withResources.output.contains(String(keyPair.privateKeyPEM.split(separator: "\n")[1])))

        let dump = try await Self.gatehouse(server, ["inspect", "config-dump", "gateway", "kuma", "-n", "kuma-demo"])
        #expect(dump.status == 0, "\(dump.error)")
        let parsed = try JSONParser.parse(dump.output)
        let types = (parsed["configs"]?.arrayValue ?? []).compactMap { $0["@type"]?.stringValue }
        #expect(types.contains { $0.hasSuffix("ListenersConfigDump") } && types.contains { $0.hasSuffix("RoutesConfigDump") })
        #expect(dump.output.contains("kuma-demo/kuma/8080"))
        #expect(dump.output.contains("secure"), "the HTTPS listener is in the dump")
        #expect(!dump.output.contains("BEGIN PRIVATE KEY") && !dump.output.contains(String(keyPair.privateKeyPEM.split(separator: "\n")[1])))

        let missing = try await Self.gatehouse(server, ["inspect", "gateway", "nothing", "-n", "kuma-demo"])
        #expect(missing.status == 1)
        #expect(missing.error.contains("no configuration for proxy kuma-demo/nothing"))
    }

    @Test("inspect dataplane: a sidecar's version, listener and clusters; its config dump; its Dataplane lists its metrics port")
    func inspectDataplane() async throws {
        let seed = try await SeedGateway.start(pod: "inspect-sidecar")
        defer { seed.stop() }
        let server = seed.server
        try await apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n", to: server)
        let port = try freePort()
        let sidecar = try await ChildProcess.launch(ChildProcess.Options(
            executable: try gatehouseBinary().path,
            arguments: ["sidecar", "--namespace", "shop", "--name", "client-1", "--outbound", "127.0.0.1:\(port)",
                        "--server", server.server, "--log-format", "json"],
            environment: ["GATEHOUSE_ENVOY": envoyBinary()], logPath: server.dataDirectory.appendingPathComponent("sidecar.log").path))
        defer { sidecar.stopBlocking(grace: .seconds(10)) }
        let metricsAddress: String
        do {
            metricsAddress = try await eventually(30, "the sidecar Accepted, its metrics port listed") { () -> String? in
                let dataplane = try await HTTP.request("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1").json
                guard dataplane[path: ["status", "config"]] == "Accepted" else { return nil }
                return dataplane[path: ["status", "metricsAddress"]]?.stringValue
            }
        } catch {
            let dataplane = try? await HTTP.request("GET", server.server + "/apis/kuma.io/v1alpha1/namespaces/shop/dataplanes/client-1").text
            let sidecarLog = (try? String(contentsOf: server.dataDirectory.appendingPathComponent("sidecar.log"), encoding: .utf8)) ?? ""
            throw HarnessError("\(error)\nDataplane: \(dataplane ?? "none")\nsidecar log (last 40 lines):\n"
                               + sidecarLog.split(separator: "\n").suffix(40).joined(separator: "\n"))
        }
        let scraped = try await PrometheusText.scrape("http://\(metricsAddress)/metrics")
        #expect(scraped.value("gatehouse_agent_config_versions_total", ["result": "accepted"]) >= 1)

        let result = try await Self.gatehouse(server, ["inspect", "dataplane", "client-1", "-n", "shop", "-o", "json"])
        #expect(result.status == 0, "\(result.error)")
        let summary = try JSONParser.parse(result.output)
        #expect(summary["replicas"]?.arrayValue?.first?["acceptedVersion"] == summary["version"])
        #expect((summary["listeners"]?.arrayValue ?? []).contains { $0["port"]?.integerValue == Int64(port) }, "the outbound listener")
        #expect((summary["clusters"]?.arrayValue ?? []).contains { $0["name"] == "kuma-demo/demo-app/5000" },
                "a cluster for the Service in the mesh")
        let text = try await Self.gatehouse(server, ["inspect", "dataplane", "client-1", "-n", "shop"])
        #expect(text.output.hasPrefix("Dataplane shop/client-1") && text.output.contains("(current)"))
        let dump = try await Self.gatehouse(server, ["inspect", "config-dump", "dataplane", "client-1", "-n", "shop"])
        #expect(dump.status == 0, "\(dump.error)")
        #expect(try JSONParser.parse(dump.output)["configs"]?.arrayValue?.isEmpty == false)
        // The sidecar's own log is JSON, each line naming its Dataplane.
        let log = try String(contentsOf: server.dataDirectory.appendingPathComponent("sidecar.log"), encoding: .utf8)
        let lines = log.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty)
        for line in lines {
            let value = try JSONParser.parse(String(line))
            #expect(value["kind"] == "Dataplane" && value["namespace"] == "shop" && value["name"] == "client-1", "\(line)")
        }
    }

    @Test("--log-format json: one JSON object per line; lines about an object carry kind, namespace and name; no key material even at trace level")
    func jsonLogs() async throws {
        let server = try await GatehouseProcess(extraArguments: ["--log-format", "json", "--log-level", "trace"])
        defer { server.stop() }
        let echo = try await EchoProcess(name: "logs-demo", namespace: "kuma-demo")
        defer { echo.stop() }
        try await apply(seedManifests(echoPort: echo.port), to: server)
        _ = try await programmedAddress(server)
        // A TLS listener: its key travels through the store, the pipeline and the config stream.
        let keyPair = try TestCertificates.selfSigned(["logs.example.com"])
        try await apply(tlsSecret("logs-cert", namespace: "kuma-demo", keyPair) + """

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: kuma, namespace: kuma-demo}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: proxy, port: 8080, protocol: HTTP}
              - {name: secure, port: 8443, protocol: HTTPS, tls: {mode: Terminate, certificateRefs: [{name: logs-cert}]}}
            """, to: server)
        _ = try await eventually(30, "the HTTPS listener programmed") { () -> Bool? in
            let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
            let secure = (gateway[path: ["status", "listeners"]]?.arrayValue ?? []).first { $0["name"] == "secure" }
            return (secure?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Programmed" && $0["status"] == "True" } ? true : nil
        }
        let lines = server.log.split(separator: "\n").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        var parsed: [JSONValue] = []
        for line in lines {
            let value = try? JSONParser.parse(String(line))
            #expect(value?["level"] != nil && value?["message"] != nil && value?["time"] != nil, "a JSON log line: \(line)")
            if let value { parsed.append(value) }
        }
        // No key material at any level, trace included, in any form.
        let keyLine = String(keyPair.privateKeyPEM.split(separator: "\n")[1])
        let keyBase64 = String(Data(keyPair.privateKeyPEM.utf8).base64EncodedString().prefix(40))
        let log = server.log
        #expect(!log.contains(keyLine) && !log.contains(keyBase64) && !log.contains("PRIVATE KEY"), "the log holds no key material")
        #expect(parsed.contains { $0["level"] == "trace" }, "trace lines were written")
        let created = parsed.first { $0["message"] == "created the default GatewayClass kuma" }
        #expect(created?["kind"] == "GatewayClass" && created?["name"] == "kuma")
        // The gateway's agent logs in JSON too, every line naming its Gateway.
        let agentLog = try await eventually(10, "the agent's log") { () -> String? in
            // The gateway pod's container log, in its directory under `<data-dir>/pods`.
            let pods = server.dataDirectory.appendingPathComponent("pods")
            guard let directory = try FileManager.default.contentsOfDirectory(atPath: pods.path).first(where: { $0.hasPrefix("kuma-demo_kuma-") })
            else { return nil }
            let text = try String(contentsOfFile: pods.path + "/\(directory)/container.log", encoding: .utf8)
            return text.contains("envoy started") ? text : nil
        }
        #expect(!agentLog.contains(keyLine) && !agentLog.contains(keyBase64) && !agentLog.contains("PRIVATE KEY"))
        for line in agentLog.split(separator: "\n") where line.hasPrefix("{") {
            let value = try JSONParser.parse(String(line))
            #expect(value["kind"] == "Gateway" && value["namespace"] == "kuma-demo" && value["name"] == "kuma", "\(line)")
        }
    }
}
