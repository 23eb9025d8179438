import GatewayModel
import ManifestIO
import TestCertificates

/// Golden inputs made of Kubernetes objects (the stage-1 and whole-pipeline cases).
public enum GoldenSnapshot {
    /// A failure to load a case.
    public struct LoadError: Error, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// The snapshot and options a case describes. A first document of `kind: TestOptions` may
    /// set `addressPool` (CIDR), `controllerName`, `defaultMesh`, `systemNamespace`, `maxReplicas`,
    /// `dataplanes` (list of `{gateway, running, acceptedVersion, rejectedVersion,
    /// rejectionMessage, readyPorts, downReplicas}`) and `certificates` (key pairs made for this run, which
    /// `{{certificate NAME}}` / `{{private-key NAME}}` placeholders stand for; see
    /// `CertificateFixtures`: no key material is ever stored in Testdata).
    public static func load(_ text: String) throws -> (ResourceSnapshot, TranslationOptions, CertificateFixtures) {
        var documents = try Manifests.decode(text)
        var options = TranslationOptions()
        var dataplanes: [String: DataplaneState] = [:]
        var fixtures = CertificateFixtures()
        if let first = documents.first, first["kind"]?.stringValue == "TestOptions" {
            documents.removeFirst()
            fixtures = try CertificateFixtures(specification: first["certificates"])
            documents = try documents.map(fixtures.substituting)
            if let cidr = first["addressPool"]?.stringValue { options.addressPool = try AddressPool(cidr: cidr) }
            if let name = first["controllerName"]?.stringValue { options.controllerName = name }
            if let mesh = first["defaultMesh"]?.stringValue { options.defaultMesh = mesh }
            if let namespace = first["systemNamespace"]?.stringValue { options.systemNamespace = namespace }
            if let limit = first["maxReplicas"]?.integerValue { options.maxReplicas = Int(limit) }
            for entry in first["dataplanes"]?.arrayValue ?? [] {
                guard let gateway = entry["gateway"]?.stringValue else { throw LoadError(description: "dataplane without gateway") }
                dataplanes[gateway] = DataplaneState(
                    gateway: gateway, running: entry["running"]?.boolValue ?? false,
                    acceptedVersion: entry["acceptedVersion"]?.stringValue, rejectedVersion: entry["rejectedVersion"]?.stringValue,
                    rejectionMessage: entry["rejectionMessage"]?.stringValue,
                    readyPorts: (entry["readyPorts"]?.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) },
                    downReplicas: (entry["downReplicas"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0.integerValue.map { String($0) } })
            }
        }
        let objects = try documents.map { document in
            guard let apiVersion = document["apiVersion"]?.stringValue, let kindName = document["kind"]?.stringValue,
                  let kind = ResourceKinds.lookup(apiVersion: apiVersion, kind: kindName), let name = document.name else {
                throw LoadError(description: "not a known object: \(JSONSerializer.prettyString(document))")
            }
            return (key: ObjectKey(kind: kind, namespace: document.namespace, name: name), object: document)
        }
        let snapshot = ResourceSnapshot(objects: objects, dataplanes: dataplanes)
        guard snapshot.undecodable.isEmpty else {
            throw LoadError(description: "undecodable objects: \(snapshot.undecodable.map(\.description))")
        }
        return (snapshot, options, fixtures)
    }

}
