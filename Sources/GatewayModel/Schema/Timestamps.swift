import Foundation

/// RFC 3339 timestamps as Kubernetes writes them (`2024-05-01T10:00:00Z`, UTC, whole seconds).
public enum Timestamps {
    /// `date` as Kubernetes writes it. Formatted from the calendar fields directly: a
    /// formatter object per call cost more than the rest of an API create.
    public static func rfc3339(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(fields.tm_year + 1900, 4))-\(padded(fields.tm_mon + 1, 2))-\(padded(fields.tm_mday, 2))"
            + "T\(padded(fields.tm_hour, 2)):\(padded(fields.tm_min, 2)):\(padded(fields.tm_sec, 2))Z"
    }
}
