import Foundation
import GatewayModel
import Testing

/// Timestamps are formatted by hand; they must read exactly as Foundation's RFC 3339 formatter
/// writes them.
@Suite struct TimestampsTests {
    @Test(arguments: [0.0, 951_782_400.9, 1_700_000_000.5, 4_102_444_799, 1_234_567_890])
    func matchesFoundation(_ seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = Date(timeIntervalSince1970: seconds)
        #expect(Timestamps.rfc3339(date) == formatter.string(from: date))
    }

    @Test func shape() {
        #expect(Timestamps.rfc3339(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    /// Log lines' form (the dataplane agent's, without Foundation): the same fields, then
    /// milliseconds, padded to three digits, as Foundation writes fractional seconds.
    @Test(arguments: [(1_700_000_000, 5), (951_782_400, 999), (0, 0)])
    func millisecondsMatchFoundation(_ seconds: Int, _ milliseconds: Int) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000 + 0.0001)
        #expect(UTCTimestamp.format(secondsSince1970: seconds, milliseconds: milliseconds) == formatter.string(from: date))
    }
}
