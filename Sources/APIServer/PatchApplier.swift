import GatewayModel
import ResourceStore

/// Applies a PATCH body according to its content type, as the Kubernetes API server does.
enum PatchApplier {
    static func apply(type: String, patch: JSONValue, to current: JSONValue, kind: ResourceKind) throws(StoreError) -> JSONValue {
        do {
            switch type {
            case "application/merge-patch+json":
                return JSONMergePatch.apply(patch, to: current)
            case "application/json-patch+json":
                return try JSONPatch.apply(patch, to: current)
            case "application/strategic-merge-patch+json":
                guard kind.group.isEmpty || kind.group == "discovery.k8s.io" else {
                    throw StoreError(.badRequest, "strategic merge patch is not supported for \(kind.qualifiedPlural); use application/merge-patch+json")
                }
                return try StrategicMergePatch.apply(patch, to: current, kind: kind)
            case "application/apply-patch+yaml", "application/apply-patch+json":
                // Server-side apply without field ownership: the applied configuration is
                // merged onto the live object (fields it omits are kept).
                return JSONMergePatch.apply(patch, to: current)
            default:
                throw StoreError(.badRequest, "unsupported patch type \"\(type)\"; supported: application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml")
            }
        } catch let error as StoreError {
            throw error
        } catch let error as PatchError where error.code == .tooLarge {
            throw StoreError(.tooLarge, "Request entity too large: \(error.message)")
        } catch let error as PatchError where error.code != .malformedPatch {
            // A well-formed patch that does not apply to this object: 422, as Kubernetes answers.
            throw StoreError(.invalid, error.message, causes: [FieldCause(.invalid, field: "", message: error.message)])
        } catch {
            throw StoreError(.badRequest, "the patch could not be applied: \(error)")
        }
    }
}
