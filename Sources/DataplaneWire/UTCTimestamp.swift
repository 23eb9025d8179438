#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 / ISO 8601 timestamps in UTC from seconds since 1970, formatted from the calendar
/// fields directly (no Foundation, no formatter object: one per call cost more than the rest
/// of an API create). Kubernetes objects use whole seconds, log lines milliseconds.
public enum UTCTimestamp {
    /// `2026-01-31T12:00:00Z`, or `2026-01-31T12:00:00.123Z` with `milliseconds`.
    public static func format(secondsSince1970 seconds: Int, milliseconds: Int? = nil) -> String {
        var clock = time_t(seconds)
        var fields = tm()
        gmtime_r(&clock, &fields)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let fraction = milliseconds.map { "." + padded(Int32($0), 3) } ?? ""
        return "\(padded(fields.tm_year + 1900, 4))-\(padded(fields.tm_mon + 1, 2))-\(padded(fields.tm_mday, 2))"
            + "T\(padded(fields.tm_hour, 2)):\(padded(fields.tm_min, 2)):\(padded(fields.tm_sec, 2))\(fraction)Z"
    }
}
