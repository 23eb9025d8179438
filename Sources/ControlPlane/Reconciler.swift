import EnvoyTranslator
import Foundation
import GatewayModel
import GatewayTranslator
import Logging
import ResourceStore
import ServiceLifecycle
import Synchronization
import Telemetry

/// The control loop: on any relevant change (coalesced, latest state only, never a queue of
/// events) it reads one snapshot, runs the pure pipeline (stage 1, the proxy inputs, and stage 2
/// in the per-proxy config cache, which wakes the agents' streams: first, as that is the
/// latency users feel), then converges processes, statuses and the visible mesh resources.
final class Reconciler: ServiceLifecycle.Service, Sendable {
    let store: any ObjectStore
    let cache: ProxyConfigCache
    let registry: DataplaneRegistry
    let infra: InfraController?
    let options: TranslationOptions
    let logger: Logger
    private let dirty: AsyncStream<Void>
    private let dirtyContinuation: AsyncStream<Void>.Continuation
    /// The newest translation whose statuses and mesh resources still need writing, and the
    /// signal that one is waiting (latest only: an intermediate one is never written).
    private let unwritten = Mutex<Translation?>(nil)
    private let pendingWrites: AsyncStream<Void>
    private let pendingWritesContinuation: AsyncStream<Void>.Continuation
    /// The signal that sidecar statuses need writing outside a pass.
    private let statusDirty: AsyncStream<Void>
    private let statusContinuation: AsyncStream<Void>.Continuation
    /// How long the writer gathers passes before diffing and writing. Diffing a thousand
    /// statuses competes with the config push for the CPU, so bursts of passes are written once.
    let writeCoalescing: Duration
    /// How long to gather further changes after the first one before translating. None by
    /// default: the changes that arrive while a pass runs are gathered into the next pass
    /// anyway (the signal buffers one), and a lone change waits for nothing.
    let debounce: Duration
    /// The store's objects in typed form, kept current from the watch (one decode and one
    /// sorted insertion per change): a pass starts from a copy instead of re-reading the store.
    private let live = Mutex(ResourceSnapshot())
    /// The address each Gateway got in the last pass (its status may not be written yet).
    private let assignedAddresses = Mutex<[String: String]>([:])
    /// Route evaluations reused across passes while their inputs are unchanged.
    private let memo = TranslationMemo()
    /// The sidecar shapes of the last pass, reused while what they were selected from is unchanged.
    private let sidecarSelection = SidecarSelectionMemo()
    /// Dataplane statuses and the cleanup of sidecars gone for good.
    let sidecarStatuses: SidecarStatuses
    /// What the previous passes wrote, so an unchanged pass writes nothing.
    private let memory = Mutex(PassMemory())
    /// The dataplane states of the previous pass (gateway pods' readiness gates follow them).
    private let lastDataplanes = Mutex<[String: DataplaneState]>([:])
    /// Where status transitions are reported as Kubernetes Events (none when nil).
    let events: EventRecorder?

    init(store: any ObjectStore, cache: ProxyConfigCache, registry: DataplaneRegistry, infra: InfraController?,
         options: TranslationOptions, logger: Logger, debounce: Duration = .zero,
         writeCoalescing: Duration = .milliseconds(50), offlineDataplaneGrace: Duration = .seconds(60),
         events: EventRecorder? = nil) {
        self.events = events
        self.sidecarStatuses = SidecarStatuses(grace: offlineDataplaneGrace)
        self.store = store
        self.cache = cache
        self.registry = registry
        self.infra = infra
        self.options = options
        self.logger = logger
        self.debounce = debounce
        self.writeCoalescing = writeCoalescing
        (dirty, dirtyContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (pendingWrites, pendingWritesContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (statusDirty, statusContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reconcile soon (coalesced with any pending one).
    func markDirty() { dirtyContinuation.yield() }

    /// Asks for the sidecars' Dataplane statuses to be written again soon, without a pass (a
    /// sidecar's new accepted version changes nothing the translation reads).
    func markStatusDirty() { statusContinuation.yield() }

    /// After this replica became the leader: forget what was written (another replica wrote
    /// it, or nothing did) and write everything at the next pass.
    func resumeWriting() {
        memory.withLock { $0 = PassMemory() }
        markDirty()
        markStatusDirty()
    }

    func run() async throws {
        // List then watch from the listed version: no change is missed or applied twice.
        let (objects, version) = store.snapshot()
        let initial = ResourceSnapshot(objects: objects, resourceVersion: version)
        live.withLock { $0 = initial }
        let subscription = try store.watch(ObjectFilter(), from: version)
        markDirty()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await item in subscription.items {
                        guard case .event(let event) = item else { continue }
                        self.live.withLock {
                            $0.apply(key: event.key, object: event.type == .deleted ? nil : event.object)
                            $0.resourceVersion = event.resourceVersion
                        }
                        if Self.isRelevant(event) { self.markDirty() }
                    }
                }
                group.addTask {
                    for await _ in self.dirty {
                        if self.debounce > .zero { try? await Task.sleep(for: self.debounce) }
                        let started = ContinuousClock.now
                        await withTaskExecutorPreference(Self.passes) { self.reconcile() }
                        // Under a stream of changes, passes would run back to back, and every
                        // pass is a new configuration each Envoy reloads whole. Resting as long
                        // as the pass took (at most `maximumRest`) gathers the changes of that
                        // time into the next pass: at most half the time goes to passes, and a
                        // lone change (which finds the rest long over) waits for nothing.
                        try? await Task.sleep(for: min(ContinuousClock.now - started, Self.maximumRest))
                    }
                }
                // Sidecars' acknowledgements: their Dataplane statuses, without a pipeline pass.
                group.addTask {
                    for await _ in self.statusDirty {
                        try? await Task.sleep(for: self.writeCoalescing)
                        await self.writeSidecarStatuses()
                    }
                }
                // Offline Dataplanes are removed after the grace period: passes must come then
                // even when nothing else changes.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.sidecarStatuses.checkInterval)
                        if self.sidecarStatuses.hasOffline { self.markDirty() }
                    }
                }
                // Status and mesh-resource writes run beside the loop, so the next change is
                // translated and pushed without waiting for the previous pass's writes.
                group.addTask {
                    for await _ in self.pendingWrites {
                        try? await Task.sleep(for: self.writeCoalescing)
                        guard let translation = self.unwritten.withLock({ $0.take() }) else { continue }
                        await self.writeResults(of: translation)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            subscription.finish()
            self.dirtyContinuation.finish()
            self.pendingWritesContinuation.finish()
            self.statusContinuation.finish()
            self.cache.close()
        }
    }

    /// Addresses handed out by an earlier pass whose status is not written yet count as the
    /// Gateways' current ones, so assignment stays stable while status writes trail behind.
    static func carryOver(_ assigned: [String: String], into snapshot: inout ResourceSnapshot) {
        for position in snapshot.gateways.indices where (snapshot.gateways[position].status?.addresses ?? []).isEmpty {
            let key = "\(snapshot.gateways[position].metadata?.namespace ?? "")/\(snapshot.gateways[position].metadata?.name ?? "")"
            guard let address = assigned[key] else { continue }
            var status = snapshot.gateways[position].status ?? GatewayStatus()
            status.addresses = [GatewayStatusAddress(value: address)]
            snapshot.gateways[position].status = status
        }
    }

    /// The address each gateway instance of a translation got, by gateway key.
    static func assignedAddresses(of translation: Translation) -> [String: String] {
        var assigned: [String: String] = [:]
        for instance in translation.gatewayInstances {
            if let address = instance.address { assigned[instance.gatewayKey] = address }
        }
        return assigned
    }

    /// Kinds stage 1 never reads (the infrastructure objects have their own controller).
    static let unreadKinds: Set<String> = [
        "configmaps", "events", "pods", "deployments", "leases", "poddisruptionbudgets", "horizontalpodautoscalers",
        "meshgatewayinstances",
    ]

    /// Changes that cannot alter the translation are skipped: status-only writes (the writer's
    /// own), generated mesh resources (re-asserted on each pass anyway) and kinds the pipeline
    /// does not read.
    static func isRelevant(_ event: StoreEvent) -> Bool {
        if Self.unreadKinds.contains(event.key.plural) { return false }
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

    /// The thread passes run on. A pass at thousands of routes is tens of milliseconds of
    /// CPU without a suspension point: on one of Swift's cooperative threads (two on a 2-core
    /// machine) it would hold back every API request queued behind it.
    static let passes = DedicatedThreadExecutor(name: "reconcile-pass")

    /// The longest rest after a pass (see `run`). Passes of up to this long keep to "at most
    /// half the time". Under 2,000 HTTPRoute creates/s, passes over 4,000 to 19,000 routes took
    /// 110-230 ms each (sharing the CPU with the writes); with a 50 ms cap they had most of a
    /// core, which the writes then lacked. Passes at a thousand routes take a few milliseconds
    /// and rest as long.
    static let maximumRest: Duration = .milliseconds(200)

    /// One pass of the pipeline.
    func reconcile() {
        let started = ContinuousClock.now
        var snapshot = live.withLock { $0 }
        snapshot.dataplanes = registry.states()
        Self.carryOver(assignedAddresses.withLock { $0 }, into: &snapshot)
        let version = snapshot.resourceVersion
        let snapshotTaken = ContinuousClock.now
        let translation = GatewayTranslator.translate(snapshot, options: options, memo: memo)
        let translated = ContinuousClock.now
        assignedAddresses.withLock { $0 = Self.assignedAddresses(of: translation) }
        let gateways = ProxyInputs.gateways(snapshot, translation).map { (key: $0.key, input: ProxySource.gateway($0.input)) }
        let sidecars = ProxyInputs.sidecars(snapshot, translation, defaultMesh: options.defaultMesh, memo: sidecarSelection)
            .map { (key: $0.key, input: ProxySource.sidecar($0.input)) }
        let summary = cache.update(gateways + sidecars)
        let published = ContinuousClock.now
        ControlPlaneMetrics.passRan(total: published - started, snapshot: snapshotTaken - started,
                                    gatewayAPI: translated - snapshotTaken, envoy: published - translated)
        ControlPlaneMetrics.proxiesChanged(summary.changed.count)
        infra?.update(translation.gatewayInstances)
        if lastDataplanes.withLock({ previous in defer { previous = snapshot.dataplanes }; return previous != snapshot.dataplanes }) {
            infra?.dataplanesChanged()
        }
        var written = translation
        written.statuses += sidecarStatuses.statuses(of: snapshot.meshDataplanes, registry: registry, now: ContinuousClock.now)
        unwritten.withLock { $0 = written }
        pendingWritesContinuation.yield()
        logger.debug("reconciled", metadata: [
            "resourceVersion": "\(version)", "gateways": "\(translation.gatewayInstances.count)",
            "proxiesTranslated": "\(summary.translated.count)", "proxiesChanged": "\(summary.changed.count)",
            "snapshot": "\(snapshotTaken - started)", "translate": "\(translated - snapshotTaken)",
            "stage2": "\(published - translated)", "toPush": "\(published - started)", "total": "\(ContinuousClock.now - started)",
        ])
    }

    /// Writes what differs from the previous written pass: statuses, then the visible mesh
    /// resources (and, once after a start, removes generated objects an earlier run left).
    func writeResults(of translation: Translation) async {
        // A replica that does not lead writes nothing and remembers nothing as written: when it
        // becomes the leader, `resumeWriting` makes its next pass write everything.
        guard store.acceptsWrites else { return }
        let (changedStatuses, changedMeshGateways, changedMeshRoutes, removedMesh) = memory.withLock {
            $0.changes(statuses: translation.statuses, meshGateways: translation.meshGateways, meshHTTPRoutes: translation.meshHTTPRoutes)
        }
        let (changedTCPRoutes, removedTCPRoutes) = memory.withLock { $0.changes(meshTCPRoutes: translation.meshTCPRoutes) }
        var statusWrites = 0
        do {
            statusWrites = try await StatusWriter(store: store, controllerName: options.controllerName, events: events)
                .write(changedStatuses, now: Self.timestamp())
            ControlPlaneMetrics.statusesWritten(statusWrites)
        } catch {
            ControlPlaneMetrics.statusWriteFailed(reason: error.code.rawValue)
            // The next pass writes these statuses again (those stored before the failure now
            // compare equal and are skipped).
            logger.error("status write failed", metadata: ["error": "\(error)", "statuses": "\(changedStatuses.count)"])
            memory.withLock { $0.forgetStatuses() }
        }
        let meshWriter = MeshResourceWriter(store: store)
        for key in sidecarStatuses.expired(now: ContinuousClock.now) {
            // Gone for longer than the grace period: removed, as Kuma removes stale Dataplanes.
            _ = try? await store.delete(ResourceKinds.dataplane, namespace: key.namespace, name: key.name)
            logger.info("removed an offline Dataplane", metadata: LogMetadata.object("Dataplane", namespace: key.namespace, name: key.name))
        }
        await meshWriter.write(meshGateways: changedMeshGateways, meshHTTPRoutes: changedMeshRoutes, meshTCPRoutes: changedTCPRoutes,
                               removed: (removedMesh + removedTCPRoutes).sorted())
        if Task.isCancelled {
            // Shutting down: the writers stopped early. What they left unwritten is not
            // remembered as written, should this reconciler run again.
            memory.withLock { $0 = PassMemory() }
            return
        }
        _ = await MeshSecretWriter(store: store, systemNamespace: options.systemNamespace, logger: logger).write(translation.meshSecrets)
        if memory.withLock({ $0.needsLeftoverSweep() }) {
            var keep = Set(translation.meshGateways.compactMap { $0.metadata?.name }.map {
                ObjectKey(kind: ResourceKinds.meshGateway, namespace: nil, name: $0) })
            for route in translation.meshHTTPRoutes {
                keep.insert(ObjectKey(kind: ResourceKinds.meshHTTPRoute, namespace: route.metadata?.namespace, name: route.metadata?.name ?? ""))
            }
            for route in translation.meshTCPRoutes {
                keep.insert(ObjectKey(kind: ResourceKinds.meshTCPRoute, namespace: route.namespace, name: route.name ?? ""))
            }
            await meshWriter.removeStale(keeping: keep)
        }
        logger.debug("results written", metadata: ["statusWrites": "\(statusWrites)", "meshObjects": "\(changedMeshRoutes.count + changedTCPRoutes.count + changedMeshGateways.count)"])
    }

    static func timestamp() -> String { Timestamps.rfc3339(Date()) }

    /// Writes the sidecars' Dataplane statuses as the registry knows them now.
    private func writeSidecarStatuses() async {
        guard store.acceptsWrites else { return }
        let dataplanes = live.withLock { $0.meshDataplanes }
        let statuses = sidecarStatuses.statuses(of: dataplanes, registry: registry, now: ContinuousClock.now)
        do {
            ControlPlaneMetrics.statusesWritten(
                try await StatusWriter(store: store, controllerName: options.controllerName).write(statuses, now: Self.timestamp()))
        } catch {
            ControlPlaneMetrics.statusWriteFailed(reason: error.code.rawValue)
            logger.warning("sidecar status write failed", metadata: ["error": "\(error)"])
        }
    }
}
