import Foundation

/// Kubernetes timestamps: RFC 3339 in UTC, second precision (`2026-01-01T00:00:00Z`).
public enum Timestamps {
    /// `date` as Kubernetes writes it.
    public static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
