import GatewayModel
import ResourceStore

/// The options of a write, from the query string, checked as the Kubernetes API server checks
/// them before doing anything: a dry run is `dryRun=All` and nothing else (`dryRun=true`,
/// `all` or any other value is refused, never taken as a real write), and `fieldValidation`
/// is one of `Strict`, `Warn` (the default) or `Ignore`. An unsupported value is `422 Invalid`
/// (`CreateOptions`/`UpdateOptions`/`PatchOptions`, group `meta.k8s.io`, a cause naming the
/// field), as the API server's `ValidateCreateOptions` and friends answer.
struct WriteOptions: Sendable, Equatable {
    /// How unknown and duplicate fields are treated.
    enum FieldValidation: String, Sendable, Equatable {
        case strict = "Strict"
        case warn = "Warn"
        case ignore = "Ignore"
    }

    /// Check and answer, store nothing.
    var dryRun = false
    /// How unknown and duplicate fields are treated.
    var fieldValidation = FieldValidation.warn

    /// The options of `request`, or a 422 naming every unsupported one.
    static func parse(_ request: APIRequest) throws(APIError) -> WriteOptions {
        let optionsKind = ["POST": "CreateOptions", "PUT": "UpdateOptions", "PATCH": "PatchOptions"][request.method] ?? "CreateOptions"
        var options = WriteOptions()
        var causes: [FieldCause] = []
        if let dryRun = dryRun(request.query["dryRun"].map { [$0] } ?? [], problems: &causes) { options.dryRun = dryRun }
        if let value = request.query["fieldValidation"], !value.isEmpty {
            if let parsed = FieldValidation(rawValue: value) {
                options.fieldValidation = parsed
            } else {
                causes.append(FieldCause(.notSupported, field: "fieldValidation",
                                         message: "Unsupported value: \"\(value)\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""))
            }
        }
        if !causes.isEmpty { throw .invalidOptions(optionsKind, causes: causes) }
        return options
    }

    /// Whether `values` ask for a dry run (every value must be `All`); nil, with a cause added
    /// to `problems`, when one is something else.
    static func dryRun(_ values: [String], problems: inout [FieldCause]) -> Bool? {
        let given = values.filter { !$0.isEmpty }
        guard given.allSatisfy({ $0 == "All" }) else {
            let listed = given.map { "\"\($0)\"" }.joined(separator: ", ")
            problems.append(FieldCause(.notSupported, field: "dryRun", message: "Unsupported value: []string{\(listed)}: supported values: \"All\""))
            return nil
        }
        return !given.isEmpty
    }
}

/// `DeleteOptions`, from the body (as kubectl sends them) and the query. Either asking for a
/// dry run makes it one: a delete is never real when any part of the request says otherwise.
struct DeleteOptions: Sendable, Equatable {
    /// Check and answer, delete nothing.
    var dryRun = false
    /// The object's uid and resourceVersion must match these (409 Conflict otherwise).
    var preconditions = DeletePreconditions()
    /// `Orphan`, `Background` or `Foreground` (accepted; there are no dependents to collect).
    var propagationPolicy: String?
    /// Accepted; deletion is immediate (objects with finalizers wait for them).
    var gracePeriodSeconds: Int64?

    /// The propagation policies Kubernetes knows.
    static let propagationPolicies = ["Background", "Foreground", "Orphan"]

    /// The options of a DELETE: a 400 for what cannot be decoded (a query or body value of the
    /// wrong type), a 422 `DeleteOptions` naming every unsupported value (`dryRun`,
    /// `propagationPolicy`), as the Kubernetes API server answers.
    static func parse(_ request: APIRequest) throws(APIError) -> DeleteOptions {
        var options = DeleteOptions()
        var causes: [FieldCause] = []
        options.dryRun = WriteOptions.dryRun(request.query["dryRun"].map { [$0] } ?? [], problems: &causes) ?? false
        if let policy = request.query["propagationPolicy"], !policy.isEmpty {
            options.propagationPolicy = propagationPolicy(.string(policy), problems: &causes)
        }
        if let grace = request.query["gracePeriodSeconds"], !grace.isEmpty {
            guard let seconds = Int64(grace) else {
                throw .badRequest("gracePeriodSeconds: Invalid value: \"\(grace)\": must be an integer")
            }
            options.gracePeriodSeconds = seconds
        }
        guard !request.body.isEmpty else {
            if !causes.isEmpty { throw .invalidOptions("DeleteOptions", causes: causes) }
            return options
        }
        let body: JSONValue
        do {
            body = try JSONParser.parse(request.body)
        } catch {
            throw .badRequest("invalid DeleteOptions in the request body: \(error)")
        }
        guard case .object = body else { throw .badRequest("the DeleteOptions body must be a JSON object, got \(body.typeName)") }
        if let kind = body["kind"]?.stringValue, kind != "DeleteOptions" {
            throw .badRequest("the request body must be DeleteOptions, got kind \"\(kind)\"")
        }
        if let dryRun = body["dryRun"], !dryRun.isNull {
            guard let values = dryRun.arrayValue, values.allSatisfy({ $0.stringValue != nil }) else {
                throw .badRequest("dryRun: Invalid value: must be a list of strings")
            }
            options.dryRun = (WriteOptions.dryRun(values.compactMap(\.stringValue), problems: &causes) ?? false) || options.dryRun
        }
        if let policy = body["propagationPolicy"], !policy.isNull {
            guard policy.stringValue != nil else { throw .badRequest("propagationPolicy: Invalid value: must be a string") }
            options.propagationPolicy = propagationPolicy(policy, problems: &causes)
        }
        if let grace = body["gracePeriodSeconds"], !grace.isNull {
            guard case .integer(let seconds) = grace else {
                throw .badRequest("gracePeriodSeconds: Invalid value: must be an integer")
            }
            options.gracePeriodSeconds = seconds
        }
        if let preconditions = body["preconditions"], !preconditions.isNull {
            guard case .object = preconditions else { throw .badRequest("preconditions: Invalid value: must be an object") }
            options.preconditions.uid = try optionalString(preconditions["uid"], "preconditions.uid")
            options.preconditions.resourceVersion = try optionalString(preconditions["resourceVersion"], "preconditions.resourceVersion")
        }
        if !causes.isEmpty { throw .invalidOptions("DeleteOptions", causes: causes) }
        return options
    }

    /// The policy, when Kubernetes knows it; nil with a cause added to `problems` otherwise.
    private static func propagationPolicy(_ value: JSONValue, problems: inout [FieldCause]) -> String? {
        guard let policy = value.stringValue, propagationPolicies.contains(policy) else {
            problems.append(FieldCause(.notSupported, field: "propagationPolicy", message: "Unsupported value: \(JSONSerializer.string(value)): supported values: "
                                       + (["Foreground", "Background", "Orphan", "nil"]).map { "\"\($0)\"" }.joined(separator: ", ")))
            return nil
        }
        return policy
    }

    private static func optionalString(_ value: JSONValue?, _ field: String) throws(APIError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .badRequest("\(field): Invalid value: must be a string") }
        return text
    }
}
