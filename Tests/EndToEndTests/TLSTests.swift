import Foundation
import GatewayModel
import Harness
import TestCertificates
import Testing

/// TLS termination end to end: the control plane, real Envoy, an echo backend, and real TLS
/// clients (curl, openssl s_client). Every certificate is made by the test itself.
@Suite("TLS termination end to end (real Envoy, real TLS clients)", .serialized)
struct TLSTests {
    /// A control plane with an echo backend in namespace `tls`, torn down by `stop()`.
    struct Setup {
        let server: GatehouseProcess
        let echo: EchoProcess
        let trust: TrustFiles

        static func start() async throws -> Setup {
            let server = try await GatehouseProcess()
            do {
                let echo = try await EchoProcess(name: "echo-tls-1", namespace: "tls")
                try await apply(backendManifests(namespace: "tls", echoPort: echo.port), to: server)
                return Setup(server: server, echo: echo, trust: try TrustFiles())
            } catch {
                server.stop()
                throw error
            }
        }

        func stop() {
            echo.stop()
            server.stop()
            trust.remove()
        }
    }

    @Test("SNI picks the listener; no SNI and unknown SNI go to the listener without hostname; HTTP beside HTTPS; h2 and http/1.1; 421 for a host of another listener")
    func sniRouting() async throws {
        let setup = try await Setup.start()
        defer { setup.stop() }
        let authority = try TestCertificates.authority()
        let ca = try setup.trust.file("ca", authority.certificatePEM)
        let specific = try authority.issue(["a.example.com"], key: .ecdsa)
        let fallback = try authority.issue(["*.example.com"], key: .rsa)
        let bothECDSA = try authority.issue(["both.example.com"], key: .ecdsa)
        let bothRSA = try authority.issue(["both.example.com"], key: .rsa)
        try await apply([
            tlsSecret("specific", namespace: "tls", specific), tlsSecret("fallback", namespace: "tls", fallback),
            tlsSecret("both-ecdsa", namespace: "tls", bothECDSA), tlsSecret("both-rsa", namespace: "tls", bothRSA),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: edge, namespace: tls}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: specific, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {certificateRefs: [{name: specific}]}}
              - {name: both, port: 443, protocol: HTTPS, hostname: both.example.com,
                 tls: {certificateRefs: [{name: both-rsa}, {name: both-ecdsa}]}}
              - {name: any, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: fallback}]}}
              - {name: plain, port: 80, protocol: HTTP}
            """,
            routeManifest(namespace: "tls", gateway: "edge"),
        ].joined(separator: "\n---\n"), to: setup.server)
        let address = try await programmedAddress(setup.server, namespace: "tls", name: "edge")

        let viaSNI = try await eventually(15, "HTTPS 200 for a.example.com") {
            let result = try await curlTLS(host: "a.example.com", address: address, caFile: ca)
            return result.status == 200 ? result : nil
        }
        #expect(viaSNI.httpVersion == "2", "ALPN offers h2 first")
        #expect(viaSNI.body.contains("echo-tls-1"))
        let http1 = try await curlTLS(host: "a.example.com", address: address, caFile: ca, extra: ["--http1.1"])
        #expect(http1.status == 200 && http1.httpVersion == "1.1", "ALPN http/1.1: \(http1.error)")
        // The certificate for a.example.com verifies only if the `specific` chain served it;
        // another name on the port is served by the catch-all listener's wildcard certificate.
        #expect(try await curlTLS(host: "b.example.com", address: address, caFile: ca).status == 200)
        // No SNI (an IP literal): the listener without hostname answers, with its certificate.
        let noSNI = try await curlTLS(host: address, address: address, caFile: nil, insecure: true)
        #expect(noSNI.status == 200, "no SNI: \(noSNI.error)")
        // The listener with both an RSA and an ECDSA certificate serves each to the client
        // that asks for it.
        for cipher in ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"] {
            let result = try await curlTLS(host: "both.example.com", address: address, caFile: ca,
                                     extra: ["--tls-max", "1.2", "--ciphers", cipher])
            #expect(result.status == 200, "\(cipher): \(result.error)")
        }
        #expect(try await curlTLS(host: "a.example.com", address: address, caFile: ca, extra: ["--tlsv1.3"]).status == 200)
        // A Host that belongs to another listener than the SNI chose: 421 Misdirected Request.
        let misdirected = try await curlTLS(host: "a.example.com", address: address, caFile: ca, extra: ["-H", "Host: both.example.com"])
        #expect(misdirected.status == 421)
        // Plain HTTP on port 80 of the same Gateway.
        #expect(try await HTTP.request("GET", "http://\(address):80/", timeout: 2).status == 200)

        // A Gateway whose only HTTPS listener has a hostname: other SNI, or none, fails the
        // handshake (no filter chain), never reaching a wrong listener.
        try await apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: strict, namespace: tls}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: specific, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {certificateRefs: [{name: specific}]}}
            """, to: setup.server)
        let strict = try await programmedAddress(setup.server, namespace: "tls", name: "strict")
        _ = try await eventually(15, "the strict Gateway serves a.example.com") {
            try await curlTLS(host: "a.example.com", address: strict, path: "/x", caFile: ca).status == 404 ? true : nil
        }
        let wrongSNI = try await curlTLS(host: "other.example.org", address: strict, caFile: nil, insecure: true)
        #expect(wrongSNI.exit == 35 && wrongSNI.status == 0, "wrong SNI must fail the handshake: \(wrongSNI)")
        let none = try await curlTLS(host: strict, address: strict, caFile: nil, insecure: true)
        #expect(none.exit == 35 && none.status == 0, "no SNI must fail the handshake: \(none)")
    }

    @Test("expired and mismatched certificates: clients refuse what does not verify; a key that is not the certificate's is refused by the control plane")
    func badCertificates() async throws {
        let setup = try await Setup.start()
        defer { setup.stop() }
        let authority = try TestCertificates.authority()
        let ca = try setup.trust.file("ca", authority.certificatePEM)
        let expired = try authority.issue(["expired.example.com"], expired: true)
        let otherName = try authority.issue(["other.example.com"])
        let good = try authority.issue(["good.example.com"])
        var mismatched = try authority.issue(["mismatch.example.com"])
        mismatched.privateKeyPEM = try authority.issue(["mismatch.example.com"]).privateKeyPEM
        try await apply([
            tlsSecret("expired", namespace: "tls", expired), tlsSecret("other-name", namespace: "tls", otherName),
            tlsSecret("good", namespace: "tls", good), tlsSecret("mismatched", namespace: "tls", mismatched),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: bad, namespace: tls}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: expired, port: 443, protocol: HTTPS, hostname: expired.example.com, tls: {certificateRefs: [{name: expired}]}}
              - {name: wrong-name, port: 443, protocol: HTTPS, hostname: wrong.example.com, tls: {certificateRefs: [{name: other-name}]}}
              - {name: good, port: 443, protocol: HTTPS, hostname: good.example.com, tls: {certificateRefs: [{name: good}]}}
              - {name: mismatched, port: 8443, protocol: HTTPS, hostname: mismatch.example.com, tls: {certificateRefs: [{name: mismatched}]}}
            """,
            routeManifest(namespace: "tls", gateway: "bad"),
        ].joined(separator: "\n---\n"), to: setup.server)
        let address = try await programmedAddress(setup.server, namespace: "tls", name: "bad")
        _ = try await eventually(15, "HTTPS 200 for good.example.com") {
            try await curlTLS(host: "good.example.com", address: address, caFile: ca).status == 200 ? true : nil
        }

        let expiredResult = try await curlTLS(host: "expired.example.com", address: address, caFile: ca)
        #expect(expiredResult.exit == 60 && expiredResult.error.contains("expired"), "\(expiredResult)")
        #expect(try await curlTLS(host: "expired.example.com", address: address, caFile: ca, insecure: true).status == 200)
        let wrongName = try await curlTLS(host: "wrong.example.com", address: address, caFile: ca)
        #expect(wrongName.exit == 60 && wrongName.status == 0, "a certificate for another name must not verify: \(wrongName)")

        let refused = try await listenerCondition(setup.server, namespace: "tls", gateway: "bad", listener: "mismatched",
                                                  type: "ResolvedRefs", status: "False")
        #expect(refused["reason"] == "InvalidCertificateRef")
        #expect(refused["message"]?.stringValue?.contains("does not match the certificate") == true, "\(refused)")
        _ = try await listenerCondition(setup.server, namespace: "tls", gateway: "bad", listener: "mismatched",
                                        type: "Programmed", status: "False")
        let unserved = try await curlTLS(host: "mismatch.example.com", address: address, port: 8443, caFile: ca)
        #expect(unserved.exit == 7, "the port of the refused listener is not served: \(unserved)")
    }

    @Test("rotating a Secret reaches new handshakes within milliseconds; an open connection stays up; Envoy is not restarted")
    func rotation() async throws {
        let setup = try await Setup.start()
        defer { setup.stop() }
        let before = try TestCertificates.authority("Before CA")
        let after = try TestCertificates.authority("After CA")
        let beforeCA = try setup.trust.file("before", before.certificatePEM)
        let afterCA = try setup.trust.file("after", after.certificatePEM)
        try await apply([
            tlsSecret("rotating", namespace: "tls", try before.issue(["rotate.example.com"])),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: rotating, namespace: tls}
            spec:
              gatewayClassName: kuma
              listeners:
              - {name: https, port: 443, protocol: HTTPS, hostname: rotate.example.com, tls: {certificateRefs: [{name: rotating}]}}
            """,
            routeManifest(namespace: "tls", gateway: "rotating"),
        ].joined(separator: "\n---\n"), to: setup.server)
        let address = try await programmedAddress(setup.server, namespace: "tls", name: "rotating")
        _ = try await eventually(15, "HTTPS 200 with the first certificate") {
            try await curlTLS(host: "rotate.example.com", address: address, caFile: beforeCA).status == 200 ? true : nil
        }
        let copyURL = setup.server.server + "/api/v1/namespaces/kuma-system/secrets/gapi-tls-rotating"
        let copyVersion = try await HTTP.json("GET", copyURL).json.resourceVersion

        let held = try await HeldConnection(host: "rotate.example.com", address: address)
        defer { held.close() }
        #expect(try await held.get(host: "rotate.example.com"), "the held connection works before the rotation")

        let rotated = ContinuousClock.now
        try await apply(tlsSecret("rotating", namespace: "tls", try after.issue(["rotate.example.com"])), to: setup.server)
        let reached = try await eventually(10, "new handshakes get the rotated certificate") {
            try await curlTLS(host: "rotate.example.com", address: address, caFile: afterCA).status == 200 ? ContinuousClock.now : nil
        }
        let latency = reached - rotated
        // Each probe is a curl process (~10-30 ms); the control plane and Envoy take a few ms.
        #expect(latency < .seconds(1), "rotation took \(latency)")
        #expect(try await curlTLS(host: "rotate.example.com", address: address, caFile: beforeCA).exit == 60,
                "the old certificate is no longer served")
        // The connection opened before the rotation was neither drained nor reset: a second
        // request on it is answered (a restarted Envoy or a drained listener would close it).
        // A draining listener would answer with `connection: close` and then close it.
        #expect(try await held.get(host: "rotate.example.com"), "the held connection survives the rotation: \(held.received.suffix(300))")
        #expect(try await held.get(host: "rotate.example.com"), "and stays open")
        #expect(held.responses == 3)
        #expect(!held.received.lowercased().contains("connection: close"), "nothing drained the connection")
        // The mesh secret copy follows its source.
        _ = try await eventually(10, "the mesh secret copy is rewritten") {
            try await HTTP.json("GET", copyURL).json.resourceVersion != copyVersion ? true : nil
        }
    }
}
