/// Core v1 `Service`: every field of the Kubernetes 1.3x schema. Validation lives in
/// `ServiceValidation.swift`.
public struct Service: ValidatedResource, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var spec: Spec?
    public var status: Status?

    /// `ServiceSpec`.
    public struct Spec: Codable, Sendable, Hashable {
        public var ports: [Port]?
        public var selector: [String: String]?
        public var clusterIP: String?
        public var clusterIPs: [String]?
        /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
        public var type: String?
        public var externalIPs: [String]?
        /// `None` (default) or `ClientIP`.
        public var sessionAffinity: String?
        public var loadBalancerIP: String?
        public var loadBalancerSourceRanges: [String]?
        public var externalName: String?
        /// `Cluster` or `Local`.
        public var externalTrafficPolicy: String?
        public var healthCheckNodePort: Int?
        public var publishNotReadyAddresses: Bool?
        public var sessionAffinityConfig: SessionAffinityConfig?
        /// `IPv4` and/or `IPv6`.
        public var ipFamilies: [String]?
        /// `SingleStack`, `PreferDualStack` or `RequireDualStack`.
        public var ipFamilyPolicy: String?
        public var allocateLoadBalancerNodePorts: Bool?
        public var loadBalancerClass: String?
        /// `Cluster` or `Local`.
        public var internalTrafficPolicy: String?
        /// `PreferClose`, `PreferSameZone` or `PreferSameNode`.
        public var trafficDistribution: String?
    }

    /// `ServicePort`.
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        /// `TCP` (default), `UDP` or `SCTP`.
        public var `protocol`: String?
        public var appProtocol: String?
        public var port: Int?
        public var targetPort: IntOrString?
        public var nodePort: Int?

        /// Creates a port.
        public init(name: String? = nil, protocol: String? = nil, port: Int? = nil, targetPort: IntOrString? = nil) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
            self.targetPort = targetPort
        }
    }

    /// `SessionAffinityConfig`.
    public struct SessionAffinityConfig: Codable, Sendable, Hashable {
        public var clientIP: ClientIPConfig?
    }

    /// `ClientIPConfig`.
    public struct ClientIPConfig: Codable, Sendable, Hashable {
        /// 1...86400 seconds; defaults to 10800.
        public var timeoutSeconds: Int?
    }

    /// `ServiceStatus`.
    public struct Status: Codable, Sendable, Hashable {
        public var loadBalancer: LoadBalancerStatus?
        /// `metav1.Condition`s (shared with the Gateway API types).
        public var conditions: [Condition]?
    }

    /// `LoadBalancerStatus`.
    public struct LoadBalancerStatus: Codable, Sendable, Hashable {
        public var ingress: [LoadBalancerIngress]?
    }

    /// `LoadBalancerIngress`.
    public struct LoadBalancerIngress: Codable, Sendable, Hashable {
        public var ip: String?
        public var hostname: String?
        /// `VIP` or `Proxy`.
        public var ipMode: String?
        public var ports: [PortStatus]?
    }

    /// `PortStatus`.
    public struct PortStatus: Codable, Sendable, Hashable {
        public var port: Int?
        public var `protocol`: String?
        public var error: String?
    }
}
