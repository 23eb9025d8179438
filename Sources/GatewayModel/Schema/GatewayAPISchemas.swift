/// Typed schemas of the Gateway API and kuma.io kinds, by `qualifiedPlural`.
enum GatewayAPISchemas {
    static let types: [String: any ValidatedResource.Type] = [
        ResourceKinds.gatewayClass.qualifiedPlural: GatewayClass.self,
        ResourceKinds.gateway.qualifiedPlural: Gateway.self,
        ResourceKinds.httpRoute.qualifiedPlural: HTTPRoute.self,
        ResourceKinds.grpcRoute.qualifiedPlural: GRPCRoute.self,
        ResourceKinds.tlsRoute.qualifiedPlural: TLSRoute.self,
        ResourceKinds.tcpRoute.qualifiedPlural: TCPRoute.self,
        ResourceKinds.referenceGrant.qualifiedPlural: ReferenceGrant.self,
        ResourceKinds.meshGatewayConfig.qualifiedPlural: MeshGatewayConfig.self,
        ResourceKinds.meshGatewayInstance.qualifiedPlural: MeshGatewayInstance.self,
        ResourceKinds.meshGateway.qualifiedPlural: MeshGateway.self,
        ResourceKinds.meshHTTPRoute.qualifiedPlural: MeshHTTPRoute.self,
        ResourceKinds.meshTCPRoute.qualifiedPlural: MeshTCPRoute.self,
        ResourceKinds.mesh.qualifiedPlural: Mesh.self,
        ResourceKinds.dataplane.qualifiedPlural: Dataplane.self,
    ]
}
