import Foundation

/// A JSON Pointer (RFC 6901): `/spec/ports/0/name`, with `~1` for `/` and `~0` for `~`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens; empty for the whole document.
    public var tokens: [String]

    /// Parses the string form. `""` is the whole document; anything else must start with `/`.
    public init(_ text: String) throws(PatchError) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw PatchError(.malformedPatch, "JSON pointer \"\(text)\" must be empty or start with \"/\"")
        }
        var parsed: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            parsed.append(try Self.unescape(String(raw), in: text))
        }
        tokens = parsed
    }

    /// Creates a pointer from unescaped tokens.
    public init(tokens: [String]) { self.tokens = tokens }

    /// The escaped string form.
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// Whether `self` is a proper prefix of `other` (`/a` of `/a/b`, not of `/a`).
    public func isProperPrefix(of other: JSONPointer) -> Bool {
        tokens.count < other.tokens.count && Array(other.tokens.prefix(tokens.count)) == tokens
    }

    private static func unescape(_ token: String, in text: String) throws(PatchError) -> String {
        guard token.contains("~") else { return token }
        var result = ""
        var iterator = token.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            default: throw PatchError(.malformedPatch, "JSON pointer \"\(text)\" has an invalid escape: \"~\" must be followed by \"0\" or \"1\"")
            }
        }
        return result
    }
}
