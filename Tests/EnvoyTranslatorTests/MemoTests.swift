import GatewayModel
import Testing

@testable import EnvoyTranslator

/// A translation with a memo kept across pushes must equal one without it, whatever changed.
@Suite struct EnvoyMemoTests {
    /// Inputs a stream sees one after another: the case, a route removed, a route's match
    /// edited, a route renamed, and the case again.
    static func sequence(_ input: ProxyInput) -> [ProxyInput] {
        var sequence = [input, input]
        guard !input.routes.isEmpty else { return sequence }
        var removed = input
        removed.routes.removeLast()
        var edited = input
        if var rules = edited.routes[0].spec?.to?.first?.rules, !rules.isEmpty {
            rules[0].matches = [MeshHTTPRoute.Match(path: MeshHTTPRoute.PathMatch(value: "/edited", type: "Exact"))]
            edited.routes[0].spec?.to?[0].rules = rules
        }
        var renamed = input
        renamed.routes[0].metadata?.name = "renamed"
        sequence += [removed, input, edited, edited, renamed, input]
        // Backends change under unchanged routes: rendered routes must follow.
        if !input.endpointSlices.isEmpty {
            var drained = input
            drained.endpointSlices[0].endpoints = []
            sequence += [drained, drained, input]
        }
        if !input.services.isEmpty, !(input.services[0].spec?.ports ?? []).isEmpty {
            var h2c = input
            h2c.services[0].spec?.ports?[0].appProtocol = "kubernetes.io/h2c"
            var removedService = input
            removedService.services.removeFirst()
            sequence += [h2c, h2c, removedService, input]
        }
        return sequence
    }

    @Test(arguments: GoldenCase.allNames())
    func memoizedTranslationEqualsAFreshOne(_ name: String) throws {
        let golden = try GoldenCase.load(name)
        let memo = EnvoyTranslationMemo()
        for (step, input) in Self.sequence(golden.input).enumerated() {
            let fresh = EnvoyTranslator.translate(input, endpoints: golden.endpoints)
            let memoized = EnvoyTranslator.translate(input, endpoints: golden.endpoints, memo: memo)
            #expect(memoized == fresh, "step \(step) of \(name)")
        }
    }

    /// The files a config stream sends (route configurations assembled from reused route
    /// bytes, in JSON and in protobuf) must carry what a fresh serialization carries, step
    /// after step.
    @Test(arguments: GoldenCase.allNames())
    func filesFromReusedRoutesEqualFreshOnes(_ name: String) throws {
        let golden = try GoldenCase.load(name)
        let jsonMemo = EnvoyTranslationMemo(), protobufMemo = EnvoyTranslationMemo()
        for (step, input) in Self.sequence(golden.input).enumerated() {
            let fresh = XDSFiles.files(for: EnvoyTranslator.translate(input, endpoints: golden.endpoints))
            let json = try EnvoyTranslator.files(input, endpoints: golden.endpoints, memo: jsonMemo)
            #expect(json.map(\.path).sorted() == fresh.map(\.path).sorted(), "step \(step) of \(name)")
            for file in fresh {
                let counterpart = json.first { $0.path == file.path }
                #expect(counterpart?.type == file.type && counterpart?.name == file.name, "step \(step) of \(name): \(file.path)")
                #expect(try counterpart.map { try JSONParser.parse($0.resources) } == JSONParser.parse(file.resources),
                        "step \(step) of \(name): \(file.path)")
            }
            let protobuf = try EnvoyTranslator.files(input, endpoints: golden.endpoints,
                                                     routeFormat: .protobuf, memo: protobufMemo)
            let routeFiles = protobuf.filter { $0.type == .routes }
            #expect(routeFiles.allSatisfy { $0.format == .protobuf && $0.path.hasSuffix(".pb") })
            #expect(protobuf.filter { $0.type != .routes }.allSatisfy { $0.format == .json })
            for configuration in EnvoyTranslator.translate(input, endpoints: golden.endpoints).routeConfigurations {
                let file = try #require(routeFiles.first { $0.name == configuration["name"]?.stringValue })
                let expected = try WireDecoder.canonical(ProtobufEncoder.encode(configuration, as: RouteFragments.routeConfigurationType),
                                                         as: RouteFragments.routeConfigurationType)
                #expect(try Self.routeConfiguration(inFile: file.resources) == expected, "step \(step) of \(name): \(file.path)")
            }
        }
    }

    /// The route configuration of a protobuf RDS file's resources: field 2 holding one `Any`
    /// whose `value` (2) is the configuration.
    static func routeConfiguration(inFile resources: [UInt8]) throws -> [Int32: [WireDecoder.Value]] {
        guard resources.first == 0x12 else { throw WireDecoder.Malformed() }
        var position = 1, length = 0, shift = 0
        while position < resources.count {
            let byte = resources[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte < 0x80 { break }
        }
        guard position + length == resources.count else { throw WireDecoder.Malformed() }
        let any = try WireDecoder.canonical(Array(resources[position...]), as: "google.protobuf.Any")
        guard case .bytes(let value)? = any[2]?.first else { throw WireDecoder.Malformed() }
        return try WireDecoder.canonical(value, as: RouteFragments.routeConfigurationType)
    }
}

/// The memo keeps each virtual host's previous order and places only new entries: over many
/// random changes to hundreds of routes of every precedence kind, the result must stay the one
/// a fresh translation sorts from scratch.
@Suite struct EntryOrderTests {
    /// A deterministic generator (the test must be repeatable).
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    static func route(_ index: Int, hostname: String?, using random: inout SplitMix) throws -> MeshHTTPRoute {
        let types = ["Exact", "PathPrefix", "RegularExpression", "PathPrefix"]
        let type = types[Int(random.next() % 4)]
        let depth = Int(random.next() % 4)
        let path = "/" + (0...depth).map { _ in ["a", "b", "api", "v1"][Int(random.next() % 4)] }.joined(separator: "/")
        var match: JSONValue = ["path": ["type": .string(type), "value": .string(type == "RegularExpression" ? path + ".*" : path)]]
        if random.next() % 4 == 0 { match["method"] = "GET" }
        let headers = Int(random.next() % 3)
        if headers > 0 { match["headers"] = .array((0..<headers).map { ["type": "Exact", "name": .string("h\($0)"), "value": "v"] }) }
        // Creation times collide on purpose: ties go on to the source name.
        let created = "2024-01-0\(1 + random.next() % 3)T00:00:00Z"
        var destination: JSONValue = ["targetRef": ["kind": "Mesh"],
                                      "rules": [["matches": [match], "default": ["backendRefs": [["kind": "MeshService", "name": "backend", "port": 80]]]]]]
        if let hostname { destination["hostnames"] = [.string(hostname)] }
        let document: JSONValue = [
            "apiVersion": "kuma.io/v1alpha1", "kind": "MeshHTTPRoute",
            "metadata": ["name": .string("r\(index)"), "namespace": "kuma-system",
                         "annotations": ["gatehouse.io/source": .string("httproute/default/r\(index)"), "gatehouse.io/source-created": .string(created)]],
            "spec": ["targetRef": ["kind": "MeshGateway", "name": "gw.default"], "to": [destination]],
        ]
        return try document.decode(MeshHTTPRoute.self)
    }

    @Test func incrementalOrderEqualsAFullSort() throws {
        var random = SplitMix(state: 42)
        let instance = GatewayInstance(namespace: "default", name: "gw", meshGatewayName: "gw.default", mesh: "default",
                                       address: "127.0.100.1",
                                       listeners: [InstanceListener(name: "web", port: 8080, protocol: "HTTP")])
        let hostnames: [String?] = [nil, nil, "a.example.com", "*.example.com"]
        var routes = try (0..<400).map { try Self.route($0, hostname: hostnames[$0 % 4], using: &random) }
        var next = routes.count
        let memo = EnvoyTranslationMemo()
        for step in 0..<60 {
            // A few adds, removals and edits per step; every tenth step a large batch.
            let changes = step % 10 == 9 ? 80 : 1 + Int(random.next() % 4)
            for _ in 0..<changes {
                switch random.next() % 3 {
                case 0:
                    routes.append(try Self.route(next, hostname: hostnames[next % 4], using: &random))
                    next += 1
                case 1 where !routes.isEmpty:
                    routes.remove(at: Int(random.next() % UInt64(routes.count)))
                default:
                    let position = Int(random.next() % UInt64(routes.count))
                    let name = routes[position].metadata?.name ?? ""
                    let index = Int(name.dropFirst()) ?? 0
                    routes[position] = try Self.route(index, hostname: hostnames[index % 4], using: &random)
                }
            }
            let input = ProxyInput(instance: instance, meshGateway: nil, routes: routes, services: [], endpointSlices: [])
            let fresh = EnvoyTranslator.translate(input)
            let memoized = EnvoyTranslator.translate(input, memo: memo)
            #expect(memoized == fresh, "step \(step)")
        }
    }
}

/// A route regenerated upstream with equal content arrives in new storage; the memo must take
/// the new copy in, so that later passes compare by identity instead of field by field.
@Suite struct MemoStorageTests {
    @Test func anEqualRouteInNewStorageReplacesTheKeptOne() throws {
        let golden = try GoldenCase.load(try #require(GoldenCase.allNames().first))
        let route = try #require(golden.input.routes.first)
        let destination = try #require(route.spec?.to?.first)
        let origin = ListenerOrigin(scheme: "http", port: 8080)
        let memo = EnvoyTranslationMemo()
        let first = memo.entries(of: route, destination: destination, toIndex: 0, origin: origin)
        memo.finishTranslation()
        // Equal content, other storage: as a route decoded or generated again.
        let regenerated = try JSONValue.encode(route).decode(MeshHTTPRoute.self)
        #expect(regenerated == route && !regenerated.isStored(like: route))
        let second = memo.entries(of: regenerated, destination: destination, toIndex: 0, origin: origin)
        #expect(second.map(ObjectIdentifier.init) == first.map(ObjectIdentifier.init), "entries are reused")
        memo.finishTranslation()
        #expect(memo.keptRoute(of: regenerated, toIndex: 0, origin: origin)?.isStored(like: regenerated) == true)
    }
}

/// One HTTPRoute reaching a listener through two mesh routes (a parentRef with the listener's
/// sectionName and one without) gives its routes once, with and without the memo.
@Suite struct RepeatedRouteTests {
    @Test func aRouteReachingAListenerTwiceIsServedOnce() throws {
        var input = try GoldenCase.load("backend-header-modifiers").input
        let route = try #require(input.routes.first { $0.spec?.targetRef?.sectionName != nil })
        var everyListener = route
        everyListener.metadata?.name = (route.name ?? "") + "-all"
        everyListener.spec?.targetRef?.sectionName = nil
        input.routes.append(everyListener)
        let memo = EnvoyTranslationMemo()
        for translation in [EnvoyTranslator.translate(input),
                            EnvoyTranslator.translate(input, memo: memo),
                            EnvoyTranslator.translate(input, memo: memo)] {
            for configuration in translation.routeConfigurations {
                for host in configuration["virtual_hosts"]?.arrayValue ?? [] {
                    let names = (host["routes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
                    #expect(Set(names).count == names.count, "repeated route names: \(names)")
                    #expect(!names.isEmpty)
                }
            }
        }
    }
}
