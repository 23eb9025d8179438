import GatewayModel

/// A rendered page: the document title, the visible heading and the main content.
struct Page {
    /// `<title>`: the subject first, then "Gatehouse".
    var title: String
    /// The `<h1>` text.
    var heading: String
    /// What the heading is (Gateway, HTTPRoute ...), shown above it.
    var kindLabel: String?
    /// The content of `<main>` below the heading (already escaped HTML).
    var body: String
    /// 200, or 404 for an object that does not exist (the page still updates live: it shows
    /// the object once it is created).
    var status: Int = 200
}

/// The console's URLs (stable: `/gui/<kind>/<namespace>/<name>`) and the page frame.
enum Pages {
    static func gatewayPath(_ gateway: JSONValue) -> String { "/gui/gateways/\(gateway.namespace ?? "")/\(gateway.name ?? "")" }
    static func routePath(_ route: JSONValue) -> String { "/gui/httproutes/\(route.namespace ?? "")/\(route.name ?? "")" }
    /// The page of a route of any kind: HTTPRoutes have one, the other kinds none (their
    /// status shows in the overview and on their Gateways' pages).
    static func routePath(_ entry: ConsoleData.RouteEntry) -> String? { entry.kind == "HTTPRoute" ? routePath(entry.route) : nil }
    /// A route's name, linked to its page when it has one.
    static func routeLink(_ entry: ConsoleData.RouteEntry) -> String {
        routePath(entry).map { HTML.link(ConsoleData.key(entry.route), to: $0) } ?? HTML.escape(ConsoleData.key(entry.route))
    }
    static func servicePath(namespace: String, name: String) -> String { "/gui/services/\(namespace)/\(name)" }
    static func meshPath(_ name: String) -> String { "/gui/meshes/\(name)" }
    static func dataplanePath(_ dataplane: JSONValue) -> String { "/gui/dataplanes/\(dataplane.namespace ?? "")/\(dataplane.name ?? "")" }

    /// The whole document around a page: skip link, banner with navigation, main landmark,
    /// a polite live region for update notices, and the footer.
    static func document(_ page: Page, resourceVersion: UInt64) -> String {
        let kind = page.kindLabel.map { "<p class=\"kind\">\(HTML.escape($0))</p>" } ?? ""
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(page.title)) · Gatehouse</title>
        <link rel="stylesheet" href="/gui/assets/console.css">
        <script src="/gui/assets/console.js" defer></script>
        </head>
        <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="banner">
        <a class="brand" href="/gui/">Gatehouse</a>
        <nav aria-label="Primary"><ul>
        <li><a href="/gui/#problems">Problems</a></li>
        <li><a href="/gui/#gateways">Gateways</a></li>
        <li><a href="/gui/#routes">Routes</a></li>
        <li><a href="/gui/#services">Services</a></li>
        <li><a href="/gui/#meshes">Meshes</a></li>
        <li><a href="/gui/#dataplanes">Dataplanes</a></li>
        </ul></nav>
        <p id="live" class="live" role="status" aria-live="polite">Live</p>
        </header>
        <main id="main" tabindex="-1" data-version="\(resourceVersion)">
        \(kind)<h1>\(HTML.escape(page.heading))</h1>
        \(page.body)
        </main>
        <footer class="footer"><p>Read-only view of the control plane. Secret data is never shown. Store version <span id="store-version">\(resourceVersion)</span>.</p></footer>
        </body>
        </html>
        """
    }

    /// The page for an object that does not exist (yet).
    static func notFound(kind: String, key: String) -> Page {
        Page(title: "\(key) not found", heading: key, kindLabel: kind,
             body: "<p class=\"empty\">There is no \(HTML.escape(kind)) \(HTML.escape(key)). This page shows it as soon as it is created.</p>",
             status: 404)
    }

    /// Condition badges of the status entry that `controllerName`'s parents list holds for a
    /// parent named `parentName` (the route pages' "per parent" columns).
    static func parentRows(_ route: JSONValue) -> [[String]] {
        (route[path: ["status", "parents"]]?.arrayValue ?? []).map { parent in
            let reference = parent["parentRef"] ?? .null
            let kind = reference["kind"]?.stringValue ?? "Gateway"
            let namespace = reference["namespace"]?.stringValue ?? route.namespace ?? ""
            let name = reference["name"]?.stringValue ?? ""
            var label = "\(kind) \(namespace)/\(name)"
            if let section = reference["sectionName"]?.stringValue { label += " (\(section))" }
            if let port = reference["port"]?.integerValue { label += " port \(port)" }
            let path = kind == "Service" ? servicePath(namespace: namespace, name: name) : "/gui/gateways/\(namespace)/\(name)"
            let messages = (parent["conditions"]?.arrayValue ?? []).filter(Problems.isProblem)
                .compactMap { $0["message"]?.stringValue }.map(HTML.escape).joined(separator: "<br>")
            return [HTML.link(label, to: path), HTML.conditions(parent["conditions"]?.arrayValue ?? []), "<span class=\"long\">\(messages)</span>"]
        }
    }
}
