import DataplaneWire
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// How log lines are written: `text` (swift-log's stream format) or `json` (one object per
/// line: `time`, `level`, `logger`, `message`, then every metadata key, e.g. `kind`,
/// `namespace`, `name` for lines about an object).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// Sends swift-log output to standard error in this format at `level` (once per process).
    public func bootstrap(level: Logger.Level) {
        let format = self
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// A swift-log handler writing one JSON object per line to standard error.
public struct JSONLogHandler: LogHandler {
    /// The logger's label (`logger` in each line).
    public let label: String
    /// The level below which nothing is written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Where lines go (standard error unless a test passes another sink).
    let sink: @Sendable (String) -> Void

    /// A handler writing to standard error.
    public init(label: String) {
        self.init(label: label) { line in
            var bytes = Array(line.utf8)
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress.map { $0 + written }, $0.count - written) }
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { return }
                written += result
            }
        }
    }

    /// A handler writing each line (with its newline) to `sink`.
    public init(label: String, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error, merged["error"] == nil { merged["error"] = .string("\(error)") }
        sink(Self.line(time: LogTimestamp.now(), level: event.level, label: label, message: "\(event.message)", metadata: merged))
    }

    /// One line: fixed keys first, then metadata keys in sorted order (stable output).
    static func line(time: LogTimestamp, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var fields: [(String, String)] = [
            ("time", quoted(timestamp(time))), ("level", quoted(level.rawValue)), ("logger", quoted(label)), ("message", quoted(message)),
        ]
        let reserved: Set<String> = ["time", "level", "logger", "message"]
        for key in metadata.keys.sorted() where !reserved.contains(key) {
            if let value = metadata[key] { fields.append((key, render(value))) }
        }
        return "{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}\n"
    }

    private static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let convertible): return quoted(convertible.description)
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().compactMap { key in entries[key].map { "\(quoted(key)):\(render($0))" } }.joined(separator: ",") + "}"
        }
    }

    private static func timestamp(_ time: LogTimestamp) -> String {
        time.iso8601
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// A wall-clock time for log lines, read without Foundation (the dataplane agent links none).
struct LogTimestamp {
    /// Seconds since 1970-01-01 UTC.
    var seconds: Int
    /// Milliseconds within the second.
    var milliseconds: Int

    /// The current time.
    static func now() -> LogTimestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return LogTimestamp(seconds: Int(time.tv_sec), milliseconds: Int(time.tv_nsec) / 1_000_000)
    }

    /// ISO 8601 in UTC with milliseconds, `2026-01-31T12:00:00.123Z`.
    var iso8601: String { UTCTimestamp.format(secondsSince1970: seconds, milliseconds: milliseconds) }
}
