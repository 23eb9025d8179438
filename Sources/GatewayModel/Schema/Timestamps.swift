import Foundation

/// RFC 3339 timestamps as Kubernetes writes them (`2024-05-01T10:00:00Z`, UTC, whole seconds).
public enum Timestamps {
    /// `date` as Kubernetes writes it (`UTCTimestamp`, whole seconds).
    public static func rfc3339(_ date: Date) -> String {
        UTCTimestamp.format(secondsSince1970: Int(date.timeIntervalSince1970.rounded(.down)))
    }
}
