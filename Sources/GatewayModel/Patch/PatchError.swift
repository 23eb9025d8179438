/// Why a patch could not be applied: what went wrong and where.
///
/// Kubernetes answers `400 Bad Request` for a patch it cannot decode (`malformedPatch`) and
/// `422 Unprocessable Entity` for one that does not apply to the object (the other codes,
/// a failed JSON Patch `test` included). The message names the operation and the path.
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Code: String, Sendable, Hashable {
        /// The patch document itself is malformed (not an array, missing `op`, bad pointer...).
        case malformedPatch
        /// A path names a location that does not exist in the target.
        case pathNotFound
        /// A JSON Patch `test` operation found a different value.
        case testFailed
        /// The patch is well formed but cannot apply to this target (type mismatch, bad directive).
        case invalidTarget
        /// The patch would grow the object past `ObjectLimits.maximumObjectBytes`, or has more
        /// operations than `ObjectLimits.maximumPatchOperations` (HTTP 413, as Kubernetes).
        case tooLarge
    }

    /// The class of failure.
    public var code: Code
    /// Human-readable detail, naming the operation index and path where relevant.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
