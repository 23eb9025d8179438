import GatewayModel

/// Keeps the data of generated mesh secrets (`MeshSecret.isProtected`) out of every answer of
/// the write paths, beyond the redaction every answer gets (`ResourceHandler.present`):
///
/// - a write that would put one of the secret's data values into another field (a JSON patch
///   `copy` or `move` from `/data/...` into an annotation, a label, `stringData`...) is refused
///   with 422 before it is validated or stored, dry run or not — validation messages quote
///   field values, and the answer to a dry run shows the would-be object;
/// - every error message of a write to a protected object has the secret's data values
///   replaced by `[redacted]`, whatever produced it.
///
/// (JSON patch `test` failures name no values at all; see `JSONPatch`.)
struct SecretProtection: Sendable {
    /// Where generated mesh secrets live.
    let systemNamespace: String

    /// Values shorter than this are never looked for: no generated value is that short, and a
    /// short string would turn up in unrelated fields.
    static let shortestSecretValue = 8

    /// The data values of `stored` when it is protected, else none.
    func secretValues(of stored: JSONValue) -> [String] {
        guard MeshSecret.isProtected(stored, systemNamespace: systemNamespace) else { return [] }
        let values = (stored["data"]?.objectValue ?? [:]).values.compactMap(\.stringValue)
        return values.filter { $0.count >= Self.shortestSecretValue && $0 != MeshSecret.redactedValue }
    }

    /// Refuses `candidate` when a field other than `data` holds one of `values`.
    func refuseCopies(into candidate: JSONValue, of values: [String], kind: ResourceKind, name: String) throws(APIError) {
        guard !values.isEmpty else { return }
        var outsideData = candidate
        outsideData["data"] = nil
        if let field = Self.firstField(in: outsideData, holdingAnyOf: values, at: FieldPath()) {
            throw .invalid(kind: kind, name: name, causes: [
                .forbidden(field, "may not hold the data of a generated mesh secret: that data is never readable through the API"),
            ])
        }
    }

    /// `error` with each of `values` replaced in its message and causes.
    func scrub(_ error: APIError, of values: [String]) -> APIError {
        guard !values.isEmpty else { return error }
        func clean(_ text: String) -> String {
            values.reduce(text) { $0.replacingOccurrences(of: $1, with: SecretBytes.placeholder) }
        }
        var scrubbed = error
        scrubbed.message = clean(error.message)
        if let causes = error.details?["causes"]?.arrayValue {
            scrubbed.details?["causes"] = .array(causes.map { cause in
                var cleaned = cause
                if let message = cause["message"]?.stringValue { cleaned["message"] = .string(clean(message)) }
                return cleaned
            })
        }
        return scrubbed
    }

    /// The path of the first string (in key order) that contains one of `values`.
    private static func firstField(in value: JSONValue, holdingAnyOf values: [String], at path: FieldPath) -> String? {
        switch value {
        case .string(let text):
            return values.contains(where: { text.contains($0) }) ? path.description : nil
        case .array(let elements):
            for (position, element) in elements.enumerated() {
                if let found = firstField(in: element, holdingAnyOf: values, at: path.index(position)) { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = firstField(in: members[key] ?? .null, holdingAnyOf: values, at: path.child(key)) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
