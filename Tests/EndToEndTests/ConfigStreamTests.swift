import AsyncHTTPClient
import Foundation
import GatewayModel
import Harness
import NIOCore
import Testing

/// The control plane's config stream as an agent sees it: the first message carries every file,
/// later ones only the files that changed (one route added: its route configuration, nothing else).
@Suite("Config stream end to end", .serialized)
struct ConfigStreamTests {
    /// Reads messages off a config stream until one satisfies `wanted` (10 s at most).
    /// Unchecked: one test task owns each reader and calls it sequentially; it never crosses tasks.
    final class StreamReader: @unchecked Sendable {
        private var iterator: HTTPClientResponse.Body.AsyncIterator
        private var pending: [UInt8] = []
        private var messages: [ConfigPush] = []

        convenience init(server: String, gateway: String, replica: String, token: String) async throws {
            let query = "gateway=\(gateway.replacingOccurrences(of: "/", with: "%2F"))&replica=\(replica)"
            try await self.init(server: server, query: query, token: token)
        }

        /// Opens `config?<query>` with `token` as the bearer; throws unless it answers 200.
        init(server: String, query: String, token: String) async throws {
            var request = HTTPClientRequest(url: "\(server)/gatehouse/v1/dataplanes/config?\(query)&protocol=\(ConfigPush.protocolVersion)")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await HTTPClient.shared.execute(request, deadline: .now() + .seconds(60))
            guard response.status == .ok else { throw HarnessError("config stream answered \(response.status)") }
            iterator = response.body.makeAsyncIterator()
        }

        func next(until wanted: (ConfigPush) -> Bool) async throws -> ConfigPush {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if let index = messages.firstIndex(where: wanted) {
                    let message = messages[index]
                    messages.removeFirst(index + 1)
                    return message
                }
                messages.removeAll()
                guard let buffer = try await iterator.next() else { throw HarnessError("config stream ended") }
                pending += Array(buffer: buffer)
                messages = try ConfigPush.takeMessages(from: &pending)
            }
            throw HarnessError("no wanted config stream message within 10 s")
        }
    }

    static let extraRoute = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: extra, namespace: kuma-demo}
        spec:
          parentRefs: [{name: kuma}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /extra-route-path}}]
            backendRefs: [{name: demo-app, port: 5000}]
        """

    @Test("the first message carries every file, a route added brings only its route configuration")
    func onlyChangedFiles() async throws {
        let seed = try await SeedGateway.start(pod: "demo-app-1")
        defer { seed.stop() }
        // The token the control plane gave the Gateway's pods binds the Gateway, any replica.
        let token = try await agentToken(seed.server, gateway: "kuma-demo/kuma")
        let reader = try await StreamReader(server: seed.server.server, gateway: "kuma-demo/kuma", replica: "7", token: token)
        let otherReplica = try await StreamReader(server: seed.server.server, gateway: "kuma-demo/kuma", replica: "8", token: token)

        let first = try await reader.next { _ in true }
        #expect(Set(first.files.map(\.type)) == [.routes, .clusters, .listeners])
        #expect(first.files.map(\.path).sorted() == first.paths.sorted(), "the first message carries every file")
        let routes = try #require(first.files.first { $0.type == .routes })
        #expect(routes.format == .protobuf && routes.path.hasPrefix("rds/") && routes.path.hasSuffix(".pb"),
                "paths are relative to the agent's config directory: the config does not depend on where it lives")
        for file in first.files {
            #expect(!Self.contains(file.resources, "\"path\":\"/"), "no absolute file path in \(file.path)")
        }
        let replicaFirst = try await otherReplica.next { _ in true }
        #expect(replicaFirst == first, "every replica of a proxy gets the same version and files")
        let listeners = try #require(first.files.first { $0.type == .listeners })
        #expect(String(decoding: listeners.resources, as: UTF8.self).contains(routes.path), "the listener names the .pb file")
        #expect(!Self.contains(routes.resources, "/extra-route-path"))

        try await apply(Self.extraRoute, to: seed.server)
        let next = try await reader.next { message in message.files.contains { Self.contains($0.resources, "/extra-route-path") } }
        #expect(next.files.map(\.type) == [.routes], "only the route configuration changed")
        #expect(next.paths.sorted() == first.paths.sorted())
        #expect(next.version != first.version)
        try await seed.waitFor(200, at: "/extra-route-path")
    }

    /// True when `bytes` hold `text` (strings are stored as is in JSON and in protobuf).
    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in bytes[start..<start + needle.count].elementsEqual(needle) }
    }
}
