import GatewayModel
import Synchronization

/// Serialized routes of the previous serialization, by format, route configuration and route
/// name, each kept with the route it was made from. A route is reused when it equals the kept
/// one: routes rendered from the translation memo are the very same values, and comparing a
/// value with itself is immediate (shared storage), so an unchanged route costs a lookup.
///
/// A route configuration is then assembled around the routes' bytes:
/// - JSON: the configuration and each virtual host serialized without their `virtual_hosts`
///   and `routes` members, which are spliced in last (JSON member order carries no meaning);
/// - protobuf: the same parts encoded without those fields, followed by one length-delimited
///   field per virtual host and per route (fields may come in any order, and each occurrence
///   of a repeated message field adds an element), wrapped in the `Any` of the
///   `DiscoveryResponse`'s `resources` field.
public final class RouteFragments: Sendable {
    private struct Fragment {
        var route: JSONValue
        var bytes: [UInt8]
    }

    private struct State {
        var previous: [String: Fragment] = [:]
        var current: [String: Fragment] = [:]
    }

    private let state = Mutex(State())

    /// No kept fragments yet.
    public init() {}

    /// Protobuf message types of the assembled parts.
    static let routeConfigurationType = "envoy.config.route.v3.RouteConfiguration"
    static let virtualHostType = "envoy.config.route.v3.VirtualHost"
    static let routeType = "envoy.config.route.v3.Route"
    private static let virtualHostsField = ProtobufEncoder.fieldNumber(of: "virtual_hosts", in: routeConfigurationType) ?? 2
    private static let routesField = ProtobufEncoder.fieldNumber(of: "routes", in: virtualHostType) ?? 3

    /// The serialized resources of a file holding `configuration` (a route configuration):
    /// the JSON array `[configuration]`, or the encoded `resources` field of a DiscoveryResponse.
    func serialize(_ configuration: JSONValue, as format: XDSFile.Format) throws(ProtobufEncodingError) -> [UInt8] {
        switch format {
        case .json:
            let prefix = Self.keyPrefix(configuration, format: .json)
            let body = Self.splicing(configuration, member: "virtual_hosts") { virtualHosts in
                Self.jsonArray(virtualHosts) { virtualHost in
                    Self.splicing(virtualHost, member: "routes") { routes in
                        Self.jsonArray(routes) { route in self.bytes(of: route, key: prefix) { JSONSerializer.data(route) } }
                    }
                }
            }
            return [UInt8(ascii: "[")] + body + [UInt8(ascii: "]")]
        case .protobuf:
            return ProtobufEncoder.discoveryResponseResource(encoded: try protobufMessage(configuration), of: Self.routeConfigurationType)
        }
    }

    /// `configuration` (a route configuration) encoded as a protobuf message, not wrapped.
    func protobufMessage(_ configuration: JSONValue) throws(ProtobufEncodingError) -> [UInt8] {
        let prefix = Self.keyPrefix(configuration, format: .protobuf)
        var message = try ProtobufEncoder.encode(configuration, as: Self.routeConfigurationType, omitting: ["virtual_hosts"])
        for (hostIndex, virtualHost) in (configuration["virtual_hosts"]?.arrayValue ?? []).enumerated() {
            var host = try ProtobufEncoder.encode(virtualHost, as: Self.virtualHostType, omitting: ["routes"])
            for (routeIndex, route) in (virtualHost["routes"]?.arrayValue ?? []).enumerated() {
                let encoded = try bytes(of: route, key: prefix) { () throws(ProtobufEncodingError) -> [UInt8] in
                    do throws(ProtobufEncodingError) {
                        return try ProtobufEncoder.encode(route, as: Self.routeType)
                    } catch {
                        throw error.within(.index(routeIndex)).within(.field("routes"))
                            .within(.index(hostIndex)).within(.field("virtual_hosts"))
                    }
                }
                host += ProtobufEncoder.lengthDelimitedField(number: Self.routesField, bytes: encoded)
            }
            message += ProtobufEncoder.lengthDelimitedField(number: Self.virtualHostsField, bytes: host)
        }
        return message
    }

    /// The start of the keys of `configuration`'s routes (format and configuration name).
    private static func keyPrefix(_ configuration: JSONValue, format: XDSFile.Format) -> String {
        "\(format.rawValue)\u{0}\(configuration["name"]?.stringValue ?? "")\u{0}"
    }

    /// Ends one pass: only the routes it serialized are kept for the next.
    func finishPass() {
        state.withLock { state in
            state.previous = state.current
            state.current = [:]
        }
    }

    private func bytes<Failure: Error>(of route: JSONValue, key prefix: String,
                                       make: () throws(Failure) -> [UInt8]) throws(Failure) -> [UInt8] {
        let key = prefix + (route["name"]?.stringValue ?? "")
        let known = state.withLock { $0.current[key] ?? $0.previous[key] }
        if let known, known.route == route {
            state.withLock { $0.current[key] = known }
            return known.bytes
        }
        let fragment = Fragment(route: route, bytes: try make().exactlySized)
        state.withLock { $0.current[key] = fragment }
        return fragment.bytes
    }

    /// `object` serialized with `member` written last by `serializeMember` (or as is without it).
    private static func splicing(_ object: JSONValue, member: String, serializeMember: ([JSONValue]) -> [UInt8]) -> [UInt8] {
        guard var members = object.objectValue, let value = members.removeValue(forKey: member)?.arrayValue else {
            return JSONSerializer.data(object)
        }
        var out = JSONSerializer.data(.object(members))
        out.removeLast()
        if !members.isEmpty { out.append(UInt8(ascii: ",")) }
        out += JSONSerializer.data(.string(member))
        out.append(UInt8(ascii: ":"))
        out += serializeMember(value)
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func jsonArray(_ elements: [JSONValue], _ serializeElement: (JSONValue) -> [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (position, element) in elements.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out += serializeElement(element)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
