import GatewayModel
import Synchronization

extension EnvoyTranslator {
    /// One proxy's filesystem-xDS files (`XDSFiles.files` layout), serialized. With a `memo`
    /// kept across calls, a route configuration file is assembled from each route's bytes of
    /// the previous call when that route is unchanged, so one changed route serializes one route.
    public static func files(_ input: ProxyInput, configDirectory: String, endpoints: EndpointDelivery = .inline,
                             memo: EnvoyTranslationMemo? = nil) -> [XDSFile] {
        let resources = translate(input, configDirectory: configDirectory, endpoints: endpoints, memo: memo)
        guard let memo else { return XDSFiles.files(for: resources, in: configDirectory) }
        var routeless = resources
        routeless.routeConfigurations = []
        let routeFiles = resources.routeConfigurations.map { configuration in
            let name = configuration["name"]?.stringValue ?? "default"
            return XDSFile(type: .routes, name: name, path: XDSFiles.path(.routes, name: name, in: configDirectory),
                           resources: memo.fragments.serialize([configuration]))
        }
        memo.fragments.finishPass()
        return routeFiles + XDSFiles.files(for: routeless, in: configDirectory)
    }
}

/// Serialized routes of the previous serialization, by route configuration and route name,
/// each kept with the route it was made from. A route is reused when it equals the kept one:
/// routes rendered from the translation memo are the very same values, and comparing a value
/// with itself is immediate (shared storage), so an unchanged route costs a lookup.
final class RouteFragments: Sendable {
    private struct Fragment {
        var route: JSONValue
        var bytes: [UInt8]
    }

    private struct State {
        var previous: [String: Fragment] = [:]
        var current: [String: Fragment] = [:]
    }

    private let state = Mutex(State())

    /// The JSON array of `configurations` (route configurations), byte for byte what
    /// `JSONSerializer` writes except that `virtual_hosts` and `routes` come last in their
    /// objects (JSON member order carries no meaning).
    func serialize(_ configurations: [JSONValue]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (position, configuration) in configurations.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            let prefix = (configuration["name"]?.stringValue ?? "") + "\u{0}"
            out += Self.splicing(configuration, member: "virtual_hosts") { virtualHosts in
                Self.array(virtualHosts) { virtualHost in
                    Self.splicing(virtualHost, member: "routes") { routes in
                        Self.array(routes) { route in self.bytes(of: route, key: prefix + (route["name"]?.stringValue ?? "")) }
                    }
                }
            }
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// Ends one pass: only the routes it serialized are kept for the next.
    func finishPass() {
        state.withLock { state in
            state.previous = state.current
            state.current = [:]
        }
    }

    private func bytes(of route: JSONValue, key: String) -> [UInt8] {
        let known = state.withLock { $0.current[key] ?? $0.previous[key] }
        if let known, known.route == route {
            state.withLock { $0.current[key] = known }
            return known.bytes
        }
        let fragment = Fragment(route: route, bytes: JSONSerializer.data(route))
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

    private static func array(_ elements: [JSONValue], _ serializeElement: (JSONValue) -> [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (position, element) in elements.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out += serializeElement(element)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
