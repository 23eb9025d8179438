import Foundation

/// Core v1 `Secret`: every field of the Kubernetes 1.3x schema. `data` values stay base64 text
/// as submitted, so the object round-trips exactly.
public struct Secret: ValidatedResource, Hashable {
    /// API group and version, as written in the manifest.
    public var apiVersion: String?
    /// Kind, as written in the manifest.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta?
    /// Base64-encoded values by key.
    public var data: [String: String]?
    /// Plain-text values merged into `data` on write.
    public var stringData: [String: String]?
    /// `Opaque` (default), `kubernetes.io/tls`, ...
    public var type: String?
    /// When true, the data can no longer change.
    public var immutable: Bool?

    /// `kubernetes.io/tls`: requires `tls.crt` and `tls.key`.
    public static let tlsType = "kubernetes.io/tls"
    /// Largest total size of a Secret's or ConfigMap's data (1 MiB).
    public static let maximumDataSize = 1024 * 1024

    /// Keys each well-known Secret type must carry.
    static let requiredKeysByType: [String: [String]] = [
        tlsType: ["tls.crt", "tls.key"],
        "kubernetes.io/dockercfg": [".dockercfg"],
        "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
        "kubernetes.io/ssh-auth": ["ssh-privatekey"],
    ]

    /// Checks the secret as `ValidateSecret` / `ValidateSecretUpdate` do.
    public func validate(old: Secret?) -> [FieldCause] {
        var causes: [FieldCause] = []
        var totalSize = 0
        for key in (data ?? [:]).keys.sorted() {
            let path = FieldPath("data").key(key).description
            causes += DataKeyValidation.keyCauses(key, path: path)
            guard let encoded = data?[key] else { continue }
            if let decoded = DataKeyValidation.decodeBase64(encoded) {
                totalSize += decoded.count
            } else {
                causes.append(.invalid(path, value: .string(key), "must be a valid base64 string (illegal base64 data)"))
            }
        }
        for key in (stringData ?? [:]).keys.sorted() {
            causes += DataKeyValidation.keyCauses(key, path: FieldPath("stringData").key(key).description)
            totalSize += stringData?[key]?.utf8.count ?? 0
        }
        if totalSize > Self.maximumDataSize { causes.append(.tooLong("data", limit: Self.maximumDataSize)) }
        let secretType = type ?? "Opaque"
        for requiredKey in Self.requiredKeysByType[secretType] ?? [] where data?[requiredKey] == nil && stringData?[requiredKey] == nil {
            causes.append(.required(FieldPath("data").key(requiredKey).description))
        }
        if secretType == "kubernetes.io/basic-auth", data?["username"] == nil, data?["password"] == nil,
            stringData?["username"] == nil, stringData?["password"] == nil
        {
            causes.append(.required(FieldPath("data").key("username").description))
        }
        if let old {
            if (old.type ?? "Opaque") != secretType {
                causes.append(.invalid("type", value: .string(secretType), "field is immutable"))
            }
            causes += DataKeyValidation.immutabilityCauses(
                wasImmutable: old.immutable, isImmutable: immutable,
                changedFields: [("data", old.effectiveData != effectiveData)])
        }
        return causes
    }

    /// The decoded content the secret holds once `stringData` is merged into `data` (what the
    /// API server stores); undecodable values are kept as their text so a change still shows.
    var effectiveData: [String: Data] {
        var merged: [String: Data] = [:]
        for (key, encoded) in data ?? [:] { merged[key] = DataKeyValidation.decodeBase64(encoded) ?? Data(encoded.utf8) }
        for (key, text) in stringData ?? [:] { merged[key] = Data(text.utf8) }
        return merged
    }

    /// `object` (a Secret manifest) with `stringData` merged into `data` as base64 and removed,
    /// as the API server does before storing a Secret. Other objects are returned unchanged.
    public static func mergingStringData(_ object: JSONValue) -> JSONValue {
        guard let stringData = object["stringData"]?.objectValue else { return object }
        var result = object
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            guard let text = value.stringValue else { continue }
            data[key] = .string(Data(text.utf8).base64EncodedString())
        }
        result["data"] = .object(data)
        if case .object(var members) = result {
            members.removeValue(forKey: "stringData")
            result = .object(members)
        }
        return result
    }
}

/// Core v1 `ConfigMap`: every field of the Kubernetes 1.3x schema.
public struct ConfigMap: ValidatedResource, Hashable {
    /// API group and version, as written in the manifest.
    public var apiVersion: String?
    /// Kind, as written in the manifest.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta?
    /// UTF-8 values by key.
    public var data: [String: String]?
    /// Base64-encoded binary values by key.
    public var binaryData: [String: String]?
    /// When true, the data can no longer change.
    public var immutable: Bool?

    /// Checks the config map as `ValidateConfigMap` / `ValidateConfigMapUpdate` do.
    public func validate(old: ConfigMap?) -> [FieldCause] {
        var causes: [FieldCause] = []
        var totalSize = 0
        for key in (data ?? [:]).keys.sorted() {
            causes += DataKeyValidation.keyCauses(key, path: FieldPath("data").key(key).description)
            totalSize += data?[key]?.utf8.count ?? 0
        }
        for key in (binaryData ?? [:]).keys.sorted() {
            let path = FieldPath("binaryData").key(key).description
            causes += DataKeyValidation.keyCauses(key, path: path)
            if data?[key] != nil { causes.append(.invalid(path, value: .string(key), "duplicate of key present in data")) }
            if let decoded = binaryData?[key].flatMap(DataKeyValidation.decodeBase64) {
                totalSize += decoded.count
            } else {
                causes.append(.invalid(path, value: .string(key), "must be a valid base64 string (illegal base64 data)"))
            }
        }
        if totalSize > Secret.maximumDataSize { causes.append(.tooLong("data", limit: Secret.maximumDataSize)) }
        if let old {
            causes += DataKeyValidation.immutabilityCauses(
                wasImmutable: old.immutable, isImmutable: immutable,
                changedFields: [("data", old.data != data), ("binaryData", old.binaryData != binaryData)])
        }
        return causes
    }
}

/// Rules shared by Secret and ConfigMap data.
enum DataKeyValidation {
    /// Problems with one data key, reported at `path` (`data[tls.crt]`) with the key as value.
    static func keyCauses(_ key: String, path: String) -> [FieldCause] {
        KubernetesFormats.configMapKey(key).map { FieldCause.invalid(path, value: .string(key), $0) }
    }

    /// Decodes standard base64 (padding required) as Go's `encoding/json` does for `[]byte`:
    /// line breaks are ignored, anything else invalid fails.
    static func decodeBase64(_ text: String) -> Data? {
        let compact = text.filter { $0 != "\n" && $0 != "\r" }
        return Data(base64Encoded: compact)
    }

    /// `immutable: true` forbids changing data and unsetting the flag.
    static func immutabilityCauses(wasImmutable: Bool?, isImmutable: Bool?, changedFields: [(String, Bool)]) -> [FieldCause] {
        guard wasImmutable == true else { return [] }
        var causes: [FieldCause] = []
        if isImmutable != true {
            causes.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
        }
        for (field, changed) in changedFields where changed {
            causes.append(.forbidden(field, "field is immutable when `immutable` is set"))
        }
        return causes
    }
}
