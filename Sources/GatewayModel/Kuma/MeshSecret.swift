import Foundation

/// A Kuma mesh secret: bytes scoped to one mesh. Kuma on Kubernetes keeps it as a core Secret
/// of type `system.kuma.io/secret` in the system namespace, labelled `kuma.io/mesh`, its bytes
/// in `data.value` (Kubernetes names are unique per namespace, so the name alone identifies it).
///
/// Gatehouse generates one per TLS Secret that a served Gateway listener uses: the private key
/// followed by the certificate chain, as Kuma's gateway controller copies them. The value is a
/// `SecretBytes`, so it never prints; `storedObject()` is the one way the bytes are written out
/// (to the store), `redactedObject()` what every reader is shown.
public struct MeshSecret: Sendable, Hashable {
    /// Name in the system namespace (`gapi-<namespace>-<name>` for copies in the default mesh).
    public var name: String
    /// The system namespace.
    public var namespace: String
    /// The mesh it belongs to.
    public var mesh: String
    /// Provenance of a generated copy: `secret/<namespace>/<name>` of the Secret it copies.
    public var source: String
    /// The bytes (for a gateway certificate: PEM private key, then PEM certificate chain).
    public var value: SecretBytes

    /// Creates a mesh secret.
    public init(name: String, namespace: String, mesh: String, source: String, value: SecretBytes) {
        self.name = name
        self.namespace = namespace
        self.mesh = mesh
        self.source = source
        self.value = value
    }

    /// Reads a stored mesh secret (a Secret of type `system.kuma.io/secret`; mesh from the
    /// `kuma.io/mesh` label, `default` without one); nil for anything else.
    public init?(storedObject object: JSONValue) {
        guard object["type"]?.stringValue == Self.type, let name = object.name,
              let encoded = object[path: ["data", Self.valueKey]]?.stringValue,
              let bytes = Data(base64Encoded: encoded.filter { $0 != "\n" && $0 != "\r" }) else { return nil }
        self.init(name: name, namespace: object.namespace ?? "", mesh: object.labels[GeneratedLabels.mesh] ?? "default",
                  source: object[path: ["metadata", "annotations", GeneratedLabels.source]]?.stringValue ?? "",
                  value: SecretBytes(Array(bytes)))
    }

    /// The Secret `type` Kuma manages.
    public static let type = "system.kuma.io/secret"
    /// The data key of the bytes.
    public static let valueKey = "value"

    /// The stored form: the only place the bytes leave the redacting type (base64 in
    /// `data.value`). Only the store writer may call this.
    public func storedObject() -> JSONValue {
        object(value: .string(Data(value.revealed).base64EncodedString()))
    }

    /// The form every reader is shown: the stored form with `data.value` redacted.
    public func redactedObject() -> JSONValue {
        object(value: .string(Self.redactedValue))
    }

    private func object(value encoded: JSONValue) -> JSONValue {
        [
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": [
                "name": .string(name),
                "namespace": .string(namespace),
                "labels": .object([GeneratedLabels.managedBy: "gatehouse", GeneratedLabels.mesh: .string(mesh)]),
                "annotations": .object([GeneratedLabels.source: .string(source)]),
            ],
            "type": .string(Self.type),
            "data": .object([Self.valueKey: encoded]),
        ]
    }

    /// What a redacted data value reads: base64 of `[redacted]` (still valid base64, so typed
    /// clients decode it, and decoding it says what happened).
    public static let redactedValue = Data(SecretBytes.placeholder.utf8).base64EncodedString()

    /// The name prefix of every generated copy (`gapi-<namespace>-<name>[-<mesh>-<hash>]`).
    public static let generatedNamePrefix = "gapi-"

    /// True for a stored Secret that carries Gatehouse's generated-copy label: the objects the
    /// control plane owns, rewrites and deletes (see `MeshSecretWriter`). Ownership only: what
    /// is redacted is decided by `isProtected`, which no user edit can change.
    public static func isGenerated(_ object: JSONValue) -> Bool {
        object["kind"]?.stringValue == "Secret" && object["type"]?.stringValue == type
            && object.labels[GeneratedLabels.managedBy] != nil
    }

    /// True for a Secret whose data is never shown: a generated mesh secret, recognised by
    /// what users cannot edit — never by labels or annotations, which they can:
    /// - its kind, `Secret`, and its type, `system.kuma.io/secret` (immutable on Secrets);
    /// - its name, which starts with `gapi-` like every generated copy's (names are immutable);
    /// - its namespace, the system namespace (nil: any namespace, for readers that do not
    ///   know it, such as the CLI).
    /// A user's own Secret of Kuma's type with such a name in the system namespace is protected
    /// too: the rule errs on the side of never showing a key.
    public static func isProtected(_ object: JSONValue, systemNamespace: String?) -> Bool {
        guard object["kind"]?.stringValue == "Secret", object["type"]?.stringValue == type,
              object.name?.hasPrefix(generatedNamePrefix) == true else { return false }
        guard let systemNamespace else { return true }
        return object.namespace == systemNamespace
    }

    /// `object` with every data value redacted (and `stringData` dropped) when it is protected
    /// (`isProtected`); any other object unchanged. Applied on every read path (GET, LIST,
    /// watch, Table, and the answers to writes, dry runs included).
    public static func redacted(_ object: JSONValue, systemNamespace: String? = nil) -> JSONValue {
        guard isProtected(object, systemNamespace: systemNamespace) else { return object }
        var shown = object
        if let data = object["data"]?.objectValue {
            shown["data"] = .object(data.mapValues { _ in .string(redactedValue) })
        }
        shown["stringData"] = nil
        return shown
    }
}
