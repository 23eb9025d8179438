import Foundation
import GatewayModel
import GatewayTranslator
import ManifestIO
import Testing

/// Direct checks of the subtle rules, independent of golden files.
@Suite struct HostnameIntersectionTests {
    /// (listener hostname, route hostname, expected intersection), from the HTTPRouteSpec
    /// documentation and the HTTPRouteHostnameIntersection conformance test.
    static let table: [(String?, String, String?)] = [
        (nil, "foo.example.com", "foo.example.com"),
        (nil, "*.example.com", "*.example.com"),
        ("test.example.com", "test.example.com", "test.example.com"),
        ("test.example.com", "*.example.com", "test.example.com"),
        ("test.example.com", "other.example.com", nil),
        ("a.b.example.com", "*.example.com", "a.b.example.com"),
        ("*.example.com", "test.example.com", "test.example.com"),
        ("*.example.com", "foo.test.example.com", "foo.test.example.com"),
        ("*.example.com", "example.com", nil),
        ("*.example.com", "test.example.net", nil),
        ("*.example.com", "*.example.com", "*.example.com"),
        ("*.example.com", "*.foo.example.com", "*.foo.example.com"),
        ("*.foo.example.com", "*.example.com", "*.foo.example.com"),
        ("*.wildcard.io", "wildcard.io", nil),
        ("*.wildcard.io", "*.anotherwildcard.io", nil),
        ("very.specific.com", "*.specific.com", "very.specific.com"),
        ("*.example.com", "xexample.com", nil),
    ]

    @Test(arguments: table.indices)
    func intersection(_ row: Int) {
        let (listener, route, expected) = Self.table[row]
        #expect(Hostnames.intersection(listener: listener, route: route) == expected,
                "listener \(listener ?? "nil") x route \(route)")
    }

    @Test func effectiveHostnames() {
        #expect(Hostnames.effective(listener: nil, route: nil) == nil)
        #expect(Hostnames.effective(listener: "a.example.com", route: nil) == ["a.example.com"])
        #expect(Hostnames.effective(listener: "*.wildcard.io", route: ["non.matching.com", "wildcard.io", "foo.wildcard.io", "bar.wildcard.io"])
                == ["foo.wildcard.io", "bar.wildcard.io"])
        #expect(Hostnames.effective(listener: "very.specific.com", route: ["non.matching.com", "*.specific.com"]) == ["very.specific.com"])
        #expect(Hostnames.effective(listener: "x.example.com", route: ["*.example.com", "x.example.com"]) == ["x.example.com"])
        #expect(Hostnames.effective(listener: "a.example.com", route: ["b.example.com"]) == [])
    }
}

@Suite struct ReferenceGrantTests {
    static func grant(namespace: String, from: (String, String, String), to: (String, String, String?)) throws -> ReferenceGrant {
        var toEntry: JSONValue = ["group": .string(to.0), "kind": .string(to.1)]
        if let name = to.2 { toEntry["name"] = .string(name) }
        let object: JSONValue = [
            "apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
            "metadata": ["name": "grant", "namespace": .string(namespace)],
            "spec": [
                "from": [["group": .string(from.0), "kind": .string(from.1), "namespace": .string(from.2)]],
                "to": [toEntry],
            ],
        ]
        return try object.decode(ReferenceGrant.self)
    }

    static func permits(_ grants: [ReferenceGrant], toName: String = "backend", fromNamespace: String = "routes",
                        toNamespace: String = "backends", toKind: String = "Service") -> Bool {
        ReferenceGrants.permits(grants, fromGroup: "gateway.networking.k8s.io", fromKind: "HTTPRoute", fromNamespace: fromNamespace,
                                toGroup: "", toKind: toKind, toNamespace: toNamespace, toName: toName)
    }

    @Test func sameNamespaceNeedsNoGrant() {
        #expect(Self.permits([], fromNamespace: "apps", toNamespace: "apps"))
    }

    @Test func crossNamespaceNeedsAGrant() {
        #expect(!Self.permits([]))
    }

    @Test func grantForAllNamesOfTheKind() throws {
        let grants = [try Self.grant(namespace: "backends", from: ("gateway.networking.k8s.io", "HTTPRoute", "routes"), to: ("", "Service", nil))]
        #expect(Self.permits(grants))
        #expect(Self.permits(grants, toName: "another"))
        #expect(!Self.permits(grants, toKind: "Secret"))
    }

    @Test func grantForOneName() throws {
        let grants = [try Self.grant(namespace: "backends", from: ("gateway.networking.k8s.io", "HTTPRoute", "routes"), to: ("", "Service", "backend"))]
        #expect(Self.permits(grants))
        #expect(!Self.permits(grants, toName: "another"))
    }

    @Test func grantMustLiveInTheReferentsNamespace() throws {
        let grants = [try Self.grant(namespace: "routes", from: ("gateway.networking.k8s.io", "HTTPRoute", "routes"), to: ("", "Service", nil))]
        #expect(!Self.permits(grants))
    }

    @Test func grantMustNameTheReferrer() throws {
        let wrongNamespace = try Self.grant(namespace: "backends", from: ("gateway.networking.k8s.io", "HTTPRoute", "elsewhere"), to: ("", "Service", nil))
        let wrongKind = try Self.grant(namespace: "backends", from: ("gateway.networking.k8s.io", "Gateway", "routes"), to: ("", "Service", nil))
        let wrongGroup = try Self.grant(namespace: "backends", from: ("example.com", "HTTPRoute", "routes"), to: ("", "Service", nil))
        #expect(!Self.permits([wrongNamespace, wrongKind, wrongGroup]))
    }
}

@Suite struct DeterminismTests {
    /// Shuffled input order (objects and YAML documents) gives byte-identical output, for every case.
    @Test(arguments: TranslatorHarness.caseNames())
    func shuffledInputGivesIdenticalOutput(_ name: String) throws {
        let text = try String(contentsOf: TranslatorHarness.testdata.appendingPathComponent("\(name).in.yaml"), encoding: .utf8)
        let (snapshot, options) = try TranslatorHarness.load(text)
        let reference = try TranslatorHarness.render(GatewayTranslator.translate(snapshot, options: options))
        var generator = SeededGenerator(seed: UInt64(name.utf8.count))
        for _ in 0..<3 {
            var shuffled = snapshot
            shuffled.gatewayClasses.shuffle(using: &generator)
            shuffled.gateways.shuffle(using: &generator)
            shuffled.httpRoutes.shuffle(using: &generator)
            shuffled.referenceGrants.shuffle(using: &generator)
            shuffled.namespaces.shuffle(using: &generator)
            shuffled.services.shuffle(using: &generator)
            shuffled.secrets.shuffle(using: &generator)
            shuffled.meshGatewayConfigs.shuffle(using: &generator)
            shuffled.meshHTTPRoutes.shuffle(using: &generator)
            let output = try TranslatorHarness.render(GatewayTranslator.translate(shuffled, options: options))
            #expect(output == reference, "\(name): output depends on input order")
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
