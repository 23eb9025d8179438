/// `discovery.k8s.io/v1` `EndpointSlice`: every field of the Kubernetes 1.3x schema.
public struct EndpointSlice: ValidatedResource, Hashable {
    /// API group and version, as written in the manifest.
    public var apiVersion: String?
    /// Kind, as written in the manifest.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta?
    /// `IPv4`, `IPv6` or `FQDN`; required and immutable.
    public var addressType: String?
    /// Endpoints of the slice (at most 1000).
    public var endpoints: [Endpoint]?
    /// Ports exposed.
    public var ports: [Port]?

    /// `Endpoint`.
    public struct Endpoint: Codable, Sendable, Hashable {
        /// Addresses of the endpoint, all of `addressType`.
        public var addresses: [String]?
        /// Conditions of the object.
        public var conditions: Conditions?
        /// Host name (DNS-1123 label for endpoints).
        public var hostname: String?
        /// The object (usually a Pod) behind the endpoint.
        public var targetRef: CoreObjectReference?
        /// Topology labels (deprecated upstream).
        public var deprecatedTopology: [String: String]?
        /// Node hosting the endpoint.
        public var nodeName: String?
        /// Zone of the endpoint.
        public var zone: String?
        /// Topology-aware routing hints.
        public var hints: Hints?
    }

    /// `EndpointConditions`.
    public struct Conditions: Codable, Sendable, Hashable {
        /// Whether the endpoint is ready for traffic.
        public var ready: Bool?
        /// Whether the endpoint serves, even while terminating.
        public var serving: Bool?
        /// Whether the endpoint is terminating.
        public var terminating: Bool?
    }

    /// `EndpointHints`.
    public struct Hints: Codable, Sendable, Hashable {
        /// Zones that should use this endpoint.
        public var forZones: [NamedHint]?
        /// Nodes that should use this endpoint.
        public var forNodes: [NamedHint]?
    }

    /// `ForZone` / `ForNode`.
    public struct NamedHint: Codable, Sendable, Hashable {
        /// Name (a DNS-1123 label for ports).
        public var name: String?
    }

    /// `EndpointPort`.
    public struct Port: Codable, Sendable, Hashable {
        /// Name (a DNS-1123 label for ports).
        public var name: String?
        /// Protocol.
        public var `protocol`: String?
        /// Port number.
        public var port: Int?
        /// Application protocol hint (`http`, `kubernetes.io/h2c`, ...).
        public var appProtocol: String?
    }

    /// The address types `addressType` accepts.
    public static let addressTypes = ["IPv4", "IPv6", "FQDN"]
    /// Most endpoints per slice.
    public static let maximumEndpoints = 1000
    /// Most addresses per endpoint.
    public static let maximumAddresses = 100
    /// Most ports per slice.
    public static let maximumPorts = 100
    /// Most zone or node hints per endpoint.
    public static let maximumHints = 8

    /// Checks the slice as `ValidateEndpointSlice` / `ValidateEndpointSliceUpdate` do.
    public func validate(old: EndpointSlice?) -> [FieldCause] {
        var causes: [FieldCause] = []
        let type = addressType ?? ""
        if type.isEmpty {
            causes.append(.required("addressType"))
        } else if !Self.addressTypes.contains(type) {
            causes.append(.notSupported("addressType", value: .string(type), supported: Self.addressTypes))
        }
        let endpointList = endpoints ?? []
        if endpointList.count > Self.maximumEndpoints {
            causes.append(.tooMany("endpoints", count: endpointList.count, limit: Self.maximumEndpoints))
        }
        for (position, endpoint) in endpointList.enumerated() {
            causes += validateEndpoint(endpoint, addressType: type, path: FieldPath("endpoints").index(position))
        }
        causes += validatePorts()
        if let oldType = old?.addressType, oldType != type {
            causes.append(.invalid("addressType", value: .string(type), "field is immutable"))
        }
        return causes
    }

    private func validateEndpoint(_ endpoint: Endpoint, addressType: String, path: FieldPath) -> [FieldCause] {
        var causes: [FieldCause] = []
        let addresses = endpoint.addresses ?? []
        let addressesPath = path.child("addresses")
        if addresses.isEmpty {
            causes.append(.required(addressesPath.description, "must contain at least 1 address"))
        } else if addresses.count > Self.maximumAddresses {
            causes.append(.tooMany(addressesPath.description, count: addresses.count, limit: Self.maximumAddresses))
        }
        for (position, address) in addresses.enumerated() {
            let field = addressesPath.index(position).description
            switch addressType {
            case "IPv4" where !KubernetesFormats.isIPv4(address):
                causes.append(.invalid(field, value: .string(address), "must be a valid IPv4 address"))
            case "IPv6" where !KubernetesFormats.isIPv6(address):
                causes.append(.invalid(field, value: .string(address), "must be a valid IPv6 address"))
            case "FQDN":
                causes += KubernetesFormats.dns1123Subdomain(address).map { .invalid(field, value: .string(address), $0) }
            default:
                break
            }
        }
        if let hostname = endpoint.hostname {
            causes += KubernetesFormats.dns1123Label(hostname).map { .invalid(path.child("hostname").description, value: .string(hostname), $0) }
        }
        if let nodeName = endpoint.nodeName {
            causes += KubernetesFormats.dns1123Subdomain(nodeName).map { .invalid(path.child("nodeName").description, value: .string(nodeName), $0) }
        }
        if let topology = endpoint.deprecatedTopology {
            causes += LabelValidation.labelCauses(topology, path: path.child("deprecatedTopology").description)
        }
        for (name, hints) in [("forZones", endpoint.hints?.forZones), ("forNodes", endpoint.hints?.forNodes)] {
            guard let hints else { continue }
            let hintsPath = path.child("hints").child(name)
            if hints.count > Self.maximumHints {
                causes.append(.tooMany(hintsPath.description, count: hints.count, limit: Self.maximumHints))
            }
        }
        return causes
    }

    private func validatePorts() -> [FieldCause] {
        let portList = ports ?? []
        var causes: [FieldCause] = []
        if portList.count > Self.maximumPorts {
            causes.append(.tooMany("ports", count: portList.count, limit: Self.maximumPorts))
        }
        var seenNames: Set<String> = []
        for (position, port) in portList.enumerated() {
            let path = FieldPath("ports").index(position)
            let name = port.name ?? ""
            if !name.isEmpty {
                causes += KubernetesFormats.dns1123Label(name).map { .invalid(path.child("name").description, value: .string(name), $0) }
            }
            if !seenNames.insert(name).inserted {
                causes.append(.duplicate(path.child("name").description, value: .string(name)))
            }
            if let proto = port.protocol, !ServiceRules.protocols.contains(proto) {
                causes.append(.notSupported(path.child("protocol").description, value: .string(proto), supported: ServiceRules.protocols))
            }
            if let number = port.port {
                causes += KubernetesFormats.portNumber(number).map { .invalid(path.child("port").description, value: .integer(Int64(number)), $0) }
            }
            if let appProtocol = port.appProtocol {
                causes += KubernetesFormats.qualifiedName(appProtocol).map { .invalid(path.child("appProtocol").description, value: .string(appProtocol), $0) }
            }
        }
        return causes
    }
}

/// Core v1 `ObjectReference` (named apart from the Gateway API `ObjectReference`).
public struct CoreObjectReference: Codable, Sendable, Hashable {
    /// Kind, as written in the manifest.
    public var kind: String?
    /// Namespace of the referent.
    public var namespace: String?
    /// Name (a DNS-1123 label for ports).
    public var name: String?
    /// UID of the referent.
    public var uid: String?
    /// API group and version, as written in the manifest.
    public var apiVersion: String?
    /// Resource version of the referent.
    public var resourceVersion: String?
    /// Part of the referent this reference names.
    public var fieldPath: String?
}
