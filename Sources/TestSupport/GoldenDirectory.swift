import Foundation

/// One directory of golden cases, `<case>.in.yaml` -> `<case>.out.yaml`, and the rules every
/// golden suite follows: `UPDATE_GOLDEN=1` rewrites outputs and deletes outputs whose input is
/// gone; otherwise a difference is reported with a line diff and the command that regenerates.
public struct GoldenDirectory: Sendable {
    /// The directory.
    public let url: URL
    /// What to run to regenerate this directory's outputs.
    public let regenerateCommand: String

    /// A directory; `regenerateCommand` is printed with every failure.
    public init(_ url: URL, regenerateCommand: String) {
        self.url = url
        self.regenerateCommand = regenerateCommand
    }

    /// `Testdata` beside the calling test file.
    public init(besides filePath: String = #filePath, regenerateCommand: String) {
        self.init(URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Testdata"),
                  regenerateCommand: regenerateCommand)
    }

    /// True when `UPDATE_GOLDEN=1`.
    public static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// The case names (inputs without `.in.yaml`), sorted.
    public func caseNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return files.filter { $0.hasSuffix(".in.yaml") }.map { String($0.dropLast(".in.yaml".count)) }.sorted()
    }

    /// The input of a case.
    public func input(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent("\(name).in.yaml"), encoding: .utf8)
    }

    /// The output file of a case.
    public func outputURL(_ name: String) -> URL { url.appendingPathComponent("\(name).out.yaml") }

    /// Compares `actual` with the case's output (or writes it when updating): nil when they
    /// agree, else a failure message with the diff and the regenerate command.
    public func mismatch(_ name: String, actual: String) throws -> String? {
        let output = outputURL(name)
        if Self.updating {
            try actual.write(to: output, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOf: output, encoding: .utf8) else {
            return "\(output.lastPathComponent) is missing; run: \(regenerateCommand)"
        }
        guard expected != actual else { return nil }
        return "\(name): output differs from \(output.lastPathComponent) (- expected, + actual):\n"
            + LineDiff.unified(expected: expected, actual: actual)
            + "\nIf the change is intended, run: \(regenerateCommand)"
    }

    /// Outputs without an input: deleted when updating, else returned (each is a failure).
    public func staleOutputs() throws -> [String] {
        let inputs = Set(caseNames())
        var stale: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where file.hasSuffix(".out.yaml") {
            guard !inputs.contains(String(file.dropLast(".out.yaml".count))) else { continue }
            if Self.updating {
                try FileManager.default.removeItem(at: url.appendingPathComponent(file))
            } else {
                stale.append(file)
            }
        }
        return stale
    }
}

/// Line diffs for failure messages, computed in-process (no `diff` child process).
public enum LineDiff {
    /// The lines that differ, each with a few lines of context: `-` expected only, `+` actual only.
    public static func unified(expected: String, actual: String, context: Int = 3) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let difference = new.difference(from: old)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Walk both sides in step, printing changes with `context` unchanged lines around them.
        var lines: [(mark: Character, text: String)] = []
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < old.count || newIndex < new.count {
            if oldIndex < old.count, removed.contains(oldIndex) {
                lines.append(("-", old[oldIndex]))
                oldIndex += 1
            } else if newIndex < new.count, inserted.contains(newIndex) {
                lines.append(("+", new[newIndex]))
                newIndex += 1
            } else {
                lines.append((" ", oldIndex < old.count ? old[oldIndex] : new[newIndex]))
                oldIndex += 1
                newIndex += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var shown = Set<Int>()
        for index in changed {
            for near in max(0, index - context)...min(lines.count - 1, index + context) { shown.insert(near) }
        }
        var out: [String] = []
        var previous = -2
        for index in shown.sorted() {
            if index != previous + 1 { out.append("@@ line \(index + 1) @@") }
            out.append("\(lines[index].mark)\(lines[index].text)")
            previous = index
        }
        return out.joined(separator: "\n")
    }
}
