import Foundation

extension KubernetesConfiguration {
    /// Where a pod finds its service account's token, CA and namespace.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a process running in a pod: the API server at
    /// `KUBERNETES_SERVICE_HOST`:`KUBERNETES_SERVICE_PORT`, trusted through the service
    /// account's `ca.crt`, authenticated with its `token` (re-read as the kubelet rotates it),
    /// in the namespace of its `namespace` file. `directory` is injectable for tests; by default
    /// `$GATEHOUSE_SERVICE_ACCOUNT_DIR` (where standalone's local runtime projects a pod's
    /// files), else the standard path.
    public static func inCluster(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 directory explicitDirectory: String? = nil,
                                 tokenRefreshInterval: Duration = .seconds(60)) throws(KubernetesError) -> KubernetesConfiguration {
        let directory = explicitDirectory ?? environment["GATEHOUSE_SERVICE_ACCOUNT_DIR"] ?? serviceAccountDirectory
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw .configuration("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (or give a kubeconfig)")
        }
        let tokenPath = directory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw .configuration("cannot read the service account token \(tokenPath)")
        }
        guard let authority = FileManager.default.contents(atPath: directory + "/ca.crt") else {
            throw .configuration("cannot read the service account CA \(directory)/ca.crt")
        }
        // An IPv6 address needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var configuration = KubernetesConfiguration(server: "https://\(hostPart):\(port)")
        configuration.certificateAuthorityPEM = Array(authority)
        configuration.bearerToken = BearerTokenSource(file: tokenPath, refreshInterval: tokenRefreshInterval)
        if let data = FileManager.default.contents(atPath: directory + "/namespace"),
           let namespace = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !namespace.isEmpty {
            configuration.namespace = namespace
        }
        return configuration
    }
}
