import Foundation
import GatewayModel

/// Kubernetes `MicroTime`: RFC 3339 in UTC with six fractional digits
/// (`2024-05-01T10:00:00.123456Z`), the format of a Lease's `acquireTime` and `renewTime`.
public enum MicroTime {
    /// `date` as a MicroTime string.
    public static func string(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = min(999_999, Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded(.down)))
        let seconds = Timestamps.rfc3339(Date(timeIntervalSince1970: whole))
        let fraction = String(micros)
        return String(seconds.dropLast()) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }
}
