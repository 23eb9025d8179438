import Testing

@testable import GatewayModel

@Suite("JSON Merge Patch (RFC 7386)")
struct PatchMergeTests {
    /// RFC 7386 Appendix A, every row: (original, patch, result).
    static let appendixA: [(String, String, String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test("RFC 7386 appendix A", arguments: appendixA)
    func appendix(original: String, patch: String, expected: String) {
        let result = JSONMergePatch.apply(coreTestJSON(patch), to: coreTestJSON(original))
        #expect(result == coreTestJSON(expected))
    }

    @Test("diff produces a patch that reproduces the modified document", arguments: appendixA)
    func diffRoundTrips(original: String, patch: String, expected: String) {
        let before = coreTestJSON(original)
        let after = coreTestJSON(expected)
        let computed = JSONMergePatch.diff(from: before, to: after)
        #expect(JSONMergePatch.apply(computed, to: before) == after)
    }
}

@Suite("JSON Patch (RFC 6902)")
struct PatchJSONPatchTests {
    /// RFC 6902 Appendix A success cases: (document, patch, result).
    static let appendixSuccesses: [(String, String, String)] = [
        // A.1 Adding an object member
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        // A.2 Adding an array element
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        // A.3 Removing an object member
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        // A.4 Removing an array element
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        // A.5 Replacing a value
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
        // A.6 Moving a value
        (#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
         #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
         #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        // A.7 Moving an array element
        (#"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
         #"{"foo":["all","cows","eat","grass"]}"#),
        // A.8 Testing a value: success
        (#"{"baz":"qux","foo":["a",2,"c"]}"#,
         #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
         #"{"baz":"qux","foo":["a",2,"c"]}"#),
        // A.10 Adding a nested member object
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
         #"{"foo":"bar","child":{"grandchild":{}}}"#),
        // A.11 Ignoring unrecognized elements
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        // A.14 ~ escape ordering
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        // A.16 Adding an array value
        (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, #"{"foo":["bar",["abc","def"]]}"#),
        // Beyond the appendix: copy, whole-document replace, numeric equality in test, ~1 escape.
        (#"{"a":{"b":1}}"#, #"[{"op":"copy","from":"/a","path":"/c"}]"#, #"{"a":{"b":1},"c":{"b":1}}"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"","value":[1]}]"#, #"[1]"#),
        (#"{"a":1}"#, #"[{"op":"test","path":"/a","value":1.0}]"#, #"{"a":1}"#),
        (#"{"a/b":1}"#, #"[{"op":"replace","path":"/a~1b","value":2}]"#, #"{"a/b":2}"#),
        (#"{"l":[1,2]}"#, #"[{"op":"add","path":"/l/2","value":3}]"#, #"{"l":[1,2,3]}"#),
        (#"{"a":null}"#, #"[{"op":"test","path":"/a","value":null}]"#, #"{"a":null}"#),
    ]

    @Test("RFC 6902 appendix A and more: successes", arguments: appendixSuccesses)
    func successes(document: String, patch: String, expected: String) throws {
        let result = try JSONPatch.apply(coreTestJSON(patch), to: coreTestJSON(document))
        #expect(result == coreTestJSON(expected))
    }

    /// Failures: (document, patch, expected code, text the message must contain).
    static let failureCases: [(String, String, PatchError.Code, String)] = [
        // A.9 Testing a value: error
        (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#, .testFailed, #"operation 0 (test "/baz")"#),
        // A.12 Adding to a nonexistent target
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, .pathNotFound, #"operation 0 (add "/baz/bat")"#),
        // A.15 Comparing strings and numbers
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#, .testFailed, "operation 0"),
        // The index of a later operation is reported.
        (#"{"a":1}"#, #"[{"op":"remove","path":"/a"},{"op":"remove","path":"/a"}]"#, .pathNotFound, #"operation 1 (remove "/a")"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"/b","value":2}]"#, .pathNotFound, #"no member at "/b""#),
        (#"{"l":[1]}"#, #"[{"op":"add","path":"/l/5","value":2}]"#, .pathNotFound, "out of bounds"),
        (#"{"l":[1]}"#, #"[{"op":"add","path":"/l/01","value":2}]"#, .pathNotFound, "operation 0"),
        (#"{"l":[1]}"#, #"[{"op":"remove","path":"/l/-"}]"#, .pathNotFound, "operation 0"),
        (#"{"a":{"b":1}}"#, #"[{"op":"move","from":"/a","path":"/a/b/c"}]"#, .malformedPatch, "own children"),
        (#"{}"#, #"[{"op":"frobnicate","path":"/a"}]"#, .malformedPatch, "unsupported operation"),
        (#"{}"#, #"[{"op":"add","path":"/a"}]"#, .malformedPatch, #"missing member "value""#),
        (#"{}"#, #"[{"op":"add","path":"a","value":1}]"#, .malformedPatch, "must be empty or start with"),
        (#"{}"#, #"[{"op":"add","path":"/~2","value":1}]"#, .malformedPatch, "invalid escape"),
        (#"{}"#, #"{"op":"add"}"#, .malformedPatch, "must be an array"),
        (#"{}"#, #"[{"path":"/a"}]"#, .malformedPatch, #"missing string member "op""#),
        (#"{}"#, #"[{"op":"copy","path":"/a"}]"#, .malformedPatch, #"missing string member "from""#),
    ]

    @Test("RFC 6902 appendix A and more: errors name operation and path", arguments: failureCases)
    func reportsFailure(document: String, patch: String, code: PatchError.Code, fragment: String) {
        do {
            let result = try JSONPatch.apply(coreTestJSON(patch), to: coreTestJSON(document))
            Issue.record("expected failure, got \(JSONSerializer.string(result))")
        } catch {
            #expect(error.code == code)
            #expect(error.message.contains(fragment), "message: \(error.message)")
        }
    }

    @Test("JSON pointers round-trip their escapes")
    func pointerEscapes() throws {
        let pointer = try JSONPointer("/a~1b/c~0d/")
        #expect(pointer.tokens == ["a/b", "c~d", ""])
        #expect(pointer.description == "/a~1b/c~0d/")
    }
}
