import Foundation
import GatewayModel

/// How the local runtime runs a pod's container: which executable, which arguments, which
/// environment, in which directory, or why it cannot.
///
/// The runtime runs only `gatehouse` images (any tag): their entrypoint is this very
/// executable. Anything else would mean running arbitrary local programs for whoever can
/// write a Deployment, so such containers wait with `ErrImageNeverPull`.
public struct ContainerLaunch: Sendable, Equatable {
    /// The executable.
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// Its environment (on top of the runtime's own).
    public var environment: [String: String]
    /// Its working directory inside the pod's root (`workingDir`, or the root).
    public var workingDirectory: String

    /// Why a container cannot run.
    public struct Refusal: Error, Sendable, Equatable {
        /// The waiting reason (`ErrImageNeverPull`, `CreateContainerError`,
        /// `CreateContainerConfigError`).
        public var reason: String
        /// What to tell the user.
        public var message: String

        /// Whether a later attempt may succeed: a Secret or ConfigMap the environment needs may
        /// appear; an image or command never changes in a pod.
        public var isRetryable: Bool { reason == "CreateContainerConfigError" }
    }

    /// Looks up an object the environment refers to: (kind, namespace, name).
    public typealias Lookup = (ResourceKind, String, String) -> JSONValue?

    /// The launch of `container` in `pod`: `gatehouse` resolves to `executable`; env values and
    /// `fieldRef`s (name, namespace, uid, pod IP, host IP, node name) are resolved, then
    /// `$(VAR)` references in the arguments are expanded (Kubernetes' rules: `$$` escapes an
    /// expansion, unknown variables stay as written). `root` is the pod's directory.
    public static func make(_ container: JSONValue, pod: JSONValue, executable: String, root: String,
                            podIP: String, nodeName: String, lookup: Lookup = { _, _, _ in nil }) throws(Refusal) -> ContainerLaunch {
        let image = container["image"]?.stringValue ?? ""
        let repository = String(image.split(separator: ":", maxSplits: 1).first ?? "")
        guard repository == "gatehouse" || repository.hasSuffix("/gatehouse") else {
            throw Refusal(reason: "ErrImageNeverPull",
                          message: "Container image \"\(image)\" is not present: the local runtime runs only gatehouse images")
        }
        let command = (container["command"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard command.isEmpty || command == ["gatehouse"] || command.first?.hasSuffix("/gatehouse") == true else {
            throw Refusal(reason: "CreateContainerError",
                          message: "command \(command) is not the gatehouse entrypoint: the local runtime runs only gatehouse")
        }
        var environment: [String: String] = [:]
        for variable in container["env"]?.arrayValue ?? [] {
            guard let name = variable["name"]?.stringValue else { continue }
            if let value = variable["value"]?.stringValue {
                environment[name] = expand(value, with: environment)
            } else if let path = variable[path: ["valueFrom", "fieldRef", "fieldPath"]]?.stringValue {
                environment[name] = fieldValue(path, pod: pod, podIP: podIP, nodeName: nodeName)
            } else if let reference = variable[path: ["valueFrom", "secretKeyRef"]] ?? variable[path: ["valueFrom", "configMapKeyRef"]] {
                let isSecret = variable[path: ["valueFrom", "secretKeyRef"]] != nil
                if let value = try keyValue(reference, isSecret: isSecret, namespace: pod.namespace ?? "", lookup: lookup) {
                    environment[name] = value
                }
            }
        }
        let arguments = Array(command.dropFirst()) + (container["args"]?.arrayValue ?? []).compactMap(\.stringValue).map { expand($0, with: environment) }
        let workingDir = container["workingDir"]?.stringValue ?? ""
        let directory = workingDir.isEmpty ? root : root + (workingDir.hasPrefix("/") ? workingDir : "/" + workingDir)
        return ContainerLaunch(executable: executable, arguments: arguments, environment: environment, workingDirectory: directory)
    }

    /// The value a `secretKeyRef` or `configMapKeyRef` names; nil for a missing optional one.
    static func keyValue(_ reference: JSONValue, isSecret: Bool, namespace: String, lookup: Lookup) throws(Refusal) -> String? {
        let name = reference["name"]?.stringValue ?? "", key = reference["key"]?.stringValue ?? ""
        let optional = reference["optional"]?.boolValue ?? false
        let kind = isSecret ? ResourceKinds.secret : ResourceKinds.configMap
        let what = isSecret ? "secret" : "configmap"
        guard let object = lookup(kind, namespace, name) else {
            if optional { return nil }
            throw Refusal(reason: "CreateContainerConfigError", message: "\(what) \"\(name)\" not found")
        }
        let value: String?
        if isSecret {
            value = (object[path: ["data", key]]?.stringValue).flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) }
                ?? object[path: ["stringData", key]]?.stringValue
        } else {
            value = object[path: ["data", key]]?.stringValue
        }
        if value == nil && !optional {
            throw Refusal(reason: "CreateContainerConfigError", message: "couldn't find key \(key) in \(what) \(namespace)/\(name)")
        }
        return value
    }

    /// A pod field by its `fieldPath`.
    static func fieldValue(_ path: String, pod: JSONValue, podIP: String, nodeName: String) -> String {
        switch path {
        case "metadata.name": return pod.name ?? ""
        case "metadata.namespace": return pod.namespace ?? ""
        case "metadata.uid": return pod[path: ["metadata", "uid"]]?.stringValue ?? ""
        case "status.podIP", "status.hostIP": return podIP
        case "spec.nodeName": return nodeName
        case "spec.serviceAccountName": return pod[path: ["spec", "serviceAccountName"]]?.stringValue ?? "default"
        default:
            if path.hasPrefix("metadata.labels['"), path.hasSuffix("']") {
                return pod.labels[String(path.dropFirst("metadata.labels['".count).dropLast(2))] ?? ""
            }
            return ""
        }
    }

    /// Kubernetes' `$(VAR)` expansion: defined variables are replaced, `$$(VAR)` gives
    /// `$(VAR)` literally, anything else is kept as written.
    static func expand(_ text: String, with environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("$") {
                result += "$"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")") {
                let name = String(after[after.index(after: after.startIndex)..<close])
                result += environment[name] ?? "$(\(name))"
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }
}
