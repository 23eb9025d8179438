import GatewayModel

/// A parsed `labelSelector` query: `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }

    let requirements: [Requirement]

    /// Parses the selector; a malformed one is a 400.
    init(_ text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in Self.splitClauses(text) {
            let trimmed = clause.trimmingSpaces
            if trimmed.isEmpty { continue }
            if let range = trimmed.range(of: " notin ") ?? trimmed.range(of: " in ") {
                let key = String(trimmed[..<range.lowerBound]).trimmingSpaces
                let list = String(trimmed[range.upperBound...]).trimmingSpaces
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw .badRequest("unable to parse requirement: values must be in parentheses: \(trimmed)")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces })
                requirements.append(trimmed[range].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if let range = trimmed.range(of: "!=") {
                requirements.append(.notEquals(String(trimmed[..<range.lowerBound]).trimmingSpaces,
                                               String(trimmed[range.upperBound...]).trimmingSpaces))
            } else if let range = trimmed.range(of: "==") ?? trimmed.range(of: "=") {
                requirements.append(.equals(String(trimmed[..<range.lowerBound]).trimmingSpaces,
                                            String(trimmed[range.upperBound...]).trimmingSpaces))
            } else if trimmed.hasPrefix("!") {
                requirements.append(.doesNotExist(String(trimmed.dropFirst()).trimmingSpaces))
            } else if trimmed.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) {
                requirements.append(.exists(trimmed))
            } else {
                throw .badRequest("unable to parse requirement: \(trimmed)")
            }
        }
        self.requirements = requirements
    }

    /// Splits on commas outside parentheses.
    private static func splitClauses(_ text: String) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                clauses.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        clauses.append(current)
        return clauses
    }

    func matches(_ object: JSONValue) -> Bool {
        let labels = object.labels
        return requirements.allSatisfy { $0.matches(labels) }
    }
}

/// A parsed `fieldSelector` query on `metadata.name` / `metadata.namespace` (and, for
/// Secrets, `type`), with `=`, `==` and `!=`.
struct FieldSelector: Sendable {
    let requirements: [(path: [String], value: String, negated: Bool)]

    init(_ text: String) throws(APIError) {
        var requirements: [(path: [String], value: String, negated: Bool)] = []
        for clause in text.split(separator: ",") {
            let trimmed = String(clause).trimmingSpaces
            let negated = trimmed.contains("!=")
            let separator = negated ? "!=" : (trimmed.contains("==") ? "==" : "=")
            guard let range = trimmed.range(of: separator) else {
                throw .badRequest("invalid selector: '\(trimmed)'; can't understand '\(trimmed)'")
            }
            let field = String(trimmed[..<range.lowerBound]).trimmingSpaces
            let value = String(trimmed[range.upperBound...]).trimmingSpaces
            guard Self.supported(field) else {
                throw .badRequest("field label not supported: \(field)")
            }
            requirements.append((field.split(separator: ".").map(String.init), value, negated))
        }
        self.requirements = requirements
    }

    /// The fields a selector may name: metadata, a Secret's `type`, a Gateway's class, and
    /// what `kubectl describe` asks of Events (`involvedObject.*`, `regarding.*`, `reason`,
    /// `reportingComponent`, `reportingController`).
    static func supported(_ field: String) -> Bool {
        if ["metadata.name", "metadata.namespace", "type", "spec.gatewayClassName", "reason", "reportingComponent",
            "reportingController"].contains(field) { return true }
        let eventReferenceFields = ["apiVersion", "kind", "name", "namespace", "uid", "resourceVersion", "fieldPath"]
        for prefix in ["involvedObject.", "regarding."] where field.hasPrefix(prefix) {
            return eventReferenceFields.contains(String(field.dropFirst(prefix.count)))
        }
        return false
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = object[path: requirement.path]?.stringValue ?? ""
            return (actual == requirement.value) != requirement.negated
        }
    }
}

/// The predicate of a request's `labelSelector` and `fieldSelector`, nil when it has neither.
func selectorPredicate(_ query: [String: String]) throws(APIError) -> (@Sendable (JSONValue) -> Bool)? {
    let labels = try query["labelSelector"].map { (text: String) throws(APIError) in try LabelSelector(text) }
    let fields = try query["fieldSelector"].map { (text: String) throws(APIError) in try FieldSelector(text) }
    if labels == nil && fields == nil { return nil }
    return { @Sendable (object: JSONValue) -> Bool in
        (labels?.matches(object) ?? true) && (fields?.matches(object) ?? true)
    }
}

extension String {
    /// The string without leading and trailing spaces.
    var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
