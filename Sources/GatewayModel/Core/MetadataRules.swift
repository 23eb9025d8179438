/// How an object's `metadata.name` is checked, per kind (the API server's `ValidateNameFunc`).
public enum NameFormat: Sendable, Hashable {
    /// RFC 1123 label, at most 63 characters (Namespace).
    case dns1123Label
    /// RFC 1035 label, at most 63 characters (Service).
    case dns1035Label
    /// RFC 1123 subdomain, at most 253 characters (everything else).
    case dns1123Subdomain

    /// The format the API server requires for names of `kind`.
    public static func forKind(_ kind: ResourceKind) -> NameFormat {
        switch (kind.group, kind.kind) {
        case ("", "Namespace"): return .dns1123Label
        case ("", "Service"): return .dns1035Label
        default: return .dns1123Subdomain
        }
    }

    /// Problems with `name`; a `generateName` prefix is checked with its trailing dash masked.
    public func problems(_ name: String, isPrefix: Bool = false) -> [String] {
        var checked = name
        if isPrefix, checked.hasSuffix("-") { checked = String(checked.dropLast()) + "a" }
        switch self {
        case .dns1123Label: return KubernetesFormats.dns1123Label(checked)
        case .dns1035Label: return KubernetesFormats.dns1035Label(checked)
        case .dns1123Subdomain: return KubernetesFormats.dns1123Subdomain(checked)
        }
    }
}

/// Label and annotation rules (`ValidateLabels`, `ValidateAnnotations`): causes are reported
/// at the map's path with the offending key or value as the value, as the API server does.
public enum LabelValidation {
    /// Largest total size of all annotation keys and values.
    public static let totalAnnotationSizeLimit = 262_144

    /// Problems with a label map at `path` (`metadata.labels`).
    public static func labelCauses(_ labels: [String: String], path: String) -> [FieldCause] {
        var causes: [FieldCause] = []
        for key in labels.keys.sorted() {
            causes += KubernetesFormats.qualifiedName(key).map { .invalid(path, value: .string(key), $0) }
            let value = labels[key] ?? ""
            causes += KubernetesFormats.labelValue(value).map { .invalid(path, value: .string(value), $0) }
        }
        return causes
    }

    /// Problems with an annotation map at `path` (`metadata.annotations`).
    public static func annotationCauses(_ annotations: [String: String], path: String) -> [FieldCause] {
        var causes: [FieldCause] = []
        var totalSize = 0
        for key in annotations.keys.sorted() {
            causes += KubernetesFormats.qualifiedName(key.lowercased()).map { .invalid(path, value: .string(key), $0) }
            totalSize += key.utf8.count + (annotations[key]?.utf8.count ?? 0)
        }
        if totalSize > totalAnnotationSizeLimit { causes.append(.tooLong(path, limit: totalAnnotationSizeLimit)) }
        return causes
    }
}

/// The checks behind `MetadataValidation.validate` (`ValidateObjectMeta` of the API server).
enum MetadataRules {
    static func validate(_ object: JSONValue, kind: ResourceKind) -> [FieldCause] {
        guard let metadataValue = object["metadata"], !metadataValue.isNull else {
            return [.required("metadata.name", "name or generateName is required")]
        }
        guard case .object(let metadata) = metadataValue else {
            return [FieldCause(.typeInvalid, field: "metadata", message: "Invalid value: must be of type object")]
        }
        var causes: [FieldCause] = []
        let format = NameFormat.forKind(kind)
        let name = metadata["name"]?.stringValue ?? ""
        let generateName = metadata["generateName"]?.stringValue ?? ""
        if !generateName.isEmpty {
            causes += format.problems(generateName, isPrefix: true).map { .invalid("metadata.generateName", value: .string(generateName), $0) }
        }
        if name.isEmpty && generateName.isEmpty {
            causes.append(.required("metadata.name", "name or generateName is required"))
        } else if !name.isEmpty {
            causes += format.problems(name).map { .invalid("metadata.name", value: .string(name), $0) }
        }
        if kind.namespaced, let namespace = metadata["namespace"]?.stringValue, !namespace.isEmpty {
            causes += KubernetesFormats.dns1123Label(namespace).map { .invalid("metadata.namespace", value: .string(namespace), $0) }
        }
        if let labels = stringMap(metadata["labels"]) {
            causes += LabelValidation.labelCauses(labels, path: "metadata.labels")
        }
        if let annotations = stringMap(metadata["annotations"]) {
            causes += LabelValidation.annotationCauses(annotations, path: "metadata.annotations")
        }
        for finalizer in metadata["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            causes += KubernetesFormats.qualifiedName(finalizer).map { .invalid("metadata.finalizers", value: .string(finalizer), $0) }
        }
        causes += ownerReferenceCauses(metadata["ownerReferences"]?.arrayValue ?? [])
        return causes
    }

    /// The string members of a JSON object (non-strings are the typed decoder's business).
    private static func stringMap(_ value: JSONValue?) -> [String: String]? {
        value?.objectValue?.compactMapValues(\.stringValue)
    }

    private static func ownerReferenceCauses(_ references: [JSONValue]) -> [FieldCause] {
        var causes: [FieldCause] = []
        let path = "metadata.ownerReferences"
        var controllers = 0
        for reference in references {
            let apiVersion = reference["apiVersion"]?.stringValue ?? ""
            let version = splitAPIVersion(apiVersion).version
            if version.isEmpty { causes.append(.invalid("\(path).apiVersion", value: .string(version), "version must not be empty")) }
            for (field, detail) in [("kind", "kind must not be empty"), ("name", "name must not be empty"), ("uid", "uid must not be empty")] {
                let value = reference[field]?.stringValue ?? ""
                if value.isEmpty { causes.append(.invalid("\(path).\(field)", value: .string(value), detail)) }
            }
            if reference["controller"]?.boolValue == true { controllers += 1 }
        }
        if controllers > 1 {
            causes.append(.invalid(path, value: .array(references), "Only one reference can have Controller set to true"))
        }
        return causes
    }
}
