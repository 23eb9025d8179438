import Foundation
import GatewayModel
import Harness
import Processes
import Testing

/// Two TCPRoutes on one TCP listener, end to end (GEP-2644, upstream's
/// TCPRouteMultipleRoutesAttachment): both Accepted, the listener counts both, only the older
/// route's backend gets connections, and the newer route's status says so.
@Suite("Competing TCPRoutes on one listener (real Envoy)", .serialized)
struct StreamConflictTests {
    @Test("the older TCPRoute gets every connection; the newer stays Accepted with gatehouse.io/Superseded naming the older")
    func olderTCPRouteWins() async throws {
        let server = try await GatehouseProcess()
        defer { server.stop() }
        let first = try await EchoProcess(name: "tcp-first-1", namespace: "streams")
        defer { first.stop() }
        let second = try await EchoProcess(name: "tcp-second-1", namespace: "streams")
        defer { second.stop() }
        let service = { (name: String, port: Int) in
            """
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: streams}
            spec: {ports: [{name: tcp, port: 3000, targetPort: \(port)}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: \(name)-1, namespace: streams, labels: {kubernetes.io/service-name: \(name)}}
            addressType: IPv4
            ports: [{name: tcp, port: \(port)}]
            endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
            """
        }
        let route = { (name: String, backend: String) in
            """
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: TCPRoute
            metadata: {name: \(name), namespace: streams}
            spec:
              parentRefs: [{name: streams, sectionName: tcp}]
              rules: [{backendRefs: [{name: \(backend), port: 3000}]}]
            """
        }
        try await apply([
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: streams}",
            service("first", first.port), service("second", second.port),
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: streams, namespace: streams}
            spec:
              gatewayClassName: kuma
              listeners: [{name: tcp, port: 5432, protocol: TCP}]
            """,
            // `a-older` is created first; should both land in the same second (creation times
            // have second precision), namespace/name decides, and it still comes first.
            route("a-older", "first"),
        ].joined(separator: "\n---\n"), to: server)
        let address = try await programmedAddress(server, namespace: "streams", name: "streams", seconds: 60)
        _ = try await eventually(20, "TCP through the older route") {
            try await HTTP.request("GET", "http://\(address):5432/first", timeout: 2).text.contains("tcp-first-1") ? true : nil
        }
        try await apply(route("b-newer", "second"), to: server)

        let routes = server.server + "/apis/gateway.networking.k8s.io/v1alpha2/namespaces/streams/tcproutes/"
        let superseded = try await eventually(20, "b-newer marked superseded") { () -> JSONValue? in
            let conditions = try await HTTP.json("GET", routes + "b-newer").json[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue
            return conditions?.first { $0["type"] == "gatehouse.io/Superseded" }
        }
        #expect(superseded["status"] == "True" && superseded["reason"] == "OlderRouteServed")
        #expect(superseded["message"]?.stringValue?.contains("streams/a-older") == true, "\(superseded)")
        for name in ["a-older", "b-newer"] {
            let conditions = try await HTTP.json("GET", routes + name).json[path: ["status", "parents"]]?.arrayValue?.first?["conditions"]?.arrayValue ?? []
            #expect(conditions.contains { $0["type"] == "Accepted" && $0["status"] == "True" && $0["reason"] == "Accepted" }, "\(name): \(conditions)")
            if name == "a-older" { #expect(!conditions.contains { $0["type"] == "gatehouse.io/Superseded" }, "\(conditions)") }
        }
        let listener = try await listenerCondition(server, namespace: "streams", gateway: "streams", listener: "tcp",
                                                   type: "Accepted", status: "True")
        #expect(listener["reason"] == "Accepted")
        let gateway = try await HTTP.json("GET", gatewayURL(server, "streams", "streams")).json
        #expect(gateway[path: ["status", "listeners"]]?.arrayValue?.first?["attachedRoutes"]?.integerValue == 2)

        // Every connection, each a new one, reaches the older route's backend only.
        for index in 0..<20 {
            let answer = try await HTTP.exchange("GET", "http://\(address):5432/c\(index)", timeout: 2)
            #expect(answer.text.contains("tcp-first-1") && !answer.text.contains("tcp-second-1"), "connection \(index): \(answer.text.prefix(200))")
        }
    }
}
