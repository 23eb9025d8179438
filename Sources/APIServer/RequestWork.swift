import GatewayModel
import ResourceStore

/// Where the API does CPU-heavy request work. Swift's cooperative pool has as many threads as
/// cores (two here): a few requests parsing megabytes of YAML on it would stall `/readyz`, the
/// watches and every other client. Such requests run on one dedicated thread instead, in the
/// order they came: an expensive request slows itself and those like it, never the rest.
enum RequestWork {
    /// The thread heavy requests run on.
    static let executor = DedicatedThreadExecutor(name: "api-heavy-work")

    /// Bodies from this size on are heavy to decode and admit (a typical manifest is a few KiB).
    static let heavyBodyBytes = 64 * 1024

    /// A write with a large body, or a list (its answer is built and serialized from every
    /// object it covers).
    static func isHeavy(_ request: APIRequest) -> Bool {
        if request.body.count >= heavyBodyBytes { return true }
        guard request.method == "GET", case .resource(let target) = request.route else { return false }
        return target.name == nil && !request.flag("watch")
    }
}
