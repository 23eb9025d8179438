import Foundation
import GatewayModel
import ManifestIO

extension KubernetesConfiguration {
    /// Reads a kubeconfig file and resolves `context` (default: its `current-context`).
    /// Relative file paths in it are relative to the file's directory, as kubectl reads them.
    public static func kubeconfig(path: String, context: String? = nil) throws(KubernetesError) -> KubernetesConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .configuration("cannot read kubeconfig \(path)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try kubeconfig(text: text, directory: directory, context: context)
    }

    /// Resolves `context` (default: `current-context`) of a kubeconfig document.
    public static func kubeconfig(text: String, directory: String, context requested: String? = nil) throws(KubernetesError) -> KubernetesConfiguration {
        let document: JSONValue
        do throws(ManifestError) {
            document = try Manifests.decodeSingle(text)
        } catch {
            throw .configuration("kubeconfig is not valid YAML: \(error.message)")
        }
        guard let contextName = requested ?? document["current-context"]?.stringValue, !contextName.isEmpty else {
            throw .configuration("kubeconfig has no current-context and no context was given")
        }
        let context = try entry(named: contextName, in: document, list: "contexts", field: "context")
        guard let clusterName = context["cluster"]?.stringValue else {
            throw .configuration("kubeconfig context \"\(contextName)\" names no cluster")
        }
        let cluster = try entry(named: clusterName, in: document, list: "clusters", field: "cluster")
        guard let server = cluster["server"]?.stringValue, !server.isEmpty else {
            throw .configuration("kubeconfig cluster \"\(clusterName)\" has no server")
        }
        var configuration = KubernetesConfiguration(server: server)
        configuration.namespace = context["namespace"]?.stringValue ?? "default"
        configuration.insecureSkipTLSVerify = cluster["insecure-skip-tls-verify"]?.boolValue ?? false
        if cluster["tls-server-name"]?.stringValue != nil {
            throw .configuration("kubeconfig cluster \"\(clusterName)\" sets tls-server-name, which Gatehouse does not support yet; use a server URL whose host the certificate names")
        }
        configuration.certificateAuthorityPEM = try material(
            cluster, data: "certificate-authority-data", file: "certificate-authority", directory: directory, owner: "cluster \"\(clusterName)\"")
        if let userName = context["user"]?.stringValue, !userName.isEmpty {
            let user = try entry(named: userName, in: document, list: "users", field: "user")
            try configuration.applyUser(user, name: userName, directory: directory)
        }
        return configuration
    }

    private mutating func applyUser(_ user: JSONValue, name: String, directory: String) throws(KubernetesError) {
        if user["exec"] != nil {
            throw .configuration("kubeconfig user \"\(name)\" uses an exec credential plugin, which Gatehouse does not run; give the user a token, tokenFile or client certificate instead")
        }
        if user["auth-provider"] != nil {
            throw .configuration("kubeconfig user \"\(name)\" uses an auth-provider, which Gatehouse does not support; give the user a token, tokenFile or client certificate instead")
        }
        let owner = "user \"\(name)\""
        clientCertificatePEM = try Self.material(user, data: "client-certificate-data", file: "client-certificate", directory: directory, owner: owner)
        clientKeyPEM = try Self.material(user, data: "client-key-data", file: "client-key", directory: directory, owner: owner)
        if (clientCertificatePEM == nil) != (clientKeyPEM == nil) {
            throw .configuration("kubeconfig \(owner) has a client certificate without its key, or a key without its certificate")
        }
        if let token = user["token"]?.stringValue, !token.isEmpty {
            bearerToken = BearerTokenSource(token: token)
        } else if let file = user["tokenFile"]?.stringValue, !file.isEmpty {
            bearerToken = BearerTokenSource(file: Self.resolve(file, directory: directory))
        }
    }

    /// The `field` of the entry named `name` in the list `list` (`contexts`, `clusters`, `users`).
    private static func entry(named name: String, in document: JSONValue, list: String, field: String) throws(KubernetesError) -> JSONValue {
        let entries = document[list]?.arrayValue ?? []
        guard let found = entries.first(where: { $0["name"]?.stringValue == name }) else {
            throw .configuration("kubeconfig has no \(field) named \"\(name)\" in \(list)")
        }
        return found[field] ?? .emptyObject
    }

    /// Inline base64 `data` or the file `file` (relative to `directory`); nil when neither is set.
    private static func material(_ entry: JSONValue, data: String, file: String, directory: String, owner: String) throws(KubernetesError) -> [UInt8]? {
        if let encoded = entry[data]?.stringValue, !encoded.isEmpty {
            guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw .configuration("kubeconfig \(owner): \(data) is not valid base64")
            }
            return Array(decoded)
        }
        guard let path = entry[file]?.stringValue, !path.isEmpty else { return nil }
        let resolved = resolve(path, directory: directory)
        guard let contents = FileManager.default.contents(atPath: resolved) else {
            throw .configuration("kubeconfig \(owner): cannot read \(file) \(resolved)")
        }
        return Array(contents)
    }

    private static func resolve(_ path: String, directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }
}
