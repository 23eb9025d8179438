import GatewayModel

/// The events a status write means for users: a Gateway's `Accepted` or `Programmed` changing
/// (status or reason), and a listener whose references stopped resolving (a certificate Secret
/// that is missing, not permitted or not usable). Pure: the stored object and the status about
/// to be written in, events out.
enum StatusEvents {
    /// The events for writing `status` over `stored` (an object of `kind`).
    static func transitions(kind: ResourceKind, stored: JSONValue, status: JSONValue) -> [ControllerEvent] {
        guard kind == ResourceKinds.gateway, let name = stored.name else { return [] }
        let uid = stored[path: ["metadata", "uid"]]?.stringValue
        func event(_ severity: ControllerEvent.Severity, _ reason: String, _ message: String) -> ControllerEvent {
            ControllerEvent(kind: kind, namespace: stored.namespace, name: name, uid: uid, severity: severity, reason: reason, message: message)
        }
        var events: [ControllerEvent] = []
        let before = stored[path: ["status", "conditions"]]?.arrayValue ?? []
        for type in ["Accepted", "Programmed"] {
            guard let now = changed(type, from: before, to: status["conditions"]?.arrayValue ?? []) else { continue }
            let state = now["status"]?.stringValue ?? "Unknown"
            let message = now["message"]?.stringValue ?? ""
            let reason = now["reason"]?.stringValue ?? type
            // Pending is the way to Programmed, not a problem.
            events.append(event(state == "True" || reason == "Pending" ? .normal : .warning, reason,
                                "\(type)=\(state)" + (message.isEmpty ? "" : ": \(message)")))
        }
        let listenersBefore = stored[path: ["status", "listeners"]]?.arrayValue ?? []
        for listener in status["listeners"]?.arrayValue ?? [] {
            let listenerName = listener["name"]?.stringValue ?? ""
            let previous = listenersBefore.first { $0["name"]?.stringValue == listenerName }?["conditions"]?.arrayValue ?? []
            guard let now = changed("ResolvedRefs", from: previous, to: listener["conditions"]?.arrayValue ?? []),
                  now["status"]?.stringValue == "False" else { continue }
            events.append(event(.warning, now["reason"]?.stringValue ?? "ResolvedRefs",
                                "listener \(listenerName): \(now["message"]?.stringValue ?? "references do not resolve")"))
        }
        return events
    }

    /// The condition of `type` in `after` when its status or reason differs from `before`'s.
    private static func changed(_ type: String, from before: [JSONValue], to after: [JSONValue]) -> JSONValue? {
        guard let now = after.first(where: { $0["type"]?.stringValue == type }) else { return nil }
        let then = before.first { $0["type"]?.stringValue == type }
        if let then, then["status"] == now["status"], then["reason"] == now["reason"] { return nil }
        return now
    }
}
