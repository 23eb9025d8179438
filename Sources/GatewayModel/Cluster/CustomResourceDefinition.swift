/// `apiextensions.k8s.io/v1` `CustomResourceDefinition`. Stored and checked as the API server
/// checks the fields below; the kinds Gatehouse serves are built in, so a definition of one of
/// them changes nothing, and a definition of another kind is stored without serving it.
public struct CustomResourceDefinition: ValidatedResource, Hashable {
    /// `apiextensions.k8s.io/v1`.
    public var apiVersion: String?
    /// `CustomResourceDefinition`.
    public var kind: String?
    /// Object metadata; the name is `<plural>.<group>`.
    public var metadata: ObjectMeta?
    /// The definition.
    public var spec: Spec?
    /// Conditions and accepted names, carried as given.
    public var status: JSONValue?

    /// `CustomResourceDefinitionSpec`.
    public struct Spec: Codable, Sendable, Hashable {
        /// The API group.
        public var group: String?
        /// The kind's names.
        public var names: Names?
        /// `Namespaced` or `Cluster`.
        public var scope: String?
        /// The versions (exactly one stored).
        public var versions: [Version]?
        /// Conversion settings, carried as given.
        public var conversion: JSONValue?
        /// Whether unknown fields are kept (v1beta1 leftover), carried as given.
        public var preserveUnknownFields: Bool?
    }

    /// `CustomResourceDefinitionNames`.
    public struct Names: Codable, Sendable, Hashable {
        /// Lower-case plural (the URL segment).
        public var plural: String?
        /// Lower-case singular.
        public var singular: String?
        /// CamelCase kind.
        public var kind: String?
        /// The list kind.
        public var listKind: String?
        /// Short names.
        public var shortNames: [String]?
        /// Categories (`all`, ...).
        public var categories: [String]?
    }

    /// `CustomResourceDefinitionVersion`.
    public struct Version: Codable, Sendable, Hashable {
        /// The version name (`v1alpha1`).
        public var name: String?
        /// Whether it is served.
        public var served: Bool?
        /// Whether objects are stored in it.
        public var storage: Bool?
        /// The structural schema (`openAPIV3Schema`), carried as given.
        public var schema: JSONValue?
        /// Subresources (`status`, `scale`), carried as given.
        public var subresources: JSONValue?
        /// kubectl columns, carried as given.
        public var additionalPrinterColumns: [JSONValue]?
        /// Whether the version is deprecated.
        public var deprecated: Bool?
        /// The deprecation warning.
        public var deprecationWarning: String?
        /// Selectable fields, carried as given.
        public var selectableFields: [JSONValue]?
    }

    /// Checks as `ValidateCustomResourceDefinition` does for these fields: the name is
    /// `<plural>.<group>`, a known scope, a kind and a lower-case plural, versions with exactly
    /// one storage version and distinct names; group, names and scope cannot change.
    public func validate(old: CustomResourceDefinition?) -> [FieldCause] {
        var causes: [FieldCause] = []
        let group = spec?.group ?? "", plural = spec?.names?.plural ?? ""
        if group.isEmpty { causes.append(.required("spec.group")) }
        if plural.isEmpty {
            causes.append(.required("spec.names.plural"))
        } else if plural != plural.lowercased() {
            causes.append(.invalid("spec.names.plural", value: .string(plural), "must be lowercase"))
        }
        if spec?.names?.kind?.isEmpty ?? true { causes.append(.required("spec.names.kind")) }
        if !group.isEmpty, !plural.isEmpty, let name = metadata?.name, name != "\(plural).\(group)" {
            causes.append(.invalid("metadata.name", value: .string(name), "must be spec.names.plural+\".\"+spec.group"))
        }
        if !["Namespaced", "Cluster"].contains(spec?.scope ?? "") {
            causes.append(.notSupported("spec.scope", value: spec?.scope.map { .string($0) }, supported: ["Cluster", "Namespaced"]))
        }
        let versions = spec?.versions ?? []
        if versions.isEmpty {
            causes.append(.required("spec.versions", "must have exactly one version marked as storage version"))
        } else if versions.filter({ $0.storage == true }).count != 1 {
            causes.append(.invalid("spec.versions", value: nil, "must have exactly one version marked as storage version"))
        }
        var seen: Set<String> = []
        for (index, version) in versions.enumerated() {
            guard let name = version.name, !name.isEmpty else {
                causes.append(.required("spec.versions[\(index)].name"))
                continue
            }
            if !seen.insert(name).inserted { causes.append(.duplicate("spec.versions[\(index)].name", value: .string(name))) }
        }
        if let old {
            if old.spec?.group != spec?.group { causes.append(.invalid("spec.group", value: .string(group), "field is immutable")) }
            if old.spec?.scope != spec?.scope {
                causes.append(.invalid("spec.scope", value: spec?.scope.map { .string($0) }, "field is immutable"))
            }
            if old.spec?.names?.plural != spec?.names?.plural {
                causes.append(.invalid("spec.names.plural", value: .string(plural), "field is immutable"))
            }
        }
        return causes
    }
}
