import GatewayModel

/// What the Envoy stage needs for one gateway proxy.
public struct ProxyInput: Sendable {
    /// The instance (address, listeners).
    public var instance: GatewayInstance
    /// Its MeshGateway.
    public var meshGateway: MeshGateway?
    /// The MeshHTTPRoutes targeting that MeshGateway.
    public var routes: [MeshHTTPRoute]
    /// Services, EndpointSlices and Secrets the routes and listeners may refer to.
    public var services: [Service]
    public var endpointSlices: [EndpointSlice]
    public var secrets: [Secret]

    /// Creates an input.
    public init(instance: GatewayInstance, meshGateway: MeshGateway?, routes: [MeshHTTPRoute],
                services: [Service], endpointSlices: [EndpointSlice], secrets: [Secret] = []) {
        self.instance = instance
        self.meshGateway = meshGateway
        self.routes = routes
        self.services = services
        self.endpointSlices = endpointSlices
        self.secrets = secrets
    }
}

/// Stage 2 of the pipeline: mesh resources for one proxy -> Envoy v3 resources. Pure.
public enum EnvoyTranslator {
    /// Translates one proxy's inputs. `configDirectory` is where that proxy's dataplane keeps
    /// the filesystem xDS files (see `XDSFiles`).
    public static func translate(_ input: ProxyInput, configDirectory: String) -> EnvoyResources {
        EnvoyResources()
    }
}
