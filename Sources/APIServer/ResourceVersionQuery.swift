import GatewayModel

/// `resourceVersion` on reads (get, list, watch), as the Kubernetes API server takes it.
///
/// Absent, empty or `0`: any version will do (the current state). A decimal version: the answer
/// must be at least that new. A version the store has not reached yet is waited for briefly,
/// as Kubernetes' watch cache does (up to 3 s), then answered with `504 Timeout` and the cause
/// `ResourceVersionTooLarge`, which clients (client-go's reflector) recognise and retry on.
/// Anything else (`abc`, `-1`, `1.5`) is a 400: it would otherwise silently mean "now".
enum ResourceVersionQuery {
    /// How long a read waits for a version the store has not reached.
    static let freshnessWait: Duration = .seconds(3)

    /// The requested version (nil: any), or a 400 naming the bad value.
    static func parse(_ text: String?) throws(APIError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let version = UInt64(text) else {
            throw .badRequest("resourceVersion: Invalid value: \"\(text)\": must be a non-negative integer (a resourceVersion this server returned)")
        }
        return version == 0 ? nil : version
    }

    /// Kubernetes' answer to a version the store did not reach in time.
    static func tooLarge(requested: UInt64, current: UInt64) -> APIError {
        APIError(code: 504, reason: "Timeout", message: "Timeout: Too large resource version: \(requested), current: \(current)",
                 details: ["causes": [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]],
                           "retryAfterSeconds": 1])
    }
}
