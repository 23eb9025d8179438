import Foundation

/// A parsed Prometheus text exposition (format 0.0.4): samples by name and labels, with the
/// checks that the format is well formed (a test fails on a malformed line, not only on a
/// missing number).
public struct PrometheusText: Sendable {
    /// One sample line.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double

        /// Named `name`, with at least `labels`.
        func matches(_ name: String, _ labels: [String: String]) -> Bool {
            self.name == name && labels.allSatisfy { self.labels[$0.key] == $0.value }
        }
    }

    /// Every sample, in the order given.
    public let samples: [Sample]
    /// `# TYPE` declarations by metric family.
    public let types: [String: String]

    /// Parses `text`; throws naming the first malformed line.
    public init(_ text: String) throws {
        var samples: [Sample] = []
        var types: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3).map(String.init)
                if words.count >= 4, words[1] == "TYPE" { types[words[2]] = words[3] }
                continue
            }
            guard let sample = Self.sample(line) else { throw HarnessError("malformed exposition line \(number + 1): \(line)") }
            samples.append(sample)
        }
        self.samples = samples
        self.types = types
    }

    private static func sample(_ line: String) -> Sample? {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, !(name.first?.isNumber ?? true) else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    if character == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { return nil }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                labels[String(key.trimmingCharacters(in: .whitespaces))] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { return nil }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard let first = fields.first else { return nil }
        let value: Double?
        switch first {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default: value = Double(first)
        }
        guard let value else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }

    /// The sum of the samples named `name` whose labels include `labels` (0 when none).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { $0.matches(name, labels) }.reduce(0) { $0 + $1.value }
    }

    /// Whether any sample is named `name` (with `labels`).
    public func has(_ name: String, _ labels: [String: String] = [:]) -> Bool {
        samples.contains { $0.matches(name, labels) }
    }

    /// Scrapes `url` and parses the answer (which must be 200 with Prometheus' content type).
    public static func scrape(_ url: String) async throws -> PrometheusText {
        let answer = try await HTTP.request("GET", url, timeout: 10)
        guard answer.status == 200 else { throw HarnessError("\(url) answered \(answer.status)") }
        guard answer.headers["Content-Type"].first?.hasPrefix("text/plain") == true else {
            throw HarnessError("\(url) answered content type \(answer.headers["Content-Type"])")
        }
        return try PrometheusText(answer.text)
    }
}
