import Foundation
import Harness
import GatewayModel
import Testing

/// The `gatehouse` client commands against a running control plane.
@Suite("gatehouse CLI", .serialized)
struct CLITests {
    func gatehouse(_ server: GatehouseProcess?, _ arguments: [String], input: String? = nil) async throws -> CommandResult {
        let url = try server?.server ?? "http://127.0.0.1:\(freePort())"
        return try await runCommand(try gatehouseBinary().path, arguments, environment: ["GATEHOUSE_SERVER": url], input: input)
    }

    @Test("apply creates then reports unchanged/configured; get prints kubectl-like tables")
    func applyAndGet() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let created = try await gatehouse(server, ["apply", "-f", seedDirectory])
        #expect(created.status == 0, "\(created.error)")
        #expect(created.output.contains("gateway.gateway.networking.k8s.io/kuma created"))
        let again = try await gatehouse(server, ["apply", "-f", seedDirectory])
        #expect(again.output.contains("gateway.gateway.networking.k8s.io/kuma unchanged"))

        let table = try await gatehouse(server, ["get", "gateways", "-A"])
        #expect(table.status == 0)
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ") == ["NAMESPACE", "NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"], "\(table.output)")
        #expect(lines.count == 2 && lines[1].split(separator: " ").prefix(3) == ["kuma-demo", "kuma", "kuma"])

        let services = try await gatehouse(server, ["get", "svc", "-n", "kuma-demo", "-o", "wide"])
        #expect(services.output.contains("SELECTOR") && services.output.contains("5000/TCP") && services.output.contains("app=demo-app"))

        let yaml = try await gatehouse(server, ["get", "httproute", "echo", "-n", "kuma-demo", "-o", "yaml"])
        let object = try #require(try? JSONParser.parse(
            try await gatehouse(server, ["get", "httproute", "echo", "-n", "kuma-demo", "-o", "json"]).output))
        #expect(object[path: ["spec", "rules"]]?.arrayValue?.count == 1)
        #expect(yaml.output.contains("kind: HTTPRoute"))

        let fromStdin = try await gatehouse(server, ["apply", "-f", "-"], input: """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: piped, namespace: kuma-demo}
            data: {answer: "42", flag: "true"}
            """)
        #expect(fromStdin.output.contains("configmap/piped created"))
        let piped = try await HTTP.json("GET", server.server + "/api/v1/namespaces/kuma-demo/configmaps/piped").json
        #expect(piped["data"] == ["answer": "42", "flag": "true"], "quoted YAML scalars stay strings")
        let empty = try await gatehouse(server, ["get", "gateways"])
        #expect(empty.error.contains("No resources found in default namespace."))
    }

    @Test("describe shows conditions readably; delete removes by name and by file")
    func describeAndDelete() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        #expect(try await gatehouse(server, ["apply", "-f", seedDirectory]).status == 0)
        // The controller writes the Gateway's conditions; describe shows them as a table.
        let described = try await eventually(20, "describe showing the controller's conditions") { () -> CommandResult? in
            let result = try await gatehouse(server, ["describe", "gateway", "kuma", "-n", "kuma-demo"])
            return result.output.contains("Accepted") ? result : nil
        }
        #expect(described.status == 0)
        #expect(described.output.contains("Name:         kuma"))
        let header = described.output.split(separator: "\n").first { $0.contains("Last Transition") }
        #expect(header?.split(separator: " ") == ["Type", "Status", "Reason", "Message", "Last", "Transition"], "\(described.output)")
        #expect(described.output.contains("Listener proxy:"))

        let byName = try await gatehouse(server, ["delete", "httproute", "echo", "-n", "kuma-demo"])
        #expect(byName.output.contains("httproute.gateway.networking.k8s.io \"echo\" deleted"), "\(byName.output)")
        let missing = try await gatehouse(server, ["delete", "httproute", "echo", "-n", "kuma-demo"])
        #expect(missing.status == 1 && missing.error.contains("NotFound"))
        let byFile = try await gatehouse(server, ["delete", "-f", seedDirectory, "--ignore-not-found"])
        #expect(byFile.status == 0, "\(byFile.error)")
    }

    @Test("errors: no control plane, unknown kind, invalid manifest, invalid object")
    func errors() async throws {
        let offline = try await gatehouse(nil, ["get", "gateways"])
        #expect(offline.status != 0)
        #expect(offline.error.contains("cannot reach the Gatehouse API") && offline.error.contains("gatehouse run"), "\(offline.error)")

        let server = try await GatehouseProcess()
        defer { server.stop() }
        let unknown = try await gatehouse(server, ["get", "widgets"])
        #expect(unknown.status != 0 && unknown.error.contains("doesn't have a resource type \"widgets\""))
        let broken = try await gatehouse(server, ["apply", "-f", "-"], input: "kind: [unclosed")
        #expect(broken.status != 0 && broken.error.contains("line"), "\(broken.error)")
        let invalid = try await gatehouse(server, ["apply", "-f", "-"], input: """
            apiVersion: v1
            kind: Namespace
            metadata: {name: Not_Valid}
            """)
        #expect(invalid.status != 0 && invalid.error.contains("metadata.name"), "\(invalid.error)")
    }

    @Test("run refuses bad flags with a message naming the flag")
    func runFlags() async throws {
        let pool = try await gatehouse(nil, ["run", "--address-pool", "10.0.0.0/8"])
        #expect(pool.status != 0 && pool.error.contains("--address-pool"))
        let address = try await gatehouse(nil, ["run", "--api-address", "nonsense"])
        #expect(address.status != 0 && address.error.contains("--api-address"))
        for (arguments, flag) in [(["--kubernetes", "--lease-duration", "0s"], "--lease-duration"),
                                  (["--kubernetes", "--kube-api-qps", "0"], "--kube-api-qps"),
                                  (["--kubernetes", "--control-plane-url", "ftp://x"], "--control-plane-url"),
                                  (["--kubernetes", "--dataplane-probe-port", "70000"], "--dataplane-probe-port"),
                                  (["--kubernetes", "--controllers", "none"], "--controllers")] {
            let refused = try await gatehouse(nil, ["run"] + arguments)
            #expect(refused.status != 0 && refused.error.contains(flag), "\(arguments): \(refused.error)")
        }
    }
}
