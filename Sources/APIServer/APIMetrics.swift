import Metrics

/// The API server's metrics: requests by verb, kind and status code with their latency, open
/// watches, and conflicts on status writes (each name keeps one set of label names).
enum APIMetrics {
    /// The Kubernetes verb and the kind label of a request (`kind` is `plural[.group]` for
    /// resources, else the kind of endpoint: `discovery`, `health`, `openapi`, `other`).
    static func verbAndKind(method: String, route: APIRoute, watch: Bool) -> (verb: String, kind: String) {
        switch route {
        case .resource(let target):
            // Only served kinds become label values: URLs are user input, labels must stay few.
            let kind = target.kind?.qualifiedPlural ?? "unknown"
            let named = target.name != nil
            let verb: String
            switch method {
            case "GET": verb = watch ? "watch" : (named ? "get" : "list")
            case "POST": verb = "create"
            case "PUT": verb = "update"
            case "PATCH": verb = "patch"
            case "DELETE": verb = named ? "delete" : "deletecollection"
            default: verb = "other"
            }
            return (verb, kind)
        case .health: return ("get", "health")
        case .openAPIRoot, .openAPIDocument: return ("get", "openapi")
        case .coreVersions, .groupList, .group, .resourceList, .version: return ("get", "discovery")
        case .unknown: return ("other", "other")
        }
    }

    /// One answered request (a watch counts when its stream starts).
    static func answered(verb: String, kind: String, code: Int, after latency: Duration) {
        Counter(label: "gatehouse_api_requests_total", dimensions: [("verb", verb), ("kind", kind), ("code", String(code))]).increment()
        Metrics.Timer(label: "gatehouse_api_request_duration_seconds", dimensions: [("verb", verb), ("kind", kind)])
            .record(duration: latency)
    }

    /// A watch stream opened (+1) or closed (-1).
    static func watchesChanged(by delta: Int) {
        let meter = Meter(label: "gatehouse_api_watches")
        if delta > 0 { meter.increment(by: Double(delta)) } else { meter.decrement(by: Double(-delta)) }
    }

    /// A `/status` write refused because the object moved on (409 Conflict).
    static func statusConflict(kind: String) {
        Counter(label: "gatehouse_status_write_conflicts_total", dimensions: [("kind", kind)]).increment()
    }
}
