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

    /// A class, so that looking an entry up does not copy the (large) route it was made from.
    final class Entry: Sendable {
        let route: MeshHTTPRoute
        let entries: [RouteEntry]

        init(route: MeshHTTPRoute, entries: [RouteEntry]) {
            self.route = route
            self.entries = entries
        }
    }

    private struct State {
        var previous: [Key: Entry] = [:]
        var current: [Key: Entry] = [:]
    }

    private let state = Mutex(State())

    /// An empty memo.
    public init() {}

    /// The entries of one destination of `route` as seen from `origin`, from the memo when the
    /// route is unchanged since the last translation.
    func entries(of route: MeshHTTPRoute, destination: MeshHTTPRoute.To, toIndex: Int, origin: ListenerOrigin) -> [RouteEntry] {
        let key = Key(namespace: route.metadata?.namespace ?? "", name: route.metadata?.name ?? "", destination: toIndex, origin: origin)
        let known = state.withLock { $0.current[key] ?? $0.previous[key] }
        if let known, known.route == route {
            state.withLock { $0.current[key] = known }
            return known.entries
        }
        let entries = EnvoyTranslator.entriesOf(route, destination: destination, toIndex: toIndex, origin: origin)
        state.withLock { $0.current[key] = Entry(route: route, entries: entries) }
        return entries
    }

    /// Ends one translation: only what it used is kept for the next.
    func finishTranslation() {
        state.withLock { state in
            state.previous = state.current
            state.current = [:]
            state.current.reserveCapacity(state.previous.count)
        }
    }
}
