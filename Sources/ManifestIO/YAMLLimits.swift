import CYaml
import GatewayModel

/// Checks a YAML stream against Gatehouse's limits before anything is built from it: nesting
/// no deeper than the JSON parser accepts (`JSONParser.maximumDepth`), and aliases adding at
/// most `Manifests.maximumAliasExpansion` values once expanded.
///
/// Why on libyaml's events, before Yams composes the document: the composer shares an aliased
/// node, so composing itself is cheap, but everything after it walks the expanded tree — the
/// conversion to `JSONValue`, and Yams' own duplicate-key check, which hashes mapping keys and
/// would hash an aliased mapping used as a key in full. One pass over the events learns each
/// anchor's expanded size and height without expanding anything. Syntax errors are left to
/// the composer, whose messages carry the position.
enum YAMLLimits {
    /// A container being read: its anchor, and the values and levels below it so far.
    private struct Frame {
        var anchor: String?
        var size = 0
        var height = 0
    }

    /// What an anchored node stands for once expanded.
    private struct Extent {
        var size: Int
        var height: Int
    }

    /// Throws a `ManifestError` naming the limit when `text` exceeds one.
    static func check(_ text: String) throws(ManifestError) {
        if let problem = firstProblem(Array(text.utf8)) {
            throw ManifestError("invalid YAML: \(problem)")
        }
    }

    private static func firstProblem(_ bytes: [UInt8]) -> String? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> String? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var scan = Scan()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let problem = scan.consume(event) { return problem }
            }
        }
    }

    /// The running totals of one pass.
    private struct Scan {
        var stack = [Frame()]
        var anchors: [String: Extent] = [:]
        var expandedByAliases = 0

        /// Containers open right now.
        var depth: Int { stack.count - 1 }

        mutating func consume(_ event: yaml_event_t) -> String? {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                // Anchors are scoped to their document.
                anchors.removeAll()
            case YAML_SCALAR_EVENT:
                add(Extent(size: 1, height: 0), anchor: Self.string(event.data.scalar.anchor))
            case YAML_ALIAS_EVENT:
                let target = Self.string(event.data.alias.anchor).flatMap { anchors[$0] } ?? Extent(size: 1, height: 0)
                expandedByAliases = Self.saturatingSum(expandedByAliases, target.size)
                if expandedByAliases > Manifests.maximumAliasExpansion {
                    return "document contains excessive aliasing: aliases expand to more than \(Manifests.maximumAliasExpansion) values (the limit) at line \(line)"
                }
                if depth + target.height > JSONParser.maximumDepth {
                    return "nesting deeper than \(JSONParser.maximumDepth) levels (the limit), through an alias at line \(line)"
                }
                add(target, anchor: nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.string(event.data.sequence_start.anchor) : Self.string(event.data.mapping_start.anchor)
                stack.append(Frame(anchor: anchor))
                if depth > JSONParser.maximumDepth {
                    return "nesting deeper than \(JSONParser.maximumDepth) levels (the limit) at line \(line)"
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard stack.count > 1, let frame = stack.popLast() else { return nil }
                add(Extent(size: Self.saturatingSum(frame.size, 1), height: frame.height + 1), anchor: frame.anchor)
            default:
                break
            }
            return nil
        }

        private mutating func add(_ extent: Extent, anchor: String?) {
            let last = stack.count - 1
            stack[last].size = Self.saturatingSum(stack[last].size, extent.size)
            stack[last].height = max(stack[last].height, extent.height)
            if let anchor { anchors[anchor] = extent }
        }

        /// Sizes only grow toward the limit; an alias of an alias of ... must not overflow.
        private static func saturatingSum(_ first: Int, _ second: Int) -> Int {
            let (sum, overflow) = first.addingReportingOverflow(second)
            return overflow ? .max : sum
        }

        private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let pointer else { return nil }
            return String(cString: pointer)
        }
    }
}
