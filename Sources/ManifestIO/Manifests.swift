import GatewayModel
import Yams

/// A manifest that could not be read, with where and why.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, including the parser's position.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Reads and writes manifests: JSON or (multi-document) YAML in, JSON values out, and YAML
/// back for people.
public enum Manifests {
    /// The most values that aliases may add to a YAML stream once expanded (the "billion
    /// laughs" defence: go-yaml, which Kubernetes uses, refuses "excessive aliasing" too).
    public static let maximumAliasExpansion = 10_000

    /// Parses a JSON document or a stream of YAML documents into objects. Empty YAML documents
    /// are skipped; a `kind: List` (or any `...List` with `items`) is expanded into its items.
    public static func decode(_ text: String) throws(ManifestError) -> [JSONValue] {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        var documents: [JSONValue] = []
        if trimmed.first == "{" || trimmed.first == "[" {
            do {
                documents = [try JSONParser.parse(text)]
            } catch {
                throw ManifestError("invalid JSON: \(error)")
            }
        } else {
            documents = try decodeYAMLDocuments(text)
        }
        return documents.flatMap(expandLists)
    }

    /// Parses one document (JSON or YAML) and fails unless there is exactly one.
    public static func decodeSingle(_ text: String) throws(ManifestError) -> JSONValue {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        if trimmed.first == "{" || trimmed.first == "[" {
            do {
                return try JSONParser.parse(text)
            } catch {
                throw ManifestError("invalid JSON: \(error)")
            }
        }
        let documents = try decodeYAMLDocuments(text)
        guard documents.count == 1, let document = documents.first else {
            throw ManifestError("expected exactly one YAML document, found \(documents.count)")
        }
        return document
    }

    private static func decodeYAMLDocuments(_ text: String) throws(ManifestError) -> [JSONValue] {
        // Limits first: composing and converting an alias bomb is what must not happen.
        try YAMLLimits.check(text)
        do {
            var documents: [JSONValue] = []
            var sequence = try compose_all(yaml: text)
            while let node = sequence.next() {
                let value = try jsonValue(from: node)
                if !value.isNull { documents.append(value) }
            }
            if let error = sequence.error { throw error }
            return documents
        } catch let error as ManifestError {
            throw error
        } catch let error as YamlError {
            throw ManifestError("invalid YAML: \(describe(error))")
        } catch {
            throw ManifestError("invalid YAML: \(error)")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .reader(let problem, let offset, _, _):
            return "\(problem) at byte \(offset ?? 0)"
        default:
            return "\(error)"
        }
    }

    private static func expandLists(_ value: JSONValue) -> [JSONValue] {
        if let kind = value["kind"]?.stringValue, kind.hasSuffix("List"), let items = value["items"]?.arrayValue {
            return items
        }
        return [value]
    }

    /// Converts a YAML node into JSON the way Kubernetes' YAML-to-JSON conversion does:
    /// plain scalars resolve to null/bool/int/float, everything else is a string.
    static func jsonValue(from node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, tag: node.tag.description)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                let name: String
                switch key {
                case .scalar(let scalar): name = scalar.string
                default: throw ManifestError("mapping keys must be scalars (line \(key.mark?.line ?? 0))")
                }
                if name == "<<" {
                    // Merge key: members of the merged mapping, overridden by explicit ones.
                    if case .object(let merged) = try jsonValue(from: value) {
                        for (mergedKey, mergedValue) in merged where members[mergedKey] == nil { members[mergedKey] = mergedValue }
                    }
                    continue
                }
                members[name] = try jsonValue(from: value)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(try sequence.map(jsonValue(from:)))
        case .alias:
            // Yams' composer resolves aliases into the nodes they name (their expansion is
            // bounded by `YAMLLimits`); an unresolved alias node is never handed out.
            throw ManifestError("unresolved YAML alias")
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, tag: String) -> JSONValue {
        let text = scalar.string
        switch Tag.Name(rawValue: tag) {
        case .null: return .null
        case .bool:
            return .bool(["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"].contains(text))
        case .int:
            let cleaned = text.replacingOccurrences(of: "_", with: "")
            if let value = Int64(cleaned) { return .integer(value) }
            if cleaned.hasPrefix("0x"), let value = Int64(cleaned.dropFirst(2), radix: 16) { return .integer(value) }
            if cleaned.hasPrefix("0o"), let value = Int64(cleaned.dropFirst(2), radix: 8) { return .integer(value) }
            return .string(text)
        case .float:
            let lowered = text.lowercased()
            if lowered == ".nan" { return .string(text) }
            if let value = Double(text) { return .number(value) }
            return .string(text)
        default:
            return .string(text)
        }
    }

    /// YAML text for people (`-o yaml`): keys sorted, strings quoted where YAML would read them
    /// as something else.
    public static func yaml(_ value: JSONValue) -> String {
        do {
            return try serialize(node: node(from: value), indent: 2, width: -1, sortKeys: true)
        } catch {
            return JSONSerializer.prettyString(value) + "\n"
        }
    }

    /// Several objects as one YAML stream, separated by `---`.
    public static func yamlStream(_ values: [JSONValue]) -> String {
        values.map(yaml).joined(separator: "---\n")
    }

    private static func node(from value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .integer(let integer): return Node(String(integer), Tag(.int))
        case .number(let number): return Node(JSONSerializer.string(.number(number)), Tag(.float))
        case .string(let string):
            if string.contains("\n") { return Node(string, Tag(.str), .literal) }
            // A plain scalar that YAML would read as null/bool/number must be quoted.
            let readsAs = Resolver.default.resolveTag(of: Node(string))
            return Node(string, Tag(.str), readsAs == .str ? .any : .doubleQuoted)
        case .array(let elements): return Node(elements.map(node(from:)))
        case .object(let members):
            return Node(members.keys.sorted().map { (Node($0, Tag(.str)), node(from: members[$0] ?? .null)) })
        }
    }
}
