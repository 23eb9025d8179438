import Foundation
import GatewayModel
import ResourceStore

/// Standalone as a cluster: the bound service-account tokens its kubelet (the local runtime)
/// projects into each pod, and the TokenReview that checks them, as kube-apiserver does.
///
/// A token is a compact HS256 JWT signed with the cluster's own key
/// (`<data-dir>/service-account-signing.key`, 0600) carrying Kubernetes' claims: `iss`,
/// `sub` (`system:serviceaccount:<ns>:<sa>`), `aud`, `iat`, `exp` and `kubernetes.io`
/// (namespace, pod name and uid, service account). Bound to its pod: a review of a token whose
/// pod is gone, or was recreated with another uid, says unauthenticated.
public struct ServiceAccountTokens: Sendable {
    /// The key file's name inside the data directory.
    public static let signingKeyFileName = "service-account-signing.key"
    /// The issuer claim.
    public static let issuer = "https://kubernetes.default.svc.cluster.local"
    /// How long a projected token is valid (kubelet's default expiration).
    public static let validity: TimeInterval = 3_600

    private let signer: DataplaneTokenIssuer
    private let store: any ObjectStore

    /// The tokens of the cluster whose data directory is `directory` and whose objects are in
    /// `store`.
    public static func loadOrCreate(in directory: URL, store: any ObjectStore) throws -> ServiceAccountTokens {
        ServiceAccountTokens(signer: try DataplaneTokenIssuer.loadOrCreate(in: directory, fileName: signingKeyFileName), store: store)
    }

    /// A token for `pod`'s service account, bound to the pod, valid for `validity` from `now`.
    public func token(for pod: JSONValue, now: Date = Date()) -> String {
        let namespace = pod.namespace ?? "default"
        let account = pod[path: ["spec", "serviceAccountName"]]?.stringValue ?? "default"
        let issuedAt = Int64(now.timeIntervalSince1970)
        return signer.signed([
            "iss": .string(Self.issuer), "aud": [.string(Self.issuer)],
            "sub": .string("system:serviceaccount:\(namespace):\(account)"),
            "iat": .integer(issuedAt), "nbf": .integer(issuedAt), "exp": .integer(issuedAt + Int64(Self.validity)),
            "kubernetes.io": [
                "namespace": .string(namespace),
                "pod": ["name": .string(pod.name ?? ""), "uid": .string(pod[path: ["metadata", "uid"]]?.stringValue ?? "")],
                "serviceaccount": ["name": .string(account)],
            ],
        ])
    }

    /// The `status` of a TokenReview of `token`: `authenticated` with the user (service
    /// account name, groups, the pod in `extra`), or unauthenticated with an error.
    public func review(_ token: String, now: Date = Date()) -> JSONValue {
        let payload: JSONValue
        do {
            payload = try signer.verifiedPayload(token)
        } catch {
            return ["authenticated": false, "error": .string("invalid bearer token, \(error)")]
        }
        guard let subject = payload["sub"]?.stringValue, let expiry = payload["exp"]?.integerValue,
              let namespace = payload[path: ["kubernetes.io", "namespace"]]?.stringValue,
              let podName = payload[path: ["kubernetes.io", "pod", "name"]]?.stringValue,
              let podUID = payload[path: ["kubernetes.io", "pod", "uid"]]?.stringValue else {
            return ["authenticated": false, "error": "invalid bearer token, not a service account token"]
        }
        guard Int64(now.timeIntervalSince1970) < expiry else {
            return ["authenticated": false, "error": "invalid bearer token, token has expired"]
        }
        guard let pod = store.get(ResourceKinds.pod, namespace: namespace, name: podName),
              pod[path: ["metadata", "uid"]]?.stringValue == podUID, pod[path: ["metadata", "deletionTimestamp"]] == nil else {
            return ["authenticated": false,
                    "error": .string("invalid bearer token, pod \"\(podName)\" (uid \(podUID)) bound to the token no longer exists")]
        }
        return [
            "authenticated": true, "audiences": [.string(Self.issuer)],
            "user": [
                "username": .string(subject), "uid": .string(podUID),
                "groups": ["system:serviceaccounts", .string("system:serviceaccounts:\(namespace)"), "system:authenticated"],
                "extra": ["authentication.kubernetes.io/pod-name": [.string(podName)],
                          "authentication.kubernetes.io/pod-uid": [.string(podUID)]],
            ],
        ]
    }
}
