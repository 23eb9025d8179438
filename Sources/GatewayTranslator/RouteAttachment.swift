import GatewayModel

/// One accepted attachment of a route to a listener.
struct RouteAttachment: Hashable {
    /// Position of the Gateway in the translator's gateway list.
    let gatewayPosition: Int
    /// Position of the listener in the Gateway's spec.
    let listenerPosition: Int
    /// Hostnames the route serves there (nil: any).
    let hostnames: [String]?
}

/// ParentRef attachment rules for routes to Gateways: sectionName and port select listeners,
/// then `allowedRoutes` (kinds and namespaces), then hostname intersection.
enum RouteAttachmentRules {
    /// The attachments a parentRef of a route of `routeKind` yields on `gateway`, or why there are none.
    static func attach(routeKind: String, routeNamespace: String, routeHostnames: [String]?, reference: ParentReference,
                       gateway: GatewayEvaluation, gatewayPosition: Int, index: SnapshotIndex) -> Result<[RouteAttachment], AttachmentFailure> {
        let selected = gateway.listeners.indices.filter { position in
            let listener = gateway.listeners[position].listener
            return (reference.sectionName.map { $0 == listener.name } ?? true) && (reference.port.map { $0 == listener.port } ?? true)
        }
        guard !selected.isEmpty else {
            var wanted: [String] = []
            if let section = reference.sectionName { wanted.append("named \"\(section)\"") }
            if let port = reference.port { wanted.append("on port \(port)") }
            return .failure(AttachmentFailure(reason: Reason.noMatchingParent,
                                              message: "Gateway \(gateway.key) has no listener \(wanted.joined(separator: " and "))"))
        }
        let kindAllowed = selected.filter { gateway.listeners[$0].accepts(kind: routeKind) }
        guard !kindAllowed.isEmpty else {
            return .failure(AttachmentFailure(reason: Reason.notAllowedByListeners,
                                              message: "No matching listener of Gateway \(gateway.key) accepts \(routeKind)s"))
        }
        let namespaceAllowed = kindAllowed.filter { position in
            allowsNamespace(gateway.listeners[position].listener.allowedRoutes?.namespaces, gatewayNamespace: gateway.namespace,
                            routeNamespace: routeNamespace, index: index)
        }
        guard !namespaceAllowed.isEmpty else {
            return .failure(AttachmentFailure(reason: Reason.notAllowedByListeners,
                                              message: "No matching listener of Gateway \(gateway.key) allows routes from namespace \(routeNamespace)"))
        }
        var attachments: [RouteAttachment] = []
        for position in namespaceAllowed {
            let hostnames = Hostnames.effective(listener: gateway.listeners[position].listener.hostname, route: routeHostnames)
            if let hostnames, hostnames.isEmpty { continue }
            attachments.append(RouteAttachment(gatewayPosition: gatewayPosition, listenerPosition: position, hostnames: hostnames))
        }
        guard !attachments.isEmpty else {
            return .failure(AttachmentFailure(reason: Reason.noMatchingListenerHostname,
                                              message: "No hostname of the route matches a listener hostname of Gateway \(gateway.key)"))
        }
        return .success(attachments)
    }

    /// `allowedRoutes.namespaces`: `Same` (the default), `All` or `Selector`.
    static func allowsNamespace(_ namespaces: RouteNamespaces?, gatewayNamespace: String, routeNamespace: String, index: SnapshotIndex) -> Bool {
        switch namespaces?.from ?? "Same" {
        case "All":
            return true
        case "Selector":
            guard let selector = namespaces?.selector else { return false }
            return selector.matches(index.namespaceLabels(routeNamespace))
        case "Same":
            return routeNamespace == gatewayNamespace
        default:
            return false
        }
    }
}

/// Why a parentRef does not attach: the `Accepted=False` reason and message.
struct AttachmentFailure: Error, Hashable {
    /// The reason.
    let reason: String
    /// The message.
    let message: String
}
