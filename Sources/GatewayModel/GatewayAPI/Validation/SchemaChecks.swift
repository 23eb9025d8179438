import Foundation

/// A compiled regular expression, shared across tasks. `NSRegularExpression` is immutable once
/// built, so sharing it is safe even though Foundation does not mark it `Sendable`.
struct SchemaPattern: @unchecked Sendable {
    /// The pattern as written in the CRD (shown in error messages).
    let source: String
    private let regex: NSRegularExpression?

    /// Compiles `source`. An invalid pattern matches nothing (and is caught by the tests).
    init(_ source: String) {
        self.source = source
        self.regex = try? NSRegularExpression(pattern: Self.anchoredAtEnd(source))
    }

    /// `pattern` with each `$` anchor (unescaped, outside a character class) made `\z`.
    ///
    /// OpenAPI patterns are ECMA-262 regular expressions and the Kubernetes API server runs them
    /// with Go's RE2, where `$` matches only at the very end of the input. ICU's `$` also
    /// matches before a final line terminator, so `^[a-z]+$` would accept `"name\n"` — and a
    /// header name or hostname ending in a newline would reach Envoy, which refuses the whole
    /// configuration. `\z` is ICU's end of input.
    static func anchoredAtEnd(_ pattern: String) -> String {
        var result = ""
        var escaped = false
        var inClass = false
        for character in pattern {
            if escaped {
                result.append(character)
                escaped = false
                continue
            }
            switch character {
            case "\\":
                escaped = true
            case "[" where !inClass:
                inClass = true
            case "]" where inClass:
                inClass = false
            case "$" where !inClass:
                result += "\\z"
                continue
            default:
                break
            }
            result.append(character)
        }
        return result
    }

    /// Whether the pattern matches somewhere in `value` (OpenAPI `pattern` semantics: unanchored
    /// search, the patterns carry their own `^`/`$`).
    func matches(_ value: String) -> Bool {
        guard let regex else { return false }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return regex.firstMatch(in: value, options: [], range: range) != nil
    }
}

/// Collects field causes while walking a typed object, with the checks that the OpenAPI schema
/// and the CEL rules of a CRD make. Messages follow the Kubernetes API server's wording.
struct SchemaChecks {
    /// The causes found so far, in walk order.
    private(set) var causes: [FieldCause] = []

    /// Adds a cause found by hand-written logic.
    mutating func add(_ cause: FieldCause) { causes.append(cause) }

    /// Adds every cause of another walk.
    mutating func add(contentsOf other: [FieldCause]) { causes += other }

    /// `Required value` unless `present`.
    mutating func required(_ present: Bool, _ path: FieldPath, _ detail: String = "") {
        if !present { causes.append(.required(path.description, detail)) }
    }

    /// OpenAPI string limits: `minLength`, `maxLength`, `pattern`, `enum`. A nil value is absent
    /// and passes (use `required` for required fields).
    mutating func string(
        _ value: String?, _ path: FieldPath, minLength: Int? = nil, maxLength: Int? = nil,
        pattern: SchemaPattern? = nil, oneOf allowed: [String]? = nil
    ) {
        guard let value else { return }
        let field = path.description
        if let allowed, !allowed.contains(value) {
            causes.append(.notSupported(field, value: .string(value), supported: allowed))
            return
        }
        let length = value.count
        if let minLength, length < minLength {
            causes.append(.invalid(field, value: .string(value), "\(field) in body should be at least \(minLength) chars long"))
        }
        if let maxLength, length > maxLength {
            causes.append(.tooLong(field, limit: maxLength))
        }
        if let pattern, !pattern.matches(value) {
            causes.append(.invalid(field, value: .string(value), "\(field) in body should match '\(pattern.source)'"))
        }
    }

    /// OpenAPI number limits: `minimum`, `maximum`, `enum`.
    mutating func integer<Number: BinaryInteger>(
        _ value: Number?, _ path: FieldPath, minimum: Int64? = nil, maximum: Int64? = nil, oneOf allowed: [Int64]? = nil
    ) {
        guard let value else { return }
        let number = Int64(clamping: value)
        let field = path.description
        if let allowed, !allowed.contains(number) {
            causes.append(.notSupported(field, value: .integer(number), supported: allowed.map(String.init)))
            return
        }
        if let minimum, number < minimum {
            causes.append(.invalid(field, value: .integer(number), "\(field) in body should be greater than or equal to \(minimum)"))
        }
        if let maximum, number > maximum {
            causes.append(.invalid(field, value: .integer(number), "\(field) in body should be less than or equal to \(maximum)"))
        }
    }

    /// OpenAPI list limits: `minItems`, `maxItems`. A nil list is absent and passes.
    mutating func items(_ count: Int?, _ path: FieldPath, minItems: Int? = nil, maxItems: Int? = nil) {
        guard let count else { return }
        let field = path.description
        if let minItems, count < minItems {
            causes.append(.invalid(field, value: .integer(Int64(count)), "\(field) in body should have at least \(minItems) items"))
        }
        if let maxItems, count > maxItems {
            causes.append(.tooMany(field, count: count, limit: maxItems))
        }
    }

    /// OpenAPI map limit: `maxProperties`.
    mutating func properties(_ count: Int?, _ path: FieldPath, maxProperties: Int) {
        guard let count, count > maxProperties else { return }
        causes.append(.tooMany(path.description, count: count, limit: maxProperties))
    }

    /// A CEL `x-kubernetes-validations` rule: when it does not hold, the API server reports
    /// `Invalid value: "<type>": <message>` at the node that carries the rule.
    mutating func rule(_ holds: Bool, _ path: FieldPath, _ message: String, on type: String = "object") {
        if !holds { causes.append(.invalid(path.description, value: .string(type), message)) }
    }

    /// `x-kubernetes-list-type: map`: each key (or key tuple) may appear once. Reported at the
    /// later duplicate element, as the API server does.
    mutating func uniqueMapKeys(_ keys: [[String: JSONValue]], _ path: FieldPath) {
        var seen = Set<[String: JSONValue]>()
        for (position, key) in keys.enumerated() where !seen.insert(key).inserted {
            causes.append(.duplicate(path.index(position).description, value: .object(key)))
        }
    }

    /// `x-kubernetes-list-type: set`: each value may appear once.
    mutating func uniqueSet(_ values: [JSONValue], _ path: FieldPath) {
        var seen = Set<JSONValue>()
        for (position, value) in values.enumerated() where !seen.insert(value).inserted {
            causes.append(.duplicate(path.index(position).description, value: value))
        }
    }
}
