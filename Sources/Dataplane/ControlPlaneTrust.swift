import AgentHTTP
import NIOSSL

/// How an agent trusts an `https` control plane whose certificate a CA of its own signed
/// (`gatehouse run --secure-api`, or a Kubernetes-mode control plane's generated CA).
public enum ControlPlaneTrust {
    /// The HTTP client for the control plane at `url`: for `https`, one that accepts only
    /// certificates chaining to `authorityPEM` (TLS 1.2 or newer), or to the system's trust
    /// roots when it is nil; for `http`, one without TLS (no trust roots loaded).
    public static func client(for url: String, trusting authorityPEM: String?) throws -> AgentHTTPClient {
        guard url.hasPrefix("https:") else { return AgentHTTPClient() }
        guard let authorityPEM else {
            return AgentHTTPClient(tls: try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        do {
            return AgentHTTPClient(tls: try AgentHTTPClient.tlsContext(trusting: authorityPEM))
        } catch let error as AgentHTTPError {
            throw DataplaneError("the control plane CA certificate: \(error)")
        }
    }
}
