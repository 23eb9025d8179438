import ControlPlane
import GatewayModel

/// Something a user should look at: a condition that is not as it should be, a rejected
/// Envoy config, an offline sidecar. The overview lists them first.
struct Problem {
    /// What the problem is about, e.g. `Gateway kuma-demo/kuma`.
    var subject: String
    /// The console page of the subject, if it has one.
    var link: String?
    /// `Type=Status` (or what failed).
    var what: String
    /// The condition's reason.
    var reason: String
    /// The condition's (or Envoy's) message.
    var message: String
}

/// Collects problems from the objects' conditions and the proxies' reports.
enum Problems {
    /// Condition types whose `True` is the problem (Gateway API's negative polarity).
    /// `gatehouse.io/Superseded`: a TLSRoute or TCPRoute that stays Accepted while an older
    /// route gets its connections (`StreamConflicts` in GatewayTranslator).
    static let negativeConditions: Set<String> = ["Conflicted", "OverlappingTLSConfig", "PartiallyInvalid", "gatehouse.io/Superseded"]

    /// Whether a condition reports a problem.
    static func isProblem(_ condition: JSONValue) -> Bool {
        guard let type = condition["type"]?.stringValue, let status = condition["status"]?.stringValue else { return false }
        if negativeConditions.contains(type) { return status == "True" }
        return status == "False"
    }

    /// Every problem, in a stable order: classes, gateways, routes, dataplanes, proxies.
    static func collect(_ data: ConsoleData) -> [Problem] {
        var problems: [Problem] = []
        func add(_ conditions: [JSONValue], subject: String, link: String?, prefix: String = "") {
            for condition in conditions where isProblem(condition) {
                problems.append(Problem(
                    subject: subject, link: link,
                    what: prefix + "\(condition["type"]?.stringValue ?? "")=\(condition["status"]?.stringValue ?? "")",
                    reason: condition["reason"]?.stringValue ?? "", message: condition["message"]?.stringValue ?? ""))
            }
        }
        for gatewayClass in data.list(ResourceKinds.gatewayClass) {
            add(gatewayClass[path: ["status", "conditions"]]?.arrayValue ?? [], subject: "GatewayClass \(gatewayClass.name ?? "")", link: nil)
        }
        for gateway in data.list(ResourceKinds.gateway) {
            let key = ConsoleData.key(gateway)
            let link = Pages.gatewayPath(gateway)
            add(gateway[path: ["status", "conditions"]]?.arrayValue ?? [], subject: "Gateway \(key)", link: link)
            for listener in gateway[path: ["status", "listeners"]]?.arrayValue ?? [] {
                add(listener["conditions"]?.arrayValue ?? [], subject: "Gateway \(key)", link: link,
                    prefix: "listener \(listener["name"]?.stringValue ?? ""): ")
            }
        }
        for entry in data.allRoutes() {
            for parent in entry.route[path: ["status", "parents"]]?.arrayValue ?? [] {
                let parentName = parent[path: ["parentRef", "name"]]?.stringValue ?? ""
                add(parent["conditions"]?.arrayValue ?? [], subject: "\(entry.kind) \(ConsoleData.key(entry.route))",
                    link: Pages.routePath(entry), prefix: "parent \(parentName): ")
            }
        }
        for dataplane in data.list(ResourceKinds.dataplane) {
            let status = dataplane["status"]
            let link = Pages.dataplanePath(dataplane)
            if status?["config"]?.stringValue == "Rejected" {
                problems.append(Problem(subject: "Dataplane \(ConsoleData.key(dataplane))", link: link, what: "config Rejected",
                                        reason: status?["rejectedVersion"]?.stringValue ?? "", message: status?["message"]?.stringValue ?? ""))
            } else if status?["connection"]?.stringValue == "Offline" {
                problems.append(Problem(subject: "Dataplane \(ConsoleData.key(dataplane))", link: link, what: "Offline",
                                        reason: "", message: status?["message"]?.stringValue ?? ""))
            }
        }
        for replica in data.inspector.replicas() where !replica.proxy.hasPrefix("sidecar/") && replica.rejectedVersion != nil {
            let parts = replica.proxy.split(separator: "/")
            problems.append(Problem(
                subject: "Gateway \(replica.proxy) replica \(replica.replica)",
                link: parts.count == 2 ? "/gui/gateways/\(parts[0])/\(parts[1])" : nil,
                what: "Envoy rejected \(replica.rejectedVersion ?? "")", reason: "NACK", message: replica.rejectionMessage ?? ""))
        }
        return problems
    }
}
