import APIServer
import ControlPlane
import GatewayModel
import Hummingbird
import Logging
import Metrics
import ResourceStore
import Synchronization

/// The web console at `/gui` on the API listener (same address as the API): server-rendered,
/// read-only pages over the store and the control plane's proxy reports, kept live by
/// server-sent events from the store's watch (`/gui/events`; the page script re-fetches and
/// swaps `<main>` without a reload). Secret data is never rendered.
///
/// Pages (stable URLs): `/gui/`, `/gui/gateways/<ns>/<name>`, `/gui/httproutes/<ns>/<name>`,
/// `/gui/services/<ns>/<name>`, `/gui/meshes/<name>`, `/gui/dataplanes/<ns>/<name>`.
public struct WebConsole: APIExtension {
    let store: any ObjectStore
    let inspector: ProxyInspector
    let systemNamespace: String
    let logger: Logger

    /// How long the event stream gathers changes before telling pages to refresh: a burst of
    /// writes (a pass writes many statuses) becomes one refresh, well within a second.
    static let coalescing: Duration = .milliseconds(100)
    /// How often an idle event stream sends a comment (a closed page is then noticed).
    static let keepAlive: Duration = .seconds(15)

    /// Creates the console over `store` and the control plane's `inspector`.
    public init(store: any ObjectStore, inspector: ProxyInspector, systemNamespace: String, logger: Logger) {
        self.store = store
        self.inspector = inspector
        self.systemNamespace = systemNamespace
        self.logger = logger
    }

    public var pathPrefix: String { "/gui" }

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Self.text(405, "the console is read-only\n")
        }
        let path = request.uri.path
        switch path {
        case "/gui":
            return Response(status: .movedPermanently, headers: [.location: "/gui/"])
        case "/gui/events":
            return events()
        case "/gui/assets/console.css":
            return Self.asset(ConsoleAssets.stylesheet, type: "text/css; charset=utf-8")
        case "/gui/assets/console.js":
            return Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8")
        case "/gui/assets/events-worker.js":
            return Self.asset(ConsoleAssets.eventsWorker, type: "text/javascript; charset=utf-8")
        default:
            let data = ConsoleData(store: store, inspector: inspector, systemNamespace: systemNamespace)
            guard let page = Self.page(for: path, data: data) else {
                return Self.html(Pages.document(Page(title: "Not found", heading: "Not found", body:
                    "<p class=\"empty\">No console page at \(HTML.escape(path)). <a href=\"/gui/\">Back to the overview</a>.</p>",
                    status: 404), resourceVersion: data.resourceVersion), status: 404)
            }
            return Self.html(Pages.document(page, resourceVersion: data.resourceVersion), status: page.status)
        }
    }

    /// The page a path names, or nil when it names none.
    static func page(for path: String, data: ConsoleData) -> Page? {
        let segments = path.split(separator: "/").map(String.init)
        guard segments.first == "gui" else { return nil }
        switch (segments.count, segments[safe: 1]) {
        case (1, _): return OverviewPage.render(data)
        case (4, "gateways"): return GatewayPage.render(data, namespace: segments[2], name: segments[3])
        case (4, "httproutes"): return RoutePages.httpRoute(data, namespace: segments[2], name: segments[3])
        case (4, "services"): return RoutePages.service(data, namespace: segments[2], name: segments[3])
        case (3, "meshes"): return MeshPages.mesh(data, name: segments[2])
        case (4, "dataplanes"): return MeshPages.dataplane(data, namespace: segments[2], name: segments[3])
        default: return nil
        }
    }

    /// Server-sent events: `data: <resourceVersion>` after each (coalesced) store change, and a
    /// comment line every `keepAlive` while nothing changes (a closed page then shows up as a
    /// failed write).
    private func events() -> Response {
        let store = self.store
        let logger = self.logger
        let body = ResponseBody { writer in
            let subscription: WatchSubscription
            do {
                subscription = try store.watch(ObjectFilter(), from: store.resourceVersion)
            } catch {
                logger.warning("console event stream: cannot watch the store", metadata: ["error": "\(error)"])
                try await writer.write(ByteBuffer(string: "retry: 5000\n\n"))
                try await writer.finish(nil)
                return
            }
            // Open console event streams: one per browser with shared workers, one per tab without.
            let streams = Meter(label: "gatehouse_gui_event_streams")
            streams.increment()
            defer { streams.decrement() }
            // The latest state behind a lock, a "look again" signal beside it: a keep-alive
            // wake-up can never swallow a change.
            let changed = ChangeFlag()
            let (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let reader = Task {
                for await item in subscription.items {
                    if case .event = item {
                        changed.set()
                        wake.yield()
                    }
                }
                wake.finish()
            }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.keepAlive)
                    wake.yield()
                }
            }
            defer {
                reader.cancel()
                ticker.cancel()
                subscription.finish()
            }
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            for await _ in wakeUps {
                guard changed.isSet else {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    continue
                }
                // Gather the rest of a burst (a pass writes many statuses) into one refresh.
                try? await Task.sleep(for: Self.coalescing)
                changed.take()
                try await writer.write(ByteBuffer(string: "data: \(store.resourceVersion)\n\n"))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private static func html(_ text: String, status: Int) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static func text(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// "Something changed since the last look", shared by an event stream's reader and writer.
private final class ChangeFlag: Sendable {
    private let state = Mutex(false)

    /// Notes a change.
    func set() { state.withLock { $0 = true } }

    /// Whether a change is pending.
    var isSet: Bool { state.withLock { $0 } }

    /// Clears the flag (the change is being sent).
    func take() { state.withLock { $0 = false } }
}
