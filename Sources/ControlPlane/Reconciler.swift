import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator
import Logging
import ResourceStore
import ServiceLifecycle

/// The control loop: on any relevant change (debounced, latest state only, never a queue of
/// events) it reads one snapshot, runs the pure pipeline, pushes the proxies' inputs to the
/// config hub (first: that is the latency users feel), then converges processes, statuses and
/// the visible mesh resources.
final class Reconciler: ServiceLifecycle.Service, Sendable {
    let store: SQLiteStore
    let hub: ConfigHub
    let registry: DataplaneRegistry
    let supervisor: LocalGatewaySupervisor?
    let options: TranslationOptions
    let logger: Logger
    private let dirty: AsyncStream<Void>
    private let dirtyContinuation: AsyncStream<Void>.Continuation
    /// How long to gather further changes after the first one before translating.
    let debounce: Duration

    init(store: SQLiteStore, hub: ConfigHub, registry: DataplaneRegistry, supervisor: LocalGatewaySupervisor?,
         options: TranslationOptions, logger: Logger, debounce: Duration = .milliseconds(1)) {
        self.store = store
        self.hub = hub
        self.registry = registry
        self.supervisor = supervisor
        self.options = options
        self.logger = logger
        self.debounce = debounce
        (dirty, dirtyContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reconcile soon (coalesced with any pending one).
    func markDirty() { dirtyContinuation.yield() }

    func run() async throws {
        let subscription = try store.watch(ObjectFilter(), from: store.resourceVersion)
        markDirty()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await item in subscription.items {
                        if case .event(let event) = item, Self.isRelevant(event) { self.markDirty() }
                    }
                }
                group.addTask {
                    for await _ in self.dirty {
                        try? await Task.sleep(for: self.debounce)
                        self.reconcile()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            subscription.finish()
            self.dirtyContinuation.finish()
            self.hub.close()
        }
    }

    /// Changes that cannot alter the translation are skipped: status-only writes (the writer's
    /// own), generated mesh resources (re-asserted on each pass anyway) and kinds the pipeline
    /// does not read.
    static func isRelevant(_ event: StoreEvent) -> Bool {
        if event.key.plural == "configmaps" { return false }
        if event.object.labels[GeneratedLabels.managedBy] != nil && event.type != .deleted { return false }
        if event.type == .modified, let previous = event.previous, withoutStatus(previous) == withoutStatus(event.object) {
            // Gateway addresses live in status and feed address assignment; everything else in
            // status is this controller's own output.
            return event.key.plural == "gateways" && previous[path: ["status", "addresses"]] != event.object[path: ["status", "addresses"]]
        }
        return true
    }

    private static func withoutStatus(_ object: JSONValue) -> JSONValue {
        var copy = object
        copy["status"] = nil
        copy[path: ["metadata", "resourceVersion"]] = nil
        return copy
    }

    /// One pass of the pipeline.
    func reconcile() {
        let started = ContinuousClock.now
        let (objects, version) = store.snapshot()
        let snapshot = ResourceSnapshot(objects: objects, resourceVersion: version, dataplanes: registry.states())
        let translation = GatewayTranslator.translate(snapshot, options: options)
        var inputs: [String: ProxyInput] = [:]
        for instance in translation.gatewayInstances {
            let meshGateway = translation.meshGateways.first { $0.metadata?.name == instance.meshGatewayName }
            let routes = translation.meshHTTPRoutes.filter {
                $0.spec?.targetRef?.kind == "MeshGateway" && $0.spec?.targetRef?.name == instance.meshGatewayName
            }
            inputs[instance.gatewayKey] = ProxyInput(
                instance: instance, meshGateway: meshGateway, routes: routes, services: snapshot.services,
                endpointSlices: snapshot.endpointSlices, secrets: snapshot.secrets)
        }
        hub.publish(inputs)
        let published = ContinuousClock.now
        supervisor?.reconcile(translation.gatewayInstances)
        let statusWrites = StatusWriter(store: store, controllerName: options.controllerName)
            .write(translation.statuses, now: Self.timestamp())
        MeshResourceWriter(store: store).write(meshGateways: translation.meshGateways, meshHTTPRoutes: translation.meshHTTPRoutes)
        logger.debug("reconciled", metadata: [
            "resourceVersion": "\(version)", "gateways": "\(translation.gatewayInstances.count)",
            "toPush": "\(published - started)", "total": "\(ContinuousClock.now - started)", "statusWrites": "\(statusWrites)",
        ])
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
