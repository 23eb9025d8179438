/// Core v1 `Service`: every field of the Kubernetes 1.3x schema. Validation lives in
/// `ServiceValidation.swift`.
public struct Service: ValidatedResource, Hashable {
    /// API group and version, as written in the manifest.
    public var apiVersion: String?
    /// Kind, as written in the manifest.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta?
    /// Desired state.
    public var spec: Spec?
    /// Observed state, written by controllers.
    public var status: Status?

    /// `ServiceSpec`.
    public struct Spec: Codable, Sendable, Hashable {
        /// Ports exposed.
        public var ports: [Port]?
        /// Pods (by label) whose endpoints back the service.
        public var selector: [String: String]?
        /// Virtual IP; `None` makes a headless service.
        public var clusterIP: String?
        /// Virtual IPs, one per IP family; the first equals `clusterIP`.
        public var clusterIPs: [String]?
        /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
        public var type: String?
        /// Extra IPs on which nodes accept traffic for the service.
        public var externalIPs: [String]?
        /// `None` (default) or `ClientIP`.
        public var sessionAffinity: String?
        /// Requested load balancer IP (deprecated upstream).
        public var loadBalancerIP: String?
        /// Client CIDRs allowed through the load balancer.
        public var loadBalancerSourceRanges: [String]?
        /// DNS name an `ExternalName` service aliases.
        public var externalName: String?
        /// `Cluster` or `Local`.
        public var externalTrafficPolicy: String?
        /// Node port for load balancer health checks with `externalTrafficPolicy: Local`.
        public var healthCheckNodePort: Int?
        /// Whether endpoints that are not ready are published.
        public var publishNotReadyAddresses: Bool?
        /// Settings of `ClientIP` session affinity.
        public var sessionAffinityConfig: SessionAffinityConfig?
        /// `IPv4` and/or `IPv6`.
        public var ipFamilies: [String]?
        /// `SingleStack`, `PreferDualStack` or `RequireDualStack`.
        public var ipFamilyPolicy: String?
        /// Whether a LoadBalancer service gets node ports.
        public var allocateLoadBalancerNodePorts: Bool?
        /// Which load balancer implementation serves the service.
        public var loadBalancerClass: String?
        /// `Cluster` or `Local`.
        public var internalTrafficPolicy: String?
        /// `PreferClose`, `PreferSameZone` or `PreferSameNode`.
        public var trafficDistribution: String?
    }

    /// `ServicePort`.
    public struct Port: Codable, Sendable, Hashable {
        /// Name (a DNS-1123 label for ports).
        public var name: String?
        /// `TCP` (default), `UDP` or `SCTP`.
        public var `protocol`: String?
        /// Application protocol hint (`http`, `kubernetes.io/h2c`, ...).
        public var appProtocol: String?
        /// Port number.
        public var port: Int?
        /// Backend port number or named container port.
        public var targetPort: IntOrString?
        /// Port opened on every node (NodePort and LoadBalancer).
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
        /// Client-IP affinity settings.
        public var clientIP: ClientIPConfig?
    }

    /// `ClientIPConfig`.
    public struct ClientIPConfig: Codable, Sendable, Hashable {
        /// 1...86400 seconds; defaults to 10800.
        public var timeoutSeconds: Int?
    }

    /// `ServiceStatus`.
    public struct Status: Codable, Sendable, Hashable {
        /// Addresses of the load balancer.
        public var loadBalancer: LoadBalancerStatus?
        /// `metav1.Condition`s (shared with the Gateway API types).
        public var conditions: [Condition]?
    }

    /// `LoadBalancerStatus`.
    public struct LoadBalancerStatus: Codable, Sendable, Hashable {
        /// Load balancer entry points.
        public var ingress: [LoadBalancerIngress]?
    }

    /// `LoadBalancerIngress`.
    public struct LoadBalancerIngress: Codable, Sendable, Hashable {
        /// IP address of the entry point.
        public var ip: String?
        /// Host name (DNS-1123 label for endpoints).
        public var hostname: String?
        /// `VIP` or `Proxy`.
        public var ipMode: String?
        /// Ports exposed.
        public var ports: [PortStatus]?
    }

    /// `PortStatus`.
    public struct PortStatus: Codable, Sendable, Hashable {
        /// Port number.
        public var port: Int?
        /// Protocol.
        public var `protocol`: String?
        /// Why the port could not be set up, if it could not.
        public var error: String?
    }
}
