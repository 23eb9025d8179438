import GatewayModel
import ManifestIO
import ResourceStore

/// Admission of written objects: the body parsed, checked against the URL, validated as the
/// Kubernetes API server and the CRDs would, and held to the object size limit.
extension ResourceHandler {
    /// Checks `body` against the URL, validates it and bounds its size. Returns the object to
    /// store and the warnings to send.
    func admit(
        _ body: JSONValue, options: WriteOptions, target: ResourceTarget, kind: ResourceKind, old: JSONValue?, status: Bool
    ) throws(APIError) -> (object: JSONValue, warnings: [String]) {
        var object = body
        guard case .object = object else { throw .badRequest("the body of the request must be a JSON object, got \(body.typeName)") }
        if let apiVersion = object["apiVersion"]?.stringValue, apiVersion != target.apiVersion {
            let (group, _) = splitAPIVersion(apiVersion)
            if group != kind.group || ResourceKinds.lookup(apiVersion: apiVersion, kind: kind.kind) == nil {
                throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(target.apiVersion))")
            }
        }
        if let bodyKind = object["kind"]?.stringValue, bodyKind != kind.kind {
            throw .badRequest("the kind in the data (\(bodyKind)) does not match the expected kind (\(kind.kind))")
        }
        if kind.namespaced {
            if let namespace = object.namespace, !namespace.isEmpty, namespace != target.namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            object[path: ["metadata", "namespace"]] = target.namespace.map { .string($0) }
        }
        object["apiVersion"] = .string(kind.apiVersion())
        object["kind"] = .string(kind.kind)
        let result = ObjectValidation.validate(object, kind: kind, old: old)
        var warnings: [String] = []
        if !result.unknownFields.isEmpty {
            switch options.fieldValidation {
            case .strict:
                let list = result.unknownFields.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                throw .badRequest("\(kind.kind) in version \"\(target.version)\" cannot be handled as a \(kind.kind): strict decoding error: \(list)")
            case .ignore:
                break
            case .warn:
                warnings = result.unknownFields.map { "unknown field \"\($0)\"" }
            }
        }
        let causes = status ? result.causes.filter { $0.field.hasPrefix("status") } : result.causes
        if !causes.isEmpty {
            throw .invalid(kind: kind, name: object.name ?? body.name ?? "", causes: causes)
        }
        try Self.checkSize(object)
        return (object, warnings)
    }

    /// Refuses an object larger than `ObjectLimits.maximumObjectBytes` with 413, as the
    /// Kubernetes API server refuses what etcd would not store. Request bodies are bounded at
    /// 3 MiB already; this bounds what patches and merges make of the stored object.
    static func checkSize(_ object: JSONValue) throws(APIError) {
        let size = JSONSerializer.data(object).count
        guard size > ObjectLimits.maximumObjectBytes else { return }
        throw .tooLarge("Request entity too large: the object would be \(size) bytes; limit is \(ObjectLimits.maximumObjectBytes)")
    }

    /// The request body as JSON (YAML when the content type says so); duplicate keys are
    /// refused in strict mode.
    func decodeBody(_ request: APIRequest, options: WriteOptions) throws(APIError) -> JSONValue {
        if request.body.isEmpty { throw .badRequest("the request body is empty") }
        if request.contentType.contains("yaml") {
            do {
                return try Manifests.decodeSingle(String(decoding: request.body, as: UTF8.self))
            } catch {
                throw .badRequest(error.message)
            }
        }
        let parsed: (value: JSONValue, duplicateKeys: [String])
        do {
            parsed = try JSONParser.parseReportingDuplicates(request.body)
        } catch {
            throw .badRequest("invalid JSON in the request body: \(error)")
        }
        if options.fieldValidation == .strict, !parsed.duplicateKeys.isEmpty {
            throw .badRequest("strict decoding error: " + parsed.duplicateKeys.map { "duplicate field \"\($0)\"" }.joined(separator: ", "))
        }
        return parsed.value
    }
}

extension APIError {
    /// The field causes of a 422, empty otherwise.
    var causes: [FieldCause] {
        (details?["causes"]?.arrayValue ?? []).map { cause in
            FieldCause(FieldCauseType(rawValue: cause["reason"]?.stringValue ?? "") ?? .invalid,
                       field: cause["field"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "")
        }
    }
}

extension StoreError {
    /// An API error raised inside a store transaction, carried out of it with its code (and
    /// its causes, for a 422) so that `ResourceHandler.rethrown` answers as the error said.
    init(carrying error: APIError) {
        let code: StoreError.Code
        switch error.code {
        case 400: code = .badRequest
        case 403: code = .forbidden
        case 404: code = .notFound
        case 409: code = error.reason == "AlreadyExists" ? .alreadyExists : .conflict
        case 410: code = .gone
        case 413: code = .tooLarge
        case 422: code = .invalid
        default: code = .internalError
        }
        self.init(code, error.message, causes: error.code == 422 ? error.causes : [])
    }
}
