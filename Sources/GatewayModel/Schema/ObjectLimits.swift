/// Size limits every stored object obeys, whatever way it was written (create, update, any
/// kind of patch, server-side apply).
public enum ObjectLimits {
    /// The largest object stored, serialized as compact JSON: 1.5 MiB, etcd's default request
    /// limit, which bounds every object in a Kubernetes cluster. (Request bodies may be up to
    /// 3 MiB, as in Kubernetes; a patch can still not grow an object beyond this.)
    public static let maximumObjectBytes = 1_572_864

    /// The most operations one JSON patch may hold (Kubernetes' `maxJSONPatchOperations`).
    public static let maximumPatchOperations = 10_000
}
