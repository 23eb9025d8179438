import Foundation
import GatewayModel

/// How to reach and authenticate to one Kubernetes API server: what a kubeconfig context or
/// the in-cluster environment resolves to.
public struct KubernetesConfiguration: Sendable {
    /// The server's base URL (`https://10.0.0.1:6443`).
    public var server: String
    /// PEM of the CA certificates that sign the server's certificate; nil trusts the system's.
    public var certificateAuthorityPEM: [UInt8]?
    /// PEM of the client certificate chain (TLS client authentication).
    public var clientCertificatePEM: [UInt8]?
    /// PEM of the client certificate's private key. Never logged.
    public var clientKeyPEM: [UInt8]?
    /// The bearer token, if the user has one.
    public var bearerToken: BearerTokenSource?
    /// Skips verifying the server's certificate (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipTLSVerify: Bool
    /// The namespace of the context (or the service account's), `default` when unset.
    public var namespace: String
    /// Requests per second the client sends on average (client-go's default 5).
    public var queriesPerSecond: Double
    /// Requests the client may send at once above the average rate (client-go's default 10).
    public var burst: Int
    /// How long one non-watch request may take, answer included.
    public var requestTimeout: Duration

    /// Creates a configuration.
    public init(
        server: String, certificateAuthorityPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil, bearerToken: BearerTokenSource? = nil, insecureSkipTLSVerify: Bool = false,
        namespace: String = "default", queriesPerSecond: Double = 5, burst: Int = 10,
        requestTimeout: Duration = .seconds(30)
    ) {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        self.server = base
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.bearerToken = bearerToken
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.namespace = namespace
        self.queriesPerSecond = queriesPerSecond
        self.burst = burst
        self.requestTimeout = requestTimeout
    }

    /// What a plain `kubectl` would use: `explicitPath`, else the first file of `$KUBECONFIG`,
    /// else `~/.kube/config` when it exists, else the in-cluster configuration.
    public static func standard(kubeconfig explicitPath: String? = nil, context: String? = nil,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws(KubernetesError) -> KubernetesConfiguration {
        if let explicitPath { return try kubeconfig(path: explicitPath, context: context) }
        if let list = environment["KUBECONFIG"], let first = list.split(separator: ":").first {
            return try kubeconfig(path: String(first), context: context)
        }
        if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.kube/config") {
            return try kubeconfig(path: home + "/.kube/config", context: context)
        }
        return try inCluster(environment: environment)
    }
}
