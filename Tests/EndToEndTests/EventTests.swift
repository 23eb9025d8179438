import Foundation
import GatewayModel
import Harness
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Kubernetes Events from the controllers (issue 14, item 2), read with the real kubectl:
/// Gateway Accepted/Programmed transitions, a restarted dataplane, a config Envoy rejected, a
/// Secret that cannot be used; both Event APIs; expiry after the TTL.
@Suite("Events (real Envoy, real kubectl)", .serialized)
struct EventTests {
    /// The rows of `kubectl get events -n NS` (or of `resource`) as (type, reason, object, message).
    static func events(_ kubectl: Kubectl, namespace: String, resource: String = "events")
        async throws -> [(type: String, reason: String, object: String, message: String)] {
        let listed = try await kubectl.run("get", resource, "-n", namespace, "-o", "json")
        guard listed.status == 0 else { throw HarnessError("kubectl get \(resource): \(listed.error)") }
        return try JSONParser.parse(listed.output)["items"]?.arrayValue?.map { item in
            let regarding = item["involvedObject"] ?? item["regarding"] ?? .null
            return (item["type"]?.stringValue ?? "", item["reason"]?.stringValue ?? "",
                    "\(regarding["kind"]?.stringValue ?? "")/\(regarding["name"]?.stringValue ?? "")",
                    item["message"]?.stringValue ?? item["note"]?.stringValue ?? "")
        } ?? []
    }

    /// Waits until an event with `reason` about `object` exists; returns its message.
    static func waitForEvent(_ kubectl: Kubectl, namespace: String, reason: String, object: String = "Gateway/kuma",
                             resource: String = "events", seconds: Double = 20) async throws -> String {
        try await eventually(seconds, "event \(reason) on \(object)") {
            try await Self.events(kubectl, namespace: namespace, resource: resource)
                .first { $0.reason == reason && $0.object == object }?.message
        }
    }

    @Test("Accepted and Programmed transitions, a killed agent, a rejected config and a missing Secret show in get events and describe")
    func gatewayEvents() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        let kubectl = try Kubectl(server: seed.server)
        #expect(try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "Accepted").hasPrefix("Accepted=True"))
        #expect(try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "Programmed").hasPrefix("Programmed=True"))
        let table = try await kubectl.run("get", "events", "-n", "kuma-demo")
        #expect(table.output.hasPrefix("LAST SEEN   TYPE"), "\(table.output)")
        let rows = table.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.count > 4 && Array($0[1...4]) == ["Normal", "Programmed", "gateway/kuma", "Programmed=True:"] },
                "\(table.output)")
        let newer = try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "Programmed", resource: "events.v1.events.k8s.io")
        #expect(newer.hasPrefix("Programmed=True"), "the same event in events.k8s.io/v1")

        // A dataplane restarted: its agent and Envoy killed as a crashed pod would be.
        let agent = try #require(childProcesses(of: seed.server.process.pid).first { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("dataplane")
        })
        kill(-agent, SIGKILL)
        let restarted = try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "DataplaneRestarted")
        let pods = try await HTTP.json("GET", seed.server.server + "/api/v1/namespaces/kuma-demo/pods").json
        let podName = try #require(pods["items"]?.arrayValue?.first?.name)
        #expect(restarted.contains("pod \(podName)"), "the event names the gateway's pod: \(restarted)")
        _ = try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "NoResources")
        try await seed.waitFor(200, seconds: 20)

        // A config Envoy rejects: a port another program holds.
        let blocker = try ListeningSocket(host: seed.address, port: 8081)
        defer { blocker.close() }
        let listeners = #"{"spec": {"listeners": [{"name": "proxy", "port": 8080, "protocol": "HTTP"}, {"name": "extra", "port": 8081, "protocol": "HTTP"}]}}"#
        let patched = try await HTTP.request("PATCH", seed.server.server + gatewayPath, body: Array(listeners.utf8),
                                             contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        let rejected = try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "ConfigRejected")
        #expect(rejected.contains("8081") && rejected.contains("last good one keeps serving"), "\(rejected)")

        // A Secret that cannot be used: an HTTPS listener naming a Secret that does not exist.
        let https = #"{"spec": {"listeners": [{"name": "proxy", "port": 8080, "protocol": "HTTP"}, {"name": "secure", "port": 8443, "protocol": "HTTPS", "hostname": "secure.example", "tls": {"certificateRefs": [{"name": "missing-cert"}]}}]}}"#
        #expect(try await HTTP.request("PATCH", seed.server.server + gatewayPath, body: Array(https.utf8),
                                       contentType: "application/merge-patch+json").status == 200)
        let secret = try await Self.waitForEvent(kubectl, namespace: "kuma-demo", reason: "InvalidCertificateRef")
        #expect(secret.contains("listener secure") && secret.contains("missing-cert"), "\(secret)")

        let described = try await kubectl.run("describe", "gateway", "kuma", "-n", "kuma-demo")
        #expect(described.status == 0, "\(described.error)")
        let events = described.output.components(separatedBy: "\nEvents:").last ?? ""
        for reason in ["Accepted", "Programmed", "DataplaneRestarted", "ConfigRejected", "InvalidCertificateRef"] {
            #expect(events.contains(reason), "describe shows \(reason):\n\(events)")
        }
        #expect(events.contains("gatehouse-controller"), "the source column: \(events)")
        // The project's own CLI shows them the same way.
        let own = try await runCommand(try gatehouseBinary().path, ["describe", "gateway", "kuma", "-n", "kuma-demo", "--server", seed.server.server])
        let ownEvents = own.output.components(separatedBy: "\nEvents:").last ?? ""
        #expect(own.status == 0 && ownEvents.contains("Type") && ownEvents.contains("From"), "\(own.output) \(own.error)")
        for reason in ["Accepted", "Programmed", "DataplaneRestarted", "ConfigRejected", "InvalidCertificateRef"] {
            #expect(ownEvents.contains(reason), "gatehouse describe shows \(reason):\n\(ownEvents)")
        }
    }

    @Test("events expire after --event-ttl, from both APIs")
    func eventsExpire() async throws {
        let server = try await GatehouseProcess(extraArguments: ["--event-ttl", "2s"])
        defer { server.stop() }
        let kubectl = try Kubectl(server: server)
        let gateway = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: short, namespace: default}
            spec:
              gatewayClassName: kuma
              listeners: [{name: http, port: 8080, protocol: HTTP}]
            """
        try await apply(gateway, to: server)
        _ = try await Self.waitForEvent(kubectl, namespace: "default", reason: "Accepted", object: "Gateway/short")
        _ = try await Self.waitForEvent(kubectl, namespace: "default", reason: "Accepted", object: "Gateway/short",
                                        resource: "events.v1.events.k8s.io")
        let invalid = try await runCommand(try gatehouseBinary().path, ["run", "--event-ttl", "soon"])
        #expect(invalid.status == 64 && invalid.error.contains("--event-ttl"), "\(invalid.status) \(invalid.error)")
        _ = try await eventually(15, "every event expired") { () -> Bool? in
            let core = try await Self.events(kubectl, namespace: "default")
            let newer = try await Self.events(kubectl, namespace: "default", resource: "events.v1.events.k8s.io")
            return core.isEmpty && newer.isEmpty ? true : nil
        }
    }
}
