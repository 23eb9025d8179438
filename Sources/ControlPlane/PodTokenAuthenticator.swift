import Crypto
import Foundation
import GatewayModel
import InfraRenderer
import ResourceStore
import Synchronization

/// The outcome of a Kubernetes TokenReview: who the token's bearer is.
public struct ReviewedToken: Sendable, Equatable {
    /// Whether the API server authenticated the token.
    public var authenticated: Bool
    /// `system:serviceaccount:<ns>:<sa>` for a service account.
    public var username: String
    /// The pod the token is bound to (`authentication.kubernetes.io/pod-name`), if any.
    public var podName: String?
    /// That pod's uid.
    public var podUID: String?
    /// The API server's reason when not authenticated.
    public var error: String?

    /// Reads a TokenReview's `status`.
    public init(status: JSONValue) {
        authenticated = status["authenticated"]?.boolValue ?? false
        username = status[path: ["user", "username"]]?.stringValue ?? ""
        podName = status[path: ["user", "extra", "authentication.kubernetes.io/pod-name"]]?.arrayValue?.first?.stringValue
        podUID = status[path: ["user", "extra", "authentication.kubernetes.io/pod-uid"]]?.arrayValue?.first?.stringValue
        error = status["error"]?.stringValue
    }
}

/// Kubernetes mode: a gateway pod proves which Gateway it serves with its projected
/// service-account token. The token is reviewed by the API server (a TokenReview); it must be
/// bound to a pod that exists with that uid, in the Gateway's namespace, carrying the
/// `gateway.networking.k8s.io/gateway-name` label of the pods the control plane generates for
/// that Gateway. Reviews are remembered for a minute (by the token's hash), so status reports
/// do not each cost a request; a pod that goes away is noticed at its next review.
public final class PodTokenAuthenticator: Sendable {
    /// Sends a TokenReview for a token; returns its `status`.
    public typealias Review = @Sendable (String) async throws -> JSONValue

    private let review: Review
    private let store: any ObjectStore
    private let remembered = Mutex<[String: (identity: ProxyIdentity, until: ContinuousClock.Instant)]>([:])
    /// How long a successful review is reused.
    public static let reuse: Duration = .seconds(60)

    /// Reviews through `review`; pods are read from `store`.
    public init(store: any ObjectStore, review: @escaping Review) {
        self.store = store
        self.review = review
    }

    /// The gateway proxy the bearer of `token` may act for, or why not.
    public func identity(of token: String, now: ContinuousClock.Instant = .now) async -> Result<ProxyIdentity, DataplaneTokenError> {
        let digest = SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
        if let known = remembered.withLock({ $0[digest] }), known.until > now { return .success(known.identity) }
        let reviewed: ReviewedToken
        do {
            reviewed = ReviewedToken(status: try await review(token))
        } catch {
            return .failure(.malformed("the token could not be reviewed: \(error)"))
        }
        switch Self.identity(reviewed, store: store) {
        case .success(let identity):
            remembered.withLock { table in
                table = table.filter { $0.value.until > now }
                table[digest] = (identity, now + Self.reuse)
            }
            return .success(identity)
        case .failure(let refusal):
            return .failure(refusal)
        }
    }

    /// The Gateway whose generated pod `reviewed` is bound to.
    static func identity(_ reviewed: ReviewedToken, store: any ObjectStore) -> Result<ProxyIdentity, DataplaneTokenError> {
        guard reviewed.authenticated else {
            return .failure(.malformed("the API server did not authenticate the token: \(reviewed.error ?? "no reason given")"))
        }
        let parts = reviewed.username.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", let podName = reviewed.podName else {
            return .failure(.malformed("\(reviewed.username) is not a pod's service account token"))
        }
        let namespace = String(parts[2])
        guard let pod = store.get(ResourceKinds.pod, namespace: namespace, name: podName),
              pod[path: ["metadata", "uid"]]?.stringValue == reviewed.podUID else {
            return .failure(.malformed("the pod \(namespace)/\(podName) the token is bound to does not exist"))
        }
        guard let gateway = pod.labels[InfraLabels.gatewayName], !gateway.isEmpty,
              pod[path: ["metadata", "annotations", InfraLabels.kumaGateway]] == "builtin" else {
            return .failure(.malformed("the pod \(namespace)/\(podName) is not a gateway pod"))
        }
        return .success(ProxyIdentity(kind: .gateway, namespace: namespace, name: gateway))
    }
}
