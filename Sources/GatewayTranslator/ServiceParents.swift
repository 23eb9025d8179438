import GatewayModel

/// An accepted attachment of a route to a parent Service (GAMMA): the Service ports whose
/// mesh traffic the route decides.
struct ServiceAttachment: Hashable, Sendable {
    /// The Service's namespace.
    let namespace: String
    /// The Service's name.
    let name: String
    /// The mesh of the Service (and of the route: they must agree).
    let mesh: String
    /// The HTTP ports the route applies to, ascending, without duplicates.
    var ports: [Int]

    /// "namespace/name".
    var key: String { objectPath(namespace, name) }
}

/// Service parentRefs (GAMMA, GEP-1294): which Service ports a parentRef selects and whether
/// the route is accepted there.
///
/// Decisions, in the order they are checked (each an `Accepted=False` reason):
/// - the Service does not exist: `NoMatchingParent` (the spec lets a controller skip a
///   nonexistent parent, but a route that silently does nothing is what users of Kuma 2.14
///   could not diagnose);
/// - a headless or `ExternalName` Service: `NoMatchingParent`. GEP-1294: "Headless Services
///   SHOULD NOT be supported as a parentRef, because they do not implement the frontend
///   functionality of a service"; `ExternalName` "SHOULD NOT be allowed as parentRefs";
/// - the Service is in another mesh than the route: `NoMatchingParent`, the closest reason
///   of the spec ("no matching Parents"): within the route's mesh that Service is no parent;
/// - `port` and `sectionName` select the Service ports (ParentReference: "When the parent
///   resource is a Service, this targets a specific port in the Service spec. When both Port
///   and SectionName are specified, the name and port of the selected port must match both
///   specified values"; SectionName for a Service is the port name). Selecting no port is
///   `NoMatchingParent`, as the spec words it for Gateways: "a Route ParentRef specifies a
///   Port and/or SectionName that does not match any Listeners";
/// - of the selected ports only HTTP ones get HTTP routing (`Service.Port.carriesHTTP`).
///   None HTTP is `NotAllowedByListeners`: the port plays the listener's part, and a port
///   that does not take HTTPRoutes is the Service's counterpart of a listener whose
///   allowedRoutes kinds exclude them (the reason the Gateway path gives there). Some HTTP is
///   `Accepted=True` ("an attachment is considered successful as long as the parent resource
///   accepts it partially") with a message naming the ports left out.
enum ServiceParents {
    /// True for a parentRef to a core Service (`group: ""`, `kind: Service`). The group must be
    /// written out: an absent group means `gateway.networking.k8s.io`.
    static func refersToService(_ reference: ParentReference) -> Bool {
        reference.group == "" && reference.kind == "Service"
    }

    /// What the rule for HTTP ports is, for messages.
    static let httpPortRule = "HTTP routing needs appProtocol http, kubernetes.io/h2c or grpc, or a port named http or http-*"

    /// `Accepted` for one Service parentRef of a route in `routeNamespace` and `routeMesh`, and
    /// the attachment when accepted. (The rules' own verdict is applied by the caller.)
    static func attach(_ reference: ParentReference, routeNamespace: String, routeMesh: String,
                       index: SnapshotIndex, options: TranslationOptions) -> (Verdict, ServiceAttachment?) {
        let namespace = reference.namespace ?? routeNamespace
        let described = "Service \(objectPath(namespace, reference.name))"
        guard let service = index.services[objectPath(namespace, reference.name)] else {
            return (.no(Reason.noMatchingParent, "\(described) does not exist"), nil)
        }
        if service.spec?.type == "ExternalName" {
            return (.no(Reason.noMatchingParent, "\(described) is of type ExternalName: it has no frontend a route can attach to"), nil)
        }
        if service.lacksFrontend {
            return (.no(Reason.noMatchingParent, "\(described) is headless (clusterIP None): it has no frontend a route can attach to"), nil)
        }
        let serviceMesh = Gateways.mesh(service.metadata, namespace: namespace, index: index, options: options)
        guard serviceMesh == routeMesh else {
            return (.no(Reason.noMatchingParent,
                        "\(described) is in mesh \(serviceMesh), the route in mesh \(routeMesh): a route attaches only to Services of its own mesh"),
                    nil)
        }
        let ports = (service.spec?.ports ?? []).filter { $0.port != nil }
        guard !ports.isEmpty else { return (.no(Reason.noMatchingParent, "\(described) has no ports"), nil) }
        let selected = ports.filter { port in
            (reference.sectionName.map { $0 == port.name } ?? true) && (reference.port.map { Int($0) == port.port } ?? true)
        }
        guard !selected.isEmpty else {
            var wanted: [String] = []
            if let section = reference.sectionName { wanted.append("named \(section)") }
            if let port = reference.port { wanted.append(wanted.isEmpty ? "\(port)" : "on \(port)") }
            return (.no(Reason.noMatchingParent, "\(described) has no port \(wanted.joined(separator: " "))"), nil)
        }
        let http = selected.filter(\.carriesHTTP)
        let other = selected.filter { !$0.carriesHTTP }
        guard !http.isEmpty else {
            let list = other.map(describe).joined(separator: ", ")
            let what = other.count == 1 ? "port \(list) is not an HTTP port" : "has no HTTP port (\(list))"
            return (.no(Reason.notAllowedByListeners, "\(described) \(what): \(httpPortRule)"), nil)
        }
        let numbers = Array(Set(http.compactMap(\.port))).sorted()
        let attachment = ServiceAttachment(namespace: namespace, name: reference.name, mesh: serviceMesh, ports: numbers)
        guard !other.isEmpty else { return (.yes(Reason.accepted, "Route is accepted"), attachment) }
        let served = numbers.map(String.init).joined(separator: ", ")
        let skipped = other.map(describe).joined(separator: ", ")
        return (.yes(Reason.accepted,
                     "Route is accepted for port\(numbers.count == 1 ? "" : "s") \(served) of \(described); "
                     + "port\(other.count == 1 ? "" : "s") \(skipped) \(other.count == 1 ? "is not HTTP and gets" : "are not HTTP and get") no HTTP routing: \(httpPortRule)"),
                attachment)
    }

    /// `8080 (name http, appProtocol http)`: a port as messages name it.
    static func describe(_ port: Service.Port) -> String {
        var details: [String] = []
        if let name = port.name, !name.isEmpty { details.append("name \(name)") }
        if let appProtocol = port.appProtocol, !appProtocol.isEmpty { details.append("appProtocol \(appProtocol)") }
        let transport = (port.protocol ?? "TCP").uppercased()
        if transport != "TCP" { details.append(transport) }
        let number = port.port.map(String.init) ?? "?"
        return details.isEmpty ? number : "\(number) (\(details.joined(separator: ", ")))"
    }

    /// Adds `attachment` to `attachments`, merging the ports of attachments to the same Service
    /// (two parentRefs to one Service with different ports make one MeshHTTPRoute).
    static func merge(_ attachment: ServiceAttachment, into attachments: inout [ServiceAttachment]) {
        guard let position = attachments.firstIndex(where: { $0.key == attachment.key }) else {
            attachments.append(attachment)
            return
        }
        attachments[position].ports = Array(Set(attachments[position].ports + attachment.ports)).sorted()
    }
}
