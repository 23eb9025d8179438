import Foundation
import GatewayModel
import ResourceStore

/// What the local runtime, as a kubelet, projects into each pod for its service account: a
/// token bound to the pod (rotated before it expires), the API server's CA and the pod's
/// namespace, in `<pod-dir>/serviceaccount` (files 0600), with
/// `GATEHOUSE_SERVICE_ACCOUNT_DIR` naming that directory (a local process cannot see it at
/// `/var/run/secrets/kubernetes.io/serviceaccount`) and `KUBERNETES_SERVICE_HOST`/`PORT`
/// naming the API, so a pod can use in-cluster configuration.
public struct ServiceAccountProjection: Sendable {
    /// A new token for a pod, bound to it.
    public var token: @Sendable (JSONValue) -> String
    /// The API server's CA certificate (PEM), the pod's `ca.crt`; nil: none written.
    public var authorityPEM: String?
    /// The API server's address as pods reach it.
    public var apiHost: String
    /// The API server's port.
    public var apiPort: Int
    /// How long a projected token is kept before a new one replaces it (kubelet: at 80 % of
    /// its one-hour life).
    public var refreshAfter: Duration = .seconds(48 * 60)

    /// The variable naming the directory of a pod's projected files.
    public static let directoryVariable = "GATEHOUSE_SERVICE_ACCOUNT_DIR"

    /// A projection signing with `token`.
    public init(token: @escaping @Sendable (JSONValue) -> String, authorityPEM: String?, apiHost: String, apiPort: Int) {
        self.token = token
        self.authorityPEM = authorityPEM
        self.apiHost = apiHost
        self.apiPort = apiPort
    }

    /// Writes `pod`'s files under `podDirectory`; returns the environment its containers get.
    func project(_ pod: JSONValue, into podDirectory: String) throws -> [String: String] {
        let directory = podDirectory + "/serviceaccount"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try write(token(pod), to: directory + "/token")
        try write(pod.namespace ?? "default", to: directory + "/namespace")
        if let authorityPEM { try write(authorityPEM, to: directory + "/ca.crt") }
        return [Self.directoryVariable: directory, "KUBERNETES_SERVICE_HOST": apiHost, "KUBERNETES_SERVICE_PORT": String(apiPort)]
    }

    /// Replaces the token of a pod projected earlier.
    func refreshToken(_ pod: JSONValue, in podDirectory: String) throws {
        try write(token(pod), to: podDirectory + "/serviceaccount/token")
    }

    private func write(_ text: String, to path: String) throws {
        try PrivateFile.write(Array(text.utf8), to: path, durable: false)
    }
}
