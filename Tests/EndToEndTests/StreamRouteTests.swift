import Foundation
import GatewayModel
import Harness
import Processes
import TestCertificates
import Testing

/// TLSRoute and TCPRoute end to end: the control plane, real Envoy, a TLS backend
/// (`openssl s_server`), the echo backend and real clients (curl). Every certificate is made
/// by the test itself.
@Suite("TLS passthrough, TLS terminate and TCP end to end (real Envoy, real TLS clients)", .serialized)
struct StreamRouteTests {
    @Test("passthrough shows the backend's certificate; terminate forwards plaintext (and a held connection survives a new chain); TCP forwards bytes; an unknown SNI is refused in the handshake")
    func streams() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let echo = try await EchoProcess(name: "echo-streams-1", namespace: "streams")
        defer { echo.stop() }
        let trust = try TrustFiles()
        defer { trust.remove() }
        let authority = try TestCertificates.authority()
        let ca = try trust.file("ca", authority.certificatePEM)
        // The backend's own certificate: the gateway never holds it, so a client that verifies
        // abc.example.com through the gateway saw the backend terminate TLS.
        let backendPair = try authority.issue(["abc.example.com"])
        let gatewayPair = try authority.issue(["tls.example.com"])
        let tlsBackend = try await TLSBackend(certificate: trust.file("backend-cert", backendPair.certificatePEM),
                                              key: trust.file("backend-key", backendPair.privateKeyPEM))
        defer { tlsBackend.stop() }

        try await apply([
            backendManifests(namespace: "streams", echoPort: echo.port),
            tlsSecret("gateway-cert", namespace: "streams", gatewayPair),
            """
            apiVersion: v1
            kind: Service
            metadata: {name: tls-backend, namespace: streams}
            spec:
              ports: [{name: tls, port: 8443, targetPort: \(tlsBackend.port), protocol: TCP}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: tls-backend-abcde, namespace: streams, labels: {kubernetes.io/service-name: tls-backend}}
            addressType: IPv4
            ports: [{name: tls, port: \(tlsBackend.port), protocol: TCP}]
            endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: streams, namespace: streams}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: passthrough, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
              - {name: terminate, port: 8443, protocol: TLS, hostname: tls.example.com,
                 tls: {mode: Terminate, certificateRefs: [{name: gateway-cert}]}}
              - {name: tcp, port: 5432, protocol: TCP}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: passthrough, namespace: streams}
            spec:
              parentRefs: [{name: streams, sectionName: passthrough}]
              hostnames: [abc.example.com]
              rules: [{backendRefs: [{name: tls-backend, port: 8443}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: terminated, namespace: streams}
            spec:
              parentRefs: [{name: streams, sectionName: terminate}]
              hostnames: [tls.example.com]
              rules: [{backendRefs: [{name: echo, port: 8080}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: TCPRoute
            metadata: {name: plain, namespace: streams}
            spec:
              parentRefs: [{name: streams, sectionName: tcp}]
              rules: [{backendRefs: [{name: echo, port: 8080}]}]
            """,
        ].joined(separator: "\n---\n"), to: server)
        let address = try await programmedAddress(server, namespace: "streams", name: "streams", seconds: 60)

        // Passthrough: the certificate for abc.example.com verifies, and s_server's status page answers.
        let passthrough = try await eventually(20, "TLS passthrough to the backend") {
            let result = try await curlTLS(host: "abc.example.com", address: address, caFile: ca, extra: ["--http1.1"])
            return result.status == 200 ? result : nil
        }
        #expect(passthrough.body.contains("s_server"), "the backend (openssl s_server -www) answered: \(passthrough.body.prefix(200))")

        // Terminate: the gateway's certificate for tls.example.com, plaintext HTTP to the echo backend.
        let terminated = try await eventually(20, "TLS terminate to the echo backend") {
            let result = try await curlTLS(host: "tls.example.com", address: address, port: 8443, caFile: ca, extra: ["--http1.1"])
            return result.status == 200 ? result : nil
        }
        #expect(terminated.body.contains("echo-streams-1"))

        // A connection through the Terminate chain stays up while another chain is added to the
        // same Envoy listener (a second Terminate listener on port 8443 and its route): Envoy
        // drains only chains that change.
        let held = try await HeldConnection(host: "tls.example.com", address: address, port: 8443)
        defer { held.close() }
        #expect(try await held.get(host: "tls.example.com"), "first request on the held connection: \(held.received.suffix(300))")
        let secondPair = try authority.issue(["tls2.example.com"])
        try await apply([
            tlsSecret("gateway-cert-2", namespace: "streams", secondPair),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: streams, namespace: streams}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: passthrough, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
              - {name: terminate, port: 8443, protocol: TLS, hostname: tls.example.com,
                 tls: {mode: Terminate, certificateRefs: [{name: gateway-cert}]}}
              - {name: terminate-2, port: 8443, protocol: TLS, hostname: tls2.example.com,
                 tls: {mode: Terminate, certificateRefs: [{name: gateway-cert-2}]}}
              - {name: tcp, port: 5432, protocol: TCP}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: terminated-2, namespace: streams}
            spec:
              parentRefs: [{name: streams, sectionName: terminate-2}]
              hostnames: [tls2.example.com]
              rules: [{backendRefs: [{name: echo, port: 8080}]}]
            """,
        ].joined(separator: "\n---\n"), to: server)
        _ = try await eventually(20, "the second Terminate listener serves") {
            try await curlTLS(host: "tls2.example.com", address: address, port: 8443, caFile: ca, extra: ["--http1.1"]).status == 200 ? true : nil
        }
        // Past the agent's Envoy drain time (2 s): a drained chain's connections would be closed by now.
        try await Task.sleep(for: .seconds(3))
        #expect(try await held.get(host: "tls.example.com"), "the held connection survived the change: \(held.received.suffix(300))")

        // TCP: the bytes of a plain HTTP request reach the echo backend unchanged.
        let tcp = try await eventually(20, "TCP to the echo backend") {
            let response = try await HTTP.request("GET", "http://\(address):5432/over-tcp", timeout: 2)
            return response.status == 200 ? response : nil
        }
        #expect(tcp.text.contains("/over-tcp") && tcp.text.contains("echo-streams-1"))

        // An SNI no route claims: no filter chain, the connection is closed during the handshake.
        let unknown = try await curlTLS(host: "other.example.com", address: address, caFile: ca)
        #expect(unknown.exit == 35 && unknown.status == 0, "unknown SNI must fail the handshake: \(unknown)")

        // The routes report Accepted on their parents.
        for (plural, version, name) in [("tlsroutes", "v1", "passthrough"), ("tlsroutes", "v1", "terminated"), ("tcproutes", "v1alpha2", "plain")] {
            let route = try await HTTP.json(
                "GET", server.server + "/apis/gateway.networking.k8s.io/\(version)/namespaces/streams/\(plural)/\(name)").json
            let accepted = route[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue?
                .contains { $0["type"] == "Accepted" && $0["status"] == "True" }
            #expect(accepted == true, "\(plural)/\(name): \(route["status"] ?? .null)")
        }
        // The generated MeshTCPRoutes are visible like the other mesh resources.
        let generated = try await HTTP.json("GET", server.server + "/apis/kuma.io/v1alpha1/meshtcproutes").json
        #expect((generated["items"]?.arrayValue ?? []).count == 4)
    }
}

/// `openssl s_server -www` on a free 127.0.0.1 port with the given certificate: a backend that
/// terminates TLS itself. Stopped by PID.
final class TLSBackend: Sendable {
    let process: ChildProcess
    let port: Int

    init(certificate: String, key: String) async throws {
        for _ in 0..<3 {
            let port = try freePort()
            let process = try await ChildProcess.launch(ChildProcess.Options(
                executable: "/usr/bin/openssl",
                arguments: ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet"]))
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline && process.isRunning {
                if (try? await runCommand("/usr/bin/curl", ["--silent", "--insecure", "--max-time", "1", "https://127.0.0.1:\(port)/"],
                                          timeoutSeconds: 3))?.status == 0 {
                    self.process = process
                    self.port = port
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            process.stopBlocking(grace: .seconds(2))
        }
        throw HarnessError("openssl s_server did not start")
    }

    func stop() { process.stopBlocking(grace: .seconds(2)) }
}
