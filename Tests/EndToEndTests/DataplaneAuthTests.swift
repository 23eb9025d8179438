import AsyncHTTPClient
import Foundation
import GatewayModel
import Harness
import Testing

/// The dataplane endpoints against the real binary: only a token the control plane signed gets
/// in, and only to its own proxy's config and status (issue 14, item 4).
@Suite("Dataplane authentication (real Envoy)", .serialized)
struct DataplaneAuthTests {
    static let base = "/gatehouse/v1/dataplanes/"

    /// A sidecar's Dataplane, as `gatehouse sidecar` registers it.
    static func dataplane(namespace: String, name: String) -> JSONValue {
        [
            "apiVersion": "kuma.io/v1alpha1", "kind": "Dataplane", "mesh": "default",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["networking": ["address": "127.0.0.1", "outbound": [["address": "127.0.0.1", "port": 15001]]]],
        ]
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    /// Asks the token endpoint for a sidecar token.
    static func sidecarToken(_ server: GatehouseProcess, namespace: String, name: String) async throws -> HTTPAnswer {
        try await HTTP.json("POST", server.server + base + "token", ["namespace": .string(namespace), "name": .string(name)])
    }

    static func programmed(_ server: GatehouseProcess) async throws -> String? {
        let gateway = try await HTTP.json("GET", server.server + gatewayPath).json
        return gateway[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"] == "Programmed" }?["status"]?.stringValue
    }

    @Test("401 without or with a bad token, 403 for another proxy's config or status, 413 for an oversized status")
    func endpointsNeedTheirOwnToken() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        let server = seed.server.server
        let gatewayConfig = server + Self.base + "config?gateway=kuma-demo%2Fkuma&replica=0&protocol=1"
        let gatewayToken = try await agentToken(seed.server, gateway: "kuma-demo/kuma")
        // The pods' token lives in a generated Secret owned by the Gateway's MeshGatewayInstance.
        let tokenSecret = try await HTTP.json("GET", server + "/api/v1/namespaces/kuma-demo/secrets/kuma-gatehouse-token").json
        #expect(tokenSecret[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["kind"] == "MeshGatewayInstance")
        #expect(tokenSecret.labels["gatehouse.io/managed-by"] == "gatehouse")

        // No token, not a bearer, a made-up token, a real one with a flipped signature byte.
        var flipped = Array(gatewayToken)
        flipped[flipped.count - 2] = flipped[flipped.count - 2] == "A" ? "B" : "A"
        let refusals: [[String: String]] = [[:], ["Authorization": "Basic YTpi"], Self.bearer("abc.def.ghi"), Self.bearer(String(flipped))]
        for headers in refusals {
            let config = try await HTTP.request("GET", gatewayConfig, headers: headers, timeout: 10)
            #expect(config.status == 401, "config with \(headers): \(config.status) \(config.text)")
            #expect(config.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let report: JSONValue = ["gateway": "kuma-demo/kuma", "replica": 0, "running": false]
            let status = try await HTTP.json("POST", server + Self.base + "status", report, headers: headers)
            #expect(status.status == 401, "status with \(headers): \(status.status) \(status.text)")
        }

        // Tokens for sidecars: only for a Dataplane that exists, never for a gateway.
        let missing = try await Self.sidecarToken(seed.server, namespace: "kuma-demo", name: "client-1")
        #expect(missing.status == 404 && missing.text.contains("kuma-demo/client-1"), "\(missing.status) \(missing.text)")
        let dataplanes = server + "/apis/kuma.io/v1alpha1/namespaces/kuma-demo/dataplanes"
        #expect(try await HTTP.json("POST", dataplanes, Self.dataplane(namespace: "kuma-demo", name: "client-1")).status == 201)
        let gatewayAsked = try await HTTP.json("POST", server + Self.base + "token",
                                               ["kind": "gateway", "namespace": "kuma-demo", "name": "kuma"])
        #expect(gatewayAsked.status == 403, "\(gatewayAsked.status) \(gatewayAsked.text)")
        let issued = try await Self.sidecarToken(seed.server, namespace: "kuma-demo", name: "client-1")
        let sidecarToken = try #require(issued.json["token"]?.stringValue, "\(issued.status) \(issued.text)")

        // The sidecar's token opens its own config, not the gateway's, and cannot report for it.
        _ = try await ConfigStreamTests.StreamReader(server: server, query: "sidecar=kuma-demo%2Fclient-1", token: sidecarToken)
        // An agent of another protocol version is refused clearly (once it is authenticated).
        for (suffix, asked) in [("&protocol=2", "protocol 2"), ("", "no protocol")] {
            let refused = try await HTTP.request("GET", server + Self.base + "config?sidecar=kuma-demo%2Fclient-1" + suffix,
                                                 headers: Self.bearer(sidecarToken), timeout: 10)
            #expect(refused.status == 400 && refused.text.contains("protocol 1") && refused.text.contains(asked),
                    "\(refused.status) \(refused.text)")
        }
        let foreignConfig = try await HTTP.request("GET", gatewayConfig, headers: Self.bearer(sidecarToken), timeout: 10)
        #expect(foreignConfig.status == 403, "\(foreignConfig.status) \(foreignConfig.text)")
        #expect(foreignConfig.text.contains("sidecar kuma-demo/client-1") && foreignConfig.text.contains("gateway kuma-demo/kuma"))
        let forged: JSONValue = ["gateway": "kuma-demo/kuma", "replica": 0, "running": false,
                                 "rejectedVersion": "x", "rejectionMessage": "forged"]
        let foreignStatus = try await HTTP.json("POST", server + Self.base + "status", forged, headers: Self.bearer(sidecarToken))
        #expect(foreignStatus.status == 403, "\(foreignStatus.status) \(foreignStatus.text)")
        // The gateway's token cannot speak for the sidecar either.
        let otherWay = try await HTTP.json("POST", server + Self.base + "status",
                                           ["sidecar": "kuma-demo/client-1", "running": false], headers: Self.bearer(gatewayToken))
        #expect(otherWay.status == 403, "\(otherWay.status) \(otherWay.text)")
        #expect(try await Self.programmed(seed.server) == "True", "the refused reports changed nothing")
        try await seed.waitFor(200)

        // Status bodies are bounded: 413 with the gateway's own token, never 500.
        let oversized = Array(repeating: UInt8(ascii: " "), count: 2 * 1024 * 1024)
        let tooLarge = try await HTTP.request("POST", server + Self.base + "status", body: oversized, headers: Self.bearer(gatewayToken))
        #expect(tooLarge.status == 413, "\(tooLarge.status) \(tooLarge.text)")
        let notJSON = try await HTTP.request("POST", server + Self.base + "status", body: Array("{".utf8), headers: Self.bearer(gatewayToken))
        #expect(notJSON.status == 400, "\(notJSON.status) \(notJSON.text)")
        #expect(try await HTTP.json("GET", server + "/readyz").status == 200)
        try await seed.waitFor(200)
    }

    @Test("the signing key survives a restart (0600): a token issued before it still opens its config")
    func tokensSurviveRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await GatehouseProcess(dataDirectory: directory)
        let token: String
        do {
            let dataplanes = first.server + "/apis/kuma.io/v1alpha1/namespaces/default/dataplanes"
            #expect(try await HTTP.json("POST", dataplanes, Self.dataplane(namespace: "default", name: "web-1")).status == 201)
            let issued = try await Self.sidecarToken(first, namespace: "default", name: "web-1")
            token = try #require(issued.json["token"]?.stringValue, "\(issued.status) \(issued.text)")
        } catch {
            first.stop()
            throw error
        }
        first.stop()
        let keyFile = directory.appendingPathComponent("dataplane-token-signing.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)

        let second = try await GatehouseProcess(dataDirectory: directory)
        defer { second.stop() }
        _ = try await ConfigStreamTests.StreamReader(server: second.server, query: "sidecar=default%2Fweb-1", token: token)
        let other = try await HTTP.request("GET", second.server + Self.base + "config?sidecar=default%2Fweb-2&protocol=1",
                                           headers: Self.bearer(token), timeout: 10)
        #expect(other.status == 403, "\(other.status) \(other.text)")
    }
}
