import GatewayModel
import Synchronization

/// Route entries computed by earlier translations of one proxy, reused while the route they
/// came from is unchanged. A config stream keeps one across pushes, so that one route change
/// does not rebuild the entries (names, matches, precedence keys) of every other route;
/// `EnvoyTranslator.translate` gives the same result with or without it.
public final class EnvoyTranslationMemo: Sendable {
    struct Key: Hashable, Sendable {
        var namespace: String
        var name: String
        var destination: Int
        var origin: ListenerOrigin
    }

    /// The same, by the identity of the route's storage: a route handed on unchanged from the
    /// previous pass is found without hashing its names. Safe from identity reuse: an entry
    /// keeps its route, so a storage named by a key is alive.
    struct StoredKey: Hashable, Sendable {
        var storage: ObjectIdentifier
        var destination: Int
        var origin: ListenerOrigin
    }

    /// A class, so that looking an entry up does not copy the (large) route it was made from.
    final class Entry: Sendable {
        let key: Key
        let route: MeshHTTPRoute
        let entries: [RouteEntry]

        init(key: Key, route: MeshHTTPRoute, entries: [RouteEntry]) {
            self.key = key
            self.route = route
            self.entries = entries
        }
    }

    /// One entry's Envoy route and the clusters rendering it used.
    struct Rendered: Sendable {
        var entry: RouteEntry
        var route: JSONValue
        var clusters: [UpstreamCluster]
    }

    private struct State {
        /// Entries used by the previous and the current translation, by route storage.
        var previousByStorage: [StoredKey: Entry] = [:]
        var currentByStorage: [StoredKey: Entry] = [:]
        /// The newest entry per route name, for routes that arrive in new storage with equal
        /// content (regenerated upstream); pruned to the routes in use now and then.
        var byName: [Key: Entry] = [:]
        /// Rendered routes by entry identity (the entry is kept, so its identity is not reused),
        /// valid while the Services and EndpointSlices are those of `catalogStamp`.
        var previousRendered: [ObjectIdentifier: Rendered] = [:]
        var currentRendered: [ObjectIdentifier: Rendered] = [:]
        var catalogStamp: CatalogStamp?
        /// The match order of each virtual host's entries (see `ordered`).
        var previousOrders: [String: [RouteEntry]] = [:]
        var currentOrders: [String: [RouteEntry]] = [:]
    }

    /// What rendered routes depend on besides their entry. Unchecked: the parts are strings or
    /// Sendable model values behind `AnyHashable`.
    struct CatalogStamp: Equatable, @unchecked Sendable {
        var parts: [AnyHashable]
    }

    private let state = Mutex(State())
    /// Serialized routes of the previous `EnvoyTranslator.files` call.
    let fragments = RouteFragments()

    /// An empty memo.
    public init() {}

    /// The entries of one destination of `route` as seen from `origin`, from the memo when the
    /// route is unchanged since the last translation. `slot` tells the destination apart in
    /// the memo when `toIndex` does not (a sidecar names a route's entries by their rank among
    /// those for one Service port, so two Services' entries can share a `toIndex`); by default
    /// `toIndex`.
    func entries(of route: MeshHTTPRoute, destination: MeshHTTPRoute.To, toIndex: Int, origin: ListenerOrigin,
                 slot: Int? = nil) -> [RouteEntry] {
        let stored = StoredKey(storage: route.storageIdentity, destination: slot ?? toIndex, origin: origin)
        return state.withLock { state in
            if let known = state.currentByStorage[stored] ?? state.previousByStorage[stored] {
                state.currentByStorage[stored] = known
                return known.entries
            }
            let key = Key(namespace: route.namespace ?? "", name: route.name ?? "", destination: slot ?? toIndex, origin: origin)
            let entry: Entry
            if let known = state.byName[key], known.route == route {
                // Equal content in new storage: the new copy is kept, so that the next pass
                // finds it by identity.
                entry = Entry(key: key, route: route, entries: known.entries)
            } else {
                entry = Entry(key: key, route: route,
                              entries: EnvoyTranslator.entriesOf(route, destination: destination, toIndex: toIndex, origin: origin))
            }
            state.byName[key] = entry
            state.currentByStorage[stored] = entry
            return entry.entries
        }
    }

    /// The route kept for `route`'s entries (for tests: which copy the memo holds).
    func keptRoute(of route: MeshHTTPRoute, toIndex: Int, origin: ListenerOrigin) -> MeshHTTPRoute? {
        let key = Key(namespace: route.namespace ?? "", name: route.name ?? "", destination: toIndex, origin: origin)
        return state.withLock { $0.byName[key]?.route }
    }

    /// Starts one translation: rendered routes survive only when the Services and EndpointSlices
    /// they were rendered against are unchanged (by resourceVersion, or value without one).
    func startTranslation(services: [Service], endpointSlices: [EndpointSlice]) {
        var parts: [AnyHashable] = [services.count]
        for service in services { parts.append(service.metadata?.revisionStamp.map(AnyHashable.init) ?? AnyHashable(service)) }
        for slice in endpointSlices { parts.append(slice.metadata?.revisionStamp.map(AnyHashable.init) ?? AnyHashable(slice)) }
        let stamp = CatalogStamp(parts: parts)
        state.withLock { state in
            if state.catalogStamp != stamp {
                state.catalogStamp = stamp
                state.previousRendered = [:]
                state.currentRendered = [:]
            }
            // Sized for as many entries as the last translation used, here rather than when it
            // ended: between translations (most of the time) only what is in use is held.
            state.currentByStorage.reserveCapacity(state.previousByStorage.count)
            state.currentRendered.reserveCapacity(state.previousRendered.count)
        }
    }

    /// The Envoy route of `entry`, rendered once per entry and catalog; the clusters it uses are
    /// marked used in `catalog` either way.
    func route(_ entry: RouteEntry, catalog: inout BackendCatalog) -> JSONValue {
        let key = ObjectIdentifier(entry)
        if let known = state.withLock({ $0.currentRendered[key] ?? $0.previousRendered[key] }) {
            catalog.use(known.clusters)
            state.withLock { $0.currentRendered[key] = known }
            return known.route
        }
        catalog.startRecording()
        let route = RouteEntryBuilder.route(entry, catalog: &catalog)
        let rendered = Rendered(entry: entry, route: route, clusters: catalog.recorded)
        state.withLock { $0.currentRendered[key] = rendered }
        return route
    }

    /// The order `ordered` gave `key` last (in this translation or the previous one).
    func previousOrder(_ key: String) -> [RouteEntry]? {
        state.withLock { $0.currentOrders[key] ?? $0.previousOrders[key] }
    }

    /// Keeps `entries` as the order of `key` for the next translation.
    func keepOrder(_ entries: [RouteEntry], key: String) {
        state.withLock { $0.currentOrders[key] = entries }
    }

    /// Ends one translation: only what it used is kept for the next.
    func finishTranslation() {
        state.withLock { state in
            state.previousOrders = state.currentOrders
            state.currentOrders = [:]
            state.previousByStorage = state.currentByStorage
            state.currentByStorage = [:]
            if state.byName.count > 2 * state.previousByStorage.count + 64 {
                state.byName = Dictionary(state.previousByStorage.values.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            }
            state.previousRendered = state.currentRendered
            state.currentRendered = [:]
        }
    }
}
