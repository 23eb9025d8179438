import GatewayModel
import Synchronization

/// What earlier translations decided per route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute), reused while neither the route nor anything
/// else a route evaluation reads has changed. A control plane keeps one memo across passes so
/// that one route change costs one route evaluation instead of all of them; `translate` gives
/// the same result with or without it.
///
/// A route is unchanged when its `uid` and `resourceVersion` are unchanged (or, for objects
/// without them, when it is equal). The context (everything but routes) is compared exactly:
/// GatewayClasses and Gateways as values without what the controller writes itself (status,
/// except Gateway addresses, which assignment reads, and resourceVersion), every other object
/// by resourceVersion (or value).
public final class TranslationMemo: Sendable {
    /// One route's evaluation (a class: passes hand entries around by reference instead of
    /// copying large values thousands of times).
    final class Entry: Sendable {
        let evaluation: RouteEvaluation
        /// The route's status and generated mesh routes in this context.
        let output: RouteOutput

        /// The route the entry was made for (the evaluation's: one copy, not two).
        var route: HTTPRoute { evaluation.route }

        init(evaluation: RouteEvaluation, output: RouteOutput) {
            self.evaluation = evaluation
            self.output = output
        }
    }

    struct RouteOutput: Sendable {
        var status: StatusUpdate?
        var generated: [MeshHTTPRoute]
        /// MeshTCPRoutes (TLSRoute, TCPRoute).
        var generatedTCP: [MeshTCPRoute]
    }

    private struct State {
        var context: TranslationContext?
        var entries: [String: Entry] = [:]
    }

    private let state = Mutex(State())
    /// The routes' statuses, one instance per distinct value (see `GatewayTranslator.routeOutput`).
    let statuses = ValueInterner()

    /// An empty memo.
    public init() {}

    /// Starts a pass: entries survive only when the context is the one they were made in.
    func begin(_ context: TranslationContext) -> [String: Entry] {
        state.withLock { state in
            if state.context != context {
                state.context = context
                state.entries = [:]
            }
            return state.entries
        }
    }

    /// Ends a pass with the entries of the routes that exist now.
    func finish(_ entries: [String: Entry]) {
        state.withLock { $0.entries = entries }
    }

    /// True when `entry` was made for this very route.
    static func isCurrent(_ entry: Entry, for route: HTTPRoute) -> Bool {
        if let version = route.metadata?.resourceVersion, let previous = entry.route.metadata?.resourceVersion {
            return version == previous && route.metadata?.uid == entry.route.metadata?.uid
        }
        return entry.route == route
    }
}

/// Everything a route evaluation can read besides the route itself (see `TranslationMemo`).
/// Unchecked: `others` holds only Sendable model values (or strings) behind `AnyHashable`.
struct TranslationContext: Equatable, @unchecked Sendable {
    var options: TranslationOptions
    var gatewayClasses: [GatewayClass]
    var gateways: [Gateway]
    var others: [AnyHashable]

    init(_ snapshot: ResourceSnapshot, options: TranslationOptions) {
        self.options = options
        gatewayClasses = snapshot.gatewayClasses.map { gatewayClass in
            var copy = gatewayClass
            copy.status = nil
            copy.metadata?.resourceVersion = nil
            copy.metadata?.managedFields = nil
            return copy
        }
        gateways = snapshot.gateways.map { gateway in
            var copy = gateway
            let addresses = gateway.status?.addresses
            copy.status = addresses.map { GatewayStatus(addresses: $0) }
            copy.metadata?.resourceVersion = nil
            copy.metadata?.managedFields = nil
            return copy
        }
        var others: [AnyHashable] = []
        func add<T: Hashable>(_ objects: [T], _ meta: KeyPath<T, ObjectMeta?>) {
            others.append(objects.count)
            for object in objects {
                others.append(object[keyPath: meta]?.revisionStamp.map(AnyHashable.init) ?? AnyHashable(object))
            }
        }
        add(snapshot.referenceGrants, \.metadata)
        add(snapshot.namespaces, \.metadata)
        add(snapshot.services, \.metadata)
        add(snapshot.endpointSlices, \.metadata)
        add(snapshot.secrets, \.metadata)
        add(snapshot.meshGatewayConfigs, \.metadata)
        add(snapshot.meshHTTPRoutes, \.metadata)
        self.others = others
    }
}
