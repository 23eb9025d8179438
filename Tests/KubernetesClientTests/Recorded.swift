/// Answers of a real Kubernetes API server, in the shapes the Kubernetes documentation gives:
/// lists, chunked lists and watch streams from "Kubernetes API Concepts"
/// (kubernetes/website content/en/docs/reference/using-api/api-concepts.md: "Efficient
/// detection of changes", "Watch bookmarks", "Retrieving large results sets in chunks"), and
/// `Status` failures from the API conventions (metav1.Status: kind, apiVersion, metadata,
/// status, message, reason, details, code) with the messages kube-apiserver writes.
/// As on the wire, list items carry no kind/apiVersion and each watch event is one line.
enum Recorded {
    static func pod(_ name: String, _ resourceVersion: String, phase: String = "Running") -> String {
        #"{"metadata":{"name":"\#(name)","namespace":"test","uid":"uid-\#(name)","resourceVersion":"\#(resourceVersion)","creationTimestamp":"2024-05-01T10:00:00Z"},"spec":{"containers":[{"name":"app","image":"nginx"}]},"status":{"phase":"\#(phase)"}}"#
    }

    /// `GET /api/v1/namespaces/test/pods?limit=500`, first chunk.
    static let podListFirstChunk = #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"10245","continue":"ENCODED_CONTINUE_TOKEN","remainingItemCount":1},"items":["# + pod("pod-a", "10000") + "]}"
    /// The last chunk (`continue` empty).
    static let podListLastChunk = #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"10245","continue":""},"items":["# + pod("pod-b", "10100") + "]}"

    /// A watch event line.
    static func event(_ type: String, _ name: String, _ resourceVersion: String) -> String {
        let object = pod(name, resourceVersion).dropFirst()
        return #"{"type":"\#(type)","object":{"kind":"Pod","apiVersion":"v1","# + object + "}\n"
    }

    /// A bookmark: only `metadata.resourceVersion` is set.
    static func bookmark(_ resourceVersion: String) -> String {
        #"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"}}}"# + "\n"
    }

    /// The ERROR event of a watch whose resourceVersion the server no longer keeps.
    static func expiredEvent(_ requested: String, _ oldest: String) -> String {
        #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: \#(requested) (\#(oldest))","reason":"Expired","code":410}}"# + "\n"
    }

    /// HTTP 410 to a watch or list from a version no longer kept.
    static func expiredStatus(_ requested: String, _ oldest: String) -> String {
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: \#(requested) (\#(oldest))","reason":"Expired","code":410}"#
    }

    /// HTTP 410 to an expired continue token.
    static let expiredContinue = #"{"kind":"Status","apiVersion":"v1","metadata":{"continue":"ENCODED_CONTINUE_TOKEN_2"},"status":"Failure","message":"The provided continuation parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.","reason":"Expired","code":410}"#

    /// 404 (the API conventions' example).
    static let notFound = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"grafana\" not found","reason":"NotFound","details":{"name":"grafana","kind":"pods"},"code":404}"#

    /// 409 to a write with a stale resourceVersion.
    static let conflict = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on leases.coordination.k8s.io \"gatehouse\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"gatehouse","group":"coordination.k8s.io","kind":"leases"},"code":409}"#

    /// 409 to a create of an existing object.
    static let alreadyExists = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"pod-a\" already exists","reason":"AlreadyExists","details":{"name":"pod-a","kind":"pods"},"code":409}"#

    /// 422 with field causes.
    static let invalid = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Gateway.gateway.networking.k8s.io \"web\" is invalid: spec.gatewayClassName: Required value","reason":"Invalid","details":{"name":"web","group":"gateway.networking.k8s.io","kind":"Gateway","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.gatewayClassName"}]},"code":422}"#

    /// 200 to a delete some resources answer with (instead of the object).
    static let deleteSuccess = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"pod-a","kind":"pods","uid":"uid-pod-a"}}"#

    /// 429 from API Priority and Fairness (the server also sends `Retry-After: 1`; this replay
    /// sends no header, so the client reads `details.retryAfterSeconds`).
    static let tooManyRequests = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}"#

    /// A Lease as the API reference describes it (coordination.k8s.io/v1).
    static let lease = #"{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"gatehouse","namespace":"kuma-system","uid":"uid-lease","resourceVersion":"500"},"spec":{"holderIdentity":"replica-a","leaseDurationSeconds":15,"acquireTime":"2024-05-01T10:00:00.000000Z","renewTime":"2024-05-01T10:00:10.123456Z","leaseTransitions":0}}"#
}
