import GatewayModel
import ResourceStore
import Testing
@testable import KubernetesClient

/// Two disjoint scopes of one kind (TLS Secrets outside the system namespace, every Secret in
/// it) feed one cache without undoing each other.
@Suite struct CacheStateTests {
    private static let tls = CacheScope(kind: ResourceKinds.secret, namespace: nil,
                                        options: ListOptions(fieldSelector: "type=kubernetes.io/tls,metadata.namespace!=kuma-system"))
    private static let system = CacheScope(kind: ResourceKinds.secret, namespace: "kuma-system")

    private static func secret(_ namespace: String, _ name: String, _ version: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(name), "namespace": .string(namespace), "resourceVersion": .string(version)]]
    }

    private static func keys(_ state: CacheState) -> [String] {
        state.objects.keys.sorted().map { "\($0.namespace)/\($0.name)" }
    }

    @Test func relistOfOneScopeKeepsTheOthersObjects() {
        var state = CacheState()
        _ = state.replace(Self.tls, with: [Self.secret("team-a", "cert", "1")], historyLimit: 100)
        _ = state.replace(Self.system, with: [Self.secret("kuma-system", "ca", "2")], historyLimit: 100)
        #expect(Self.keys(state) == ["kuma-system/ca", "team-a/cert"])
        // The TLS scope relists (after a 410): its own object changed, the system one stays.
        _ = state.replace(Self.tls, with: [Self.secret("team-a", "cert", "3")], historyLimit: 100)
        #expect(Self.keys(state) == ["kuma-system/ca", "team-a/cert"])
        #expect(state.objects[ObjectKey(kind: ResourceKinds.secret, namespace: "team-a", name: "cert")]?.resourceVersion == "3")
        // An empty relist of the system scope removes only its objects.
        _ = state.replace(Self.system, with: [], historyLimit: 100)
        #expect(Self.keys(state) == ["team-a/cert"])
        #expect(state.history.events.map(\.type) == [.added, .added, .modified, .deleted])
        #expect(state.syncedScopes == [Self.tls, Self.system])
    }

    @Test func aDeleteFromAScopeThatNoLongerOwnsTheObjectIsIgnored() {
        var state = CacheState()
        let labelled = CacheScope(kind: ResourceKinds.secret, namespace: nil, options: ListOptions(labelSelector: "tier=web"))
        let others = CacheScope(kind: ResourceKinds.secret, namespace: nil, options: ListOptions(labelSelector: "tier!=web"))
        // The object moves from one selection to the other; the new scope reports it first.
        _ = state.change(labelled, .added, Self.secret("team-a", "moving", "1"), historyLimit: 100)
        _ = state.change(others, .modified, Self.secret("team-a", "moving", "2"), historyLimit: 100)
        _ = state.change(labelled, .deleted, Self.secret("team-a", "moving", "2"), historyLimit: 100)
        #expect(Self.keys(state) == ["team-a/moving"])
        // Its owner's delete does remove it.
        _ = state.change(others, .deleted, Self.secret("team-a", "moving", "3"), historyLimit: 100)
        #expect(Self.keys(state).isEmpty)
        #expect(state.history.events.map(\.type) == [.added, .modified, .deleted])
        #expect(state.owners.isEmpty)
    }
}
