import NIOSSL

extension ServingIdentity {
    /// The server side of TLS with this identity's certificate chain and key (TLS 1.2 or newer).
    public func serverTLSConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // Shutdown waits at most this long for a peer's close_notify (NIOSSL's default of five
        // seconds held every stop of the control plane with agents connected).
        configuration.shutdownTimeout = .seconds(1)
        return configuration
    }
}
