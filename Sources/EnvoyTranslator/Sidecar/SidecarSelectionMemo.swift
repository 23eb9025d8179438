import GatewayModel
import Synchronization

/// What sidecars of one shape share: their namespace, mesh, and the labels some route selects by.
struct SidecarShapeKey: Hashable {
    var namespace: String
    var mesh: String
    var labels: [String: String]
}

/// The shapes `ProxyInputs.sidecars` selected last time, with what it selected them from. A
/// pass whose Services, EndpointSlices, Namespaces and mesh routes (those not for a gateway)
/// are those of the last pass gets the same shapes back, lists and all: a change that only
/// touches gateways costs the sidecars no selection, and their inputs compare equal at once.
/// Comparing the sources is cheap when they are unchanged: the snapshot's lists keep their
/// storage while nothing in them changes, and unchanged routes are compared by identity.
public final class SidecarSelectionMemo: Sendable {
    struct Sources: Equatable, @unchecked Sendable {
        var services: [Service]
        var endpointSlices: [EndpointSlice]
        var namespaces: [Namespace]
        var routes: [MeshHTTPRoute]
        var defaultMesh: String
    }

    private struct State: @unchecked Sendable {
        var sources: Sources?
        var shapes: [SidecarShapeKey: SidecarInput] = [:]
    }

    private let state = Mutex(State())

    /// An empty memo.
    public init() {}

    /// The shapes kept for `sources` (none when the last selection had other sources).
    func shapes(for sources: Sources) -> [SidecarShapeKey: SidecarInput] {
        state.withLock { $0.sources == sources ? $0.shapes : [:] }
    }

    /// Keeps `shapes` as selected from `sources`.
    func keep(_ shapes: [SidecarShapeKey: SidecarInput], for sources: Sources) {
        state.withLock { $0 = State(sources: sources, shapes: shapes) }
    }
}
