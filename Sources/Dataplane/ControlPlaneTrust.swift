import AsyncHTTPClient
import NIOSSL

/// How an agent trusts an `https` control plane whose certificate a CA of its own signed
/// (`gatehouse run --secure-api`, or a Kubernetes-mode control plane's generated CA).
public enum ControlPlaneTrust {
    /// An HTTP client that accepts only certificates chaining to `authorityPEM` (TLS 1.2 or
    /// newer). The caller shuts it down.
    public static func client(trusting authorityPEM: String) throws -> HTTPClient {
        let roots = try NIOSSLCertificate.fromPEMBytes(Array(authorityPEM.utf8))
        guard !roots.isEmpty else { throw DataplaneError("the control plane CA certificate holds no PEM certificate") }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(roots)
        tls.minimumTLSVersion = .tlsv12
        tls.shutdownTimeout = .seconds(1)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                          configuration: HTTPClient.Configuration(tlsConfiguration: tls))
    }
}
