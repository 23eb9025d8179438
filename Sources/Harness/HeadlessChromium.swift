import Foundation
import GatewayModel
import Processes

/// The Chromium binary (Debian's `chromium` package, which scripts/setup.sh installs):
/// `$GATEHOUSE_CHROMIUM`, else `chromium` on PATH. Throws when there is none: a browser test
/// must fail, not skip, without a browser.
public func chromiumBinary() throws -> String {
    if let explicit = ProcessInfo.processInfo.environment["GATEHOUSE_CHROMIUM"], FileManager.default.isExecutableFile(atPath: explicit) {
        return explicit
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") + ["/usr/bin"] {
        let candidate = "\(directory)/chromium"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw HarnessError("chromium not found (install Debian's chromium package: scripts/setup.sh does)")
}

/// One headless Chromium with a page driven over the DevTools protocol: navigate, read the
/// DOM, take screenshots, resize the viewport. Stopped by PID (`stop()`), its profile removed.
public final class HeadlessChromium: Sendable {
    public let process: ChildProcess
    public let session: DevToolsSession
    let profile: URL

    /// Starts Chromium (headless, a fresh profile, DevTools on a free loopback port) with a
    /// blank page of `width` x `height` and connects to that page.
    public static func start(width: Int = 1280, height: Int = 900) async throws -> HeadlessChromium {
        let binary = try chromiumBinary()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = try await ChildProcess.launch(ChildProcess.Options(
            executable: binary,
            arguments: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
                        "--user-data-dir=\(profile.path)", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                        "--window-size=\(width),\(height)", "about:blank"],
            logPath: profile.appendingPathComponent("chromium.log").path))
        do {
            // Chromium writes the port it chose into the profile once DevTools listens.
            let portFile = profile.appendingPathComponent("DevToolsActivePort")
            let deadline = ContinuousClock.now + .seconds(30)
            var port: Int?
            while port == nil, ContinuousClock.now < deadline {
                guard process.isRunning else { throw HarnessError("chromium exited at start") }
                if let text = try? String(contentsOf: portFile, encoding: .utf8), let line = text.split(separator: "\n").first {
                    port = Int(line)
                }
                if port == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            guard let port else { throw HarnessError("chromium did not open DevTools within 30 s") }
            let targets = try await HTTP.request("GET", "http://127.0.0.1:\(port)/json/list", timeout: 10).json
            guard let page = targets.arrayValue?.first(where: { $0["type"] == "page" }),
                  let url = page["webSocketDebuggerUrl"]?.stringValue else {
                throw HarnessError("chromium lists no page target: \(targets)")
            }
            let session = try await DevToolsSession.connect(url)
            try await session.send("Page.enable")
            return HeadlessChromium(process: process, session: session, profile: profile)
        } catch {
            process.stopBlocking(grace: .seconds(5))
            try? FileManager.default.removeItem(at: profile)
            throw error
        }
    }

    private init(process: ChildProcess, session: DevToolsSession, profile: URL) {
        self.process = process
        self.session = session
        self.profile = profile
    }

    /// Loads `url` and waits (at most `seconds`) until the document has loaded.
    public func open(_ url: String, seconds: Double = 20) async throws {
        try await session.send("Page.navigate", ["url": .string(url)])
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let ready = try await session.evaluate("document.readyState === 'complete' && location.href === \(JSONSerializer.string(.string(url)))")
            if ready.boolValue == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("\(url) did not load within \(seconds) s")
    }

    /// The text content of the first element matching `selector` ("" when none), as written
    /// in the DOM (not as CSS displays it: headings in upper case stay as written).
    public func text(_ selector: String = "body") async throws -> String {
        try await session.evaluate("(document.querySelector(\(JSONSerializer.string(.string(selector)))) || {textContent: ''}).textContent")
            .stringValue ?? ""
    }

    /// Chromium's own log (stderr and stdout), for diagnosing a failed test.
    public var log: String {
        (try? String(contentsOf: profile.appendingPathComponent("chromium.log"), encoding: .utf8)) ?? ""
    }

    /// Sets the viewport (CSS pixels), as a window of that size would have.
    public func resize(width: Int, height: Int, mobile: Bool = false) async throws {
        try await session.send("Emulation.setDeviceMetricsOverride", [
            "width": .integer(Int64(width)), "height": .integer(Int64(height)), "deviceScaleFactor": 1, "mobile": .bool(mobile)])
    }

    /// Saves a PNG of the whole page (beyond the viewport) at `path`.
    public func screenshot(to path: String) async throws {
        // Chromium paints only the tab in front: after other tabs were opened, a capture of
        // this one would wait for a frame that never comes.
        _ = try await session.send("Page.bringToFront")
        // A tall page on a busy machine takes a while to paint whole.
        let result = try await session.send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], timeout: .seconds(60))
        guard let base64 = result["data"]?.stringValue, let bytes = Data(base64Encoded: base64) else {
            throw HarnessError("no screenshot data")
        }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// Closes the session, stops Chromium (its whole process group) and removes its profile.
    public func stop() {
        session.close()
        process.stopBlocking(grace: .seconds(5))
        try? FileManager.default.removeItem(at: profile)
    }
}
