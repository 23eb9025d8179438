import Foundation
import GatewayModel
import Harness
import Testing

@testable import EnvoyTranslator

/// The protobuf encoder against the official Python protobuf (byte-exact fixtures made once by
/// `scripts/envoy-proto-fixtures.py`), on its errors, and on every golden route configuration.
@Suite("Protobuf encoder")
struct ProtobufEncoderTests {
    /// One case of `Testdata/protobuf/fixtures.json`.
    struct Fixture: CustomStringConvertible, Sendable {
        var name: String
        /// A full message name, `any` (an Any with `@type`) or `discoveryResponse`.
        var type: String
        var value: JSONValue
        /// The official encoding; nil for a case the official parser refuses.
        var hex: String?
        var description: String { name }
    }

    static let fixturesURL = GoldenCase.directory.appendingPathComponent("protobuf/fixtures.json")
    static let regenerateCommand = "<venv with protobuf and xds-protos>/bin/python scripts/envoy-proto-fixtures.py"

    static func fixtures() -> [Fixture] {
        guard let data = try? Data(contentsOf: fixturesURL), let cases = try? JSONParser.parse(data).arrayValue else { return [] }
        return cases.compactMap { item in
            guard let name = item["name"]?.stringValue, let type = item["type"]?.stringValue, let value = item["value"] else { return nil }
            return Fixture(name: name, type: type, value: value, hex: item["hex"]?.stringValue)
        }
    }

    static var encodedFixtures: [Fixture] { fixtures().filter { $0.hex != nil } }
    static var refusedFixtures: [Fixture] { fixtures().filter { $0.hex == nil } }

    /// Encodes a fixture the way its type says.
    static func encode(_ fixture: Fixture) throws(ProtobufEncodingError) -> [UInt8] {
        switch fixture.type {
        case "any":
            return try ProtobufEncoder.encodeAny(fixture.value)
        case "discoveryResponse":
            // As a `.pb` file is written: XDSFile adds the version to the encoded resources.
            let resources = try ProtobufEncoder.discoveryResponseResources(fixture.value["resources"]?.arrayValue ?? [])
            return XDSFile(type: .routes, name: "", path: "", format: .protobuf, resources: resources)
                .content(version: fixture.value["version_info"]?.stringValue ?? "")
        default:
            return try ProtobufEncoder.encode(fixture.value, as: fixture.type)
        }
    }

    @Test("the fixtures are there")
    func fixturesExist() {
        #expect(Self.encodedFixtures.count >= 12, "byte-exact fixtures missing from \(Self.fixturesURL.path)")
        #expect(Self.refusedFixtures.count >= 5, "refused-input fixtures missing from \(Self.fixturesURL.path)")
    }

    @Test("encodes byte for byte like the official protobuf", arguments: encodedFixtures)
    func byteExact(_ fixture: Fixture) throws {
        let actual = hexString(try Self.encode(fixture))
        #expect(actual == fixture.hex, """
            \(fixture.name): differs from the official encoding
            expected \(fixture.hex ?? "")
            actual   \(actual)
            (fixtures come from: \(Self.regenerateCommand))
            """)
    }

    @Test("refuses what the official parser refuses", arguments: refusedFixtures)
    func refused(_ fixture: Fixture) {
        #expect(throws: ProtobufEncodingError.self) { try Self.encode(fixture) }
    }

    // MARK: Errors name the path

    static let route = "envoy.config.route.v3.RouteConfiguration"

    func encodingError(_ value: JSONValue, as type: String = route) -> String? {
        do {
            _ = try ProtobufEncoder.encode(value, as: type)
            return nil
        } catch {
            return error.description
        }
    }

    static func routeWithTimeout(_ timeout: JSONValue) -> JSONValue {
        ["name": "r", "virtual_hosts": [["name": "vh", "domains": ["*"], "routes": [
            ["match": ["prefix": "/a"], "route": ["cluster": "c"]],
            ["match": ["prefix": "/b"], "route": ["cluster": "c", "timeout": timeout]],
        ]]]]
    }

    @Test("an unknown field is named with its path")
    func unknownField() {
        let value: JSONValue = ["name": "r", "virtual_hosts": [["name": "vh", "domains": ["*"], "routes": [["match": ["prefx": "/"]]]]]]
        #expect(encodingError(value) == "virtual_hosts[0].routes[0].match.prefx: unknown field of envoy.config.route.v3.RouteMatch")
    }

    @Test("a value of the wrong type is named with its path")
    func wrongType() {
        #expect(encodingError(Self.routeWithTimeout("5 s")) == "virtual_hosts[0].routes[1].route.timeout: not a duration: \"5 s\"")
        #expect(encodingError(Self.routeWithTimeout(5))?.hasPrefix("virtual_hosts[0].routes[1].route.timeout: not a duration") == true)
        #expect(encodingError(["name": "r", "virtual_hosts": ["vh"]])?.hasPrefix("virtual_hosts[0]: expected a JSON object") == true)
        #expect(encodingError(["name": 7])?.hasPrefix("name: expected a string") == true)
        #expect(encodingError(["ignore_port_in_host_matching": "true"])?.hasPrefix("ignore_port_in_host_matching: expected a boolean") == true)
        #expect(encodingError(["max_direct_response_body_size_bytes": -1]) == "max_direct_response_body_size_bytes: out of range for uint32: -1")
        #expect(encodingError(["max_direct_response_body_size_bytes": 1.5]) == "max_direct_response_body_size_bytes: not an integer: 1.5")
    }

    @Test("an Any of a type the schema lacks is refused, with its path")
    func unknownAnyType() {
        let value: JSONValue = ["name": "r", "virtual_hosts": [["name": "vh", "domains": ["*"], "typed_per_filter_config": [
            "envoy.filters.http.router": ["@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"],
        ]]]]
        #expect(encodingError(value) == """
            virtual_hosts[0].typed_per_filter_config["envoy.filters.http.router"].@type: \
            Any type envoy.extensions.filters.http.router.v3.Router is not in the protobuf schema
            """)
        #expect(throws: ProtobufEncodingError.self) { try ProtobufEncoder.encodeAny(["name": "no type"]) }
        #expect(throws: ProtobufEncodingError.self) { try ProtobufEncoder.encodeAny(["@type": "RouteConfiguration"]) }
    }

    @Test("other refusals: unknown type, a field given twice, a wrong top-level @type, extra members beside an Any's value")
    func otherRefusals() {
        #expect(encodingError([:], as: "envoy.config.listener.v3.Listener") == "message type envoy.config.listener.v3.Listener is not in the protobuf schema")
        #expect(encodingError(["name": "a", "require_tls": "ALL", "requireTls": "NONE"], as: "envoy.config.route.v3.VirtualHost")
            == "require_tls: given twice (by its proto name and its JSON name)")
        #expect(encodingError(["@type": "type.googleapis.com/envoy.config.route.v3.Route", "name": "r"]) == "@type: does not name \(Self.route)")
        let metadata: JSONValue = ["typed_filter_metadata": ["d": ["@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s", "x": 1]]]
        #expect(encodingError(metadata, as: "envoy.config.core.v3.Metadata")?.hasPrefix("typed_filter_metadata[\"d\"]: an Any of google.protobuf.Duration holds exactly") == true)
        #expect(throws: ProtobufEncodingError.self) { try ProtobufEncoder.encode(["name": "r"], as: Self.route, omitting: ["nmae"]) }
        let typeURL = JSONValue.string("type.googleapis.com/\(Self.route)")
        let resources: [JSONValue] = [["@type": typeURL, "name": "ok"], ["@type": typeURL, "nmae": "typo"]]
        #expect(throws: ProtobufEncodingError("unknown field of \(Self.route)", at: [.field("resources"), .index(1), .field("nmae")])) {
            try ProtobufEncoder.discoveryResponseResources(resources)
        }
    }

    @Test("durations: the strict proto3 JSON form only")
    func durations() {
        func parsed(_ text: String) -> [Int64]? {
            MessageEncoder.parseDuration(text).map { [$0.seconds, Int64($0.nanos)] }
        }
        #expect(parsed("1.5s") == [1, 500_000_000])
        #expect(parsed("-1.5s") == [-1, -500_000_000])
        #expect(parsed("-0.000000001s") == [0, -1])
        #expect(parsed("0s") == [0, 0])
        #expect(parsed("-315576000000.999999999s") == [-315_576_000_000, -999_999_999])
        for bad in ["1", "1.s", ".5s", "1.0000000001s", "1 s", "+1s", "1e3s", "315576000001s", "s", "-s", "1.5ms", ""] {
            #expect(parsed(bad) == nil, "\(bad) was read as a duration")
        }
    }

    @Test("scalars the route schema does not exercise: zigzag, fixed, float, 64-bit strings, base64")
    func scalarPayloads() throws {
        #expect(try ScalarConversion.payload(-1, .sint32) == 1)
        #expect(try ScalarConversion.payload(-2, .sint64) == 3)
        #expect(try ScalarConversion.payload(2_147_483_647, .sint32) == 4_294_967_294)
        #expect(try ScalarConversion.payload(-1, .sfixed32) == 0xffff_ffff)
        #expect(try ScalarConversion.payload(-1, .int32) == UInt64.max)
        #expect(try ScalarConversion.payload("18446744073709551615", .uint64) == UInt64.max)
        #expect(try ScalarConversion.payload("-9223372036854775808", .int64) == 1 << 63)
        #expect(try ScalarConversion.payload(1.5, .float) == UInt64(Float(1.5).bitPattern))
        #expect(try ScalarConversion.payload("-Infinity", .double) == (-Double.infinity).bitPattern)
        #expect(try ScalarConversion.payload(-0.0, .double) != 0, "-0.0 is written, as the official encoders do")
        #expect(try ScalarConversion.payload(true, .bool) == 1)
        for (value, scalar) in [(JSONValue.integer(2_147_483_648), ProtoScalar.int32), ("9223372036854775808", .int64), (-1, .uint64),
                                (1e300, .float), ("1e3", .int32), (" 1", .int32), (9.1e15, .int64), ("nan", .double), ("0x10", .double),
                                (1, .bool), (true, .int32)] {
            #expect(throws: ProtobufEncodingError.self, "\(value) as \(scalar)") { try ScalarConversion.payload(value, scalar) }
        }
        #expect(try ScalarConversion.base64("aGk=") == Array("hi".utf8))
        #expect(try ScalarConversion.base64("aGk") == Array("hi".utf8))
        #expect(try ScalarConversion.base64("-_8") == [0xfb, 0xff])
        for bad in ["a", "aGk=x", "a b", "aGk==="] {
            #expect(throws: ProtobufEncodingError.self, "\(bad)") { try ScalarConversion.base64(bad) }
        }
    }

    // MARK: Assembling from pieces

    @Test("a message assembled from pre-encoded pieces decodes like the whole")
    func assembledFromPieces() throws {
        let routes: [JSONValue] = (0..<3).map { index in
            ["name": .string("r\(index)"), "match": ["path_separated_prefix": .string("/r\(index)")], "route": ["cluster": "c"]]
        }
        let host: JSONValue = ["name": "vh", "domains": ["*"], "routes": .array(routes), "retry_policy": ["num_retries": 2]]
        let configuration: JSONValue = ["name": "rc", "virtual_hosts": [host], "ignore_port_in_host_matching": true]
        let whole = try ProtobufEncoder.encode(configuration, as: Self.route)

        let hostType = "envoy.config.route.v3.VirtualHost"
        let routesField = try #require(ProtobufEncoder.fieldNumber(of: "routes", in: hostType))
        let hostsField = try #require(ProtobufEncoder.fieldNumber(of: "virtualHosts", in: Self.route))
        #expect(routesField == 3 && hostsField == 2)
        var hostBytes = try ProtobufEncoder.encode(host, as: hostType, omitting: ["routes"])
        for route in routes {
            hostBytes += ProtobufEncoder.lengthDelimitedField(number: routesField, bytes: try ProtobufEncoder.encode(route, as: "envoy.config.route.v3.Route"))
        }
        let assembled = try ProtobufEncoder.encode(configuration, as: Self.route, omitting: ["virtual_hosts"])
            + ProtobufEncoder.lengthDelimitedField(number: hostsField, bytes: hostBytes)
        #expect(assembled != whole, "the pieces come in another order than the whole (retry_policy after routes)")
        #expect(try WireDecoder.canonical(assembled, as: Self.route) == WireDecoder.canonical(whole, as: Self.route))
        #expect(ProtobufEncoder.fieldNumber(of: "nope", in: hostType) == nil)
        #expect(ProtobufEncoder.fieldNumber(of: "routes", in: "nope") == nil)
    }

    @Test("lengthDelimitedField and a .pb file's version field write tag, length, bytes")
    func lowLevelPieces() {
        #expect(ProtobufEncoder.lengthDelimitedField(number: 3, bytes: [1, 2]) == [0x1a, 2, 1, 2])
        let long = [UInt8](repeating: 7, count: 300)
        #expect(ProtobufEncoder.lengthDelimitedField(number: 16, bytes: long) == [0x82, 0x01, 0xac, 0x02] + long)
        let noResources = XDSFile(type: .routes, name: "", path: "", format: .protobuf, resources: [])
        #expect(noResources.content(version: "v1") == [0x0a, 2, UInt8(ascii: "v"), UInt8(ascii: "1")])
        // An empty version is an empty field 1: valid protobuf, read as "".
        #expect(noResources.content(version: "") == [0x0a, 0])
    }

    @Test("long bodies get multi-byte lengths (the in-place length fix-up)")
    func longBodies() throws {
        let domains: [JSONValue] = (0..<2000).map { .string("host-\($0).example.com") }
        let bytes = try ProtobufEncoder.encode(["name": "r", "virtual_hosts": [["name": "vh", "domains": .array(domains)]]], as: Self.route)
        let decoded = try WireDecoder.canonical(bytes, as: Self.route)
        let hosts = try #require(decoded[2]?.first?.message)
        #expect(hosts[2]?.count == 2000)
        #expect(hosts[2]?.last == .bytes(Array("host-1999.example.com".utf8)))
    }

    // MARK: Every golden route configuration

    @Test("every route configuration of the golden cases encodes", arguments: GoldenCase.allNames())
    func goldenRouteConfigurations(_ name: String) throws {
        let resources = try GoldenCase.load(name).translate()
        for configuration in resources.routeConfigurations {
            #expect(throws: Never.self, "\(name) \(configuration["name"]?.stringValue ?? "")") {
                _ = try ProtobufEncoder.discoveryResponseResources([configuration])
            }
        }
    }
}

/// Hex of bytes, lower case.
func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var text = ""
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
    }
    return text
}

/// The real check: Envoy (1.40, `--reject-unknown-dynamic-fields`) loads every golden route
/// configuration from a `.pb` RDS file and ends up with the same route configuration as from
/// the JSON file. Each case is served twice (JSON, then `.pb`, same ports) and the
/// `route_config` objects of `/config_dump?resource=dynamic_route_configs` are compared
/// (`version_info` and `last_updated` left out). Fails, not skips, without Envoy.
@Suite("Envoy loads .pb route configurations like the JSON ones", .serialized)
struct ProtobufEncoderEnvoyTests {
    @Test("the route configurations Envoy loads from .pb equal those from JSON", arguments: GoldenCase.allNames())
    func sameAsJSON(_ name: String) async throws {
        guard let envoyPath = EnvoyHarness.envoyPath() else {
            Issue.record(Comment(rawValue: EnvoyAcceptanceTests.missingEnvoy))
            return
        }
        let testCase = try GoldenCase.load(name)
        let input = try EnvoyAcceptanceTests.onFreeLoopbackPorts(testCase.input)
        let expected = Set(testCase.translate(input: input).routeConfigurations.compactMap { $0["name"]?.stringValue })
        let fromJSON = try await EnvoyAcceptanceTests.serving(testCase, input: input, envoyPath: envoyPath, routeFormat: .json) {
            try await Self.loadedRouteConfigurations($0)
        }
        let fromProtobuf = try await EnvoyAcceptanceTests.serving(testCase, input: input, envoyPath: envoyPath, routeFormat: .protobuf) {
            try await Self.loadedRouteConfigurations($0)
        }
        #expect(Set(fromJSON.keys) == expected, "\(name): route configurations loaded from JSON")
        #expect(Set(fromProtobuf.keys) == expected, "\(name): route configurations loaded from .pb")
        for (configuration, json) in fromJSON.sorted(by: { $0.key < $1.key }) {
            guard let protobuf = fromProtobuf[configuration], protobuf != json else { continue }
            Issue.record("""
                \(name): Envoy's \(configuration) differs between the JSON and the .pb load
                JSON: \(JSONSerializer.string(json))
                .pb:  \(JSONSerializer.string(protobuf))
                """)
        }
    }

    /// The `route_config` of every dynamic route configuration in Envoy's config dump, by name.
    static func loadedRouteConfigurations(_ envoy: EnvoyHarness) async throws -> [String: JSONValue] {
        let dump = try await JSONParser.parse(envoy.admin("/config_dump?resource=dynamic_route_configs").body)
        var configurations: [String: JSONValue] = [:]
        for entry in dump["configs"]?.arrayValue ?? [] {
            guard let configuration = entry["route_config"], let name = configuration["name"]?.stringValue else { continue }
            configurations[name] = configuration
        }
        return configurations
    }
}
