import GatewayModel

/// Gateway API timeouts (GEP-1742) and retries (GEP-1731) as members of Envoy's `RouteAction`.
///
/// - `timeouts.request` -> `timeout` (the whole exchange, retries included; `0s` disables
///   it). Without it Envoy's default of 15 s applies, except when only `backendRequest` is
///   given: then the attempts alone bound the request and `timeout` is `0s`, so that a
///   backend timeout longer than 15 s is honoured.
/// - `timeouts.backendRequest` -> `retry_policy.per_try_timeout` (each attempt, the first
///   included, even without retries).
/// - `retry` -> `retry_policy`: `num_retries` = `attempts` (Envoy's default 1 when unset),
///   `retry_on` = connection failures and resets, plus `retriable-status-codes` with the
///   given `codes`; `backoff` -> `retry_back_off.base_interval` (Envoy caps at 10x).
enum RetryPolicy {
    /// Retried conditions besides status codes: the request never reached a backend, or the
    /// backend dropped it.
    static let connectionFailures = "connect-failure,refused-stream,reset"

    /// The `RouteAction` members for a rule's timeouts and retries.
    static func members(_ conf: MeshHTTPRoute.RuleConf) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        let request = conf.timeouts?.request.flatMap(RouteDuration.milliseconds)
        let backendRequest = conf.timeouts?.backendRequest.flatMap(RouteDuration.milliseconds)
        if let request {
            members["timeout"] = .string(duration(milliseconds: request))
        } else if backendRequest.map({ $0 > 0 }) == true {
            members["timeout"] = "0s"
        }
        var policy: [String: JSONValue] = [:]
        if let backendRequest, backendRequest > 0 {
            policy["per_try_timeout"] = .string(duration(milliseconds: backendRequest))
        }
        if let retry = conf.retry {
            let codes = retry.codes ?? []
            policy["retry_on"] = .string(codes.isEmpty ? connectionFailures : connectionFailures + ",retriable-status-codes")
            if !codes.isEmpty { policy["retriable_status_codes"] = .array(codes.map { .integer(Int64($0)) }) }
            if let attempts = retry.attempts { policy["num_retries"] = .integer(Int64(max(attempts, 0))) }
            if let backoff = retry.backoff.flatMap(RouteDuration.milliseconds), backoff > 0 {
                policy["retry_back_off"] = ["base_interval": .string(duration(milliseconds: backoff))]
            }
        } else if !policy.isEmpty {
            // A per-try timeout alone: one attempt, no retries.
            policy["num_retries"] = 0
        }
        if !policy.isEmpty { members["retry_policy"] = .object(policy) }
        return members
    }

    /// A protobuf JSON `Duration`: `2s`, `0.5s`, `0.005s`.
    static func duration(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        let rest = milliseconds % 1000
        guard rest != 0 else { return "\(seconds)s" }
        var fraction = String(rest)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(seconds).\(fraction)s"
    }
}
