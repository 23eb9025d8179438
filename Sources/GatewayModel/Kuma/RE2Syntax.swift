/// A conservative check that Envoy would accept a regular expression (`safe_regex`, RE2).
///
/// Envoy refuses a whole route configuration when one regex does not compile, so a single bad
/// `RegularExpression` match would leave every route of the listener unprogrammed. This
/// checker (no Foundation: the translators are pure) rejects what RE2 rejects: look-arounds,
/// backreferences, atomic groups, possessive or doubled repetition, unknown escapes and
/// groups, repetition counts over 1,000, unbalanced parentheses and brackets, and the empty
/// expression (Envoy requires one character). It also
/// estimates the compiled program size from above and rejects patterns over Envoy's default
/// limit (`re2.max_program_size.error_level`, 100). When unsure, it rejects.
public enum RE2Syntax {
    /// Envoy's default limit on the RE2 program size.
    public static let maxProgramSize = 100

    /// Why Envoy would (or might) refuse `pattern`; nil when it compiles.
    public static func problem(_ pattern: String) -> String? {
        // Envoy's RegexMatcher requires at least one character.
        if pattern.isEmpty { return "the expression is empty" }
        var parser = RE2Parser(Array(pattern.unicodeScalars))
        do {
            let size = try parser.pattern()
            if size > maxProgramSize {
                return "the expression is too large for the proxy (estimated program size \(size) > \(maxProgramSize))"
            }
            return nil
        } catch let error as RE2Error {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}

/// A syntax error, with RE2's kind of wording.
struct RE2Error: Error {
    var message: String
}

/// Recursive-descent parser of RE2 syntax that returns an upper estimate of the program size.
struct RE2Parser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }
    private func starts(with text: String) -> Bool {
        let wanted = Array(text.unicodeScalars)
        guard position + wanted.count <= scalars.count else { return false }
        return Array(scalars[position..<(position + wanted.count)]) == wanted
    }

    /// The whole pattern; its estimated program size (including the match/anchor overhead).
    mutating func pattern() throws -> Int {
        let size = try alternation()
        if current == ")" { throw RE2Error(message: "unexpected ) at offset \(position)") }
        return size + 4
    }

    private mutating func alternation() throws -> Int {
        var size = try concatenation()
        while current == "|" {
            position += 1
            size += try concatenation() + 1
        }
        return size
    }

    private mutating func concatenation() throws -> Int {
        var size = 0
        while let scalar = current, scalar != "|", scalar != ")" {
            guard let atomSize = try atom() else { continue }
            size += try repetitions(of: atomSize)
        }
        return size
    }

    /// One atom and its size; nil for a flag group such as `(?i)`, which matches nothing.
    private mutating func atom() throws -> Int? {
        guard let scalar = current else { return 0 }
        switch scalar {
        case "(":
            return try group()
        case "[":
            position += 1
            return try characterClass()
        case "\\":
            position += 1
            return try escape(inClass: false).size
        case "*", "+", "?":
            throw RE2Error(message: "missing argument to repetition operator \(scalar)")
        case "{" where repetitionBounds(at: position) != nil:
            throw RE2Error(message: "missing argument to repetition operator {")
        case ".":
            position += 1
            return 2
        default:
            position += 1
            return scalar.utf8.count
        }
    }

    private mutating func group() throws -> Int? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 1000 else { throw RE2Error(message: "expression nests too deeply") }
        position += 1  // (
        var capturing = true
        if current == "?" {
            position += 1
            if starts(with: "P<") || (current == "<" && peek(1) != "=" && peek(1) != "!") {
                position += current == "P" ? 2 : 1
                let start = position
                while let scalar = current, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" {
                    position += 1
                }
                guard position > start, current == ">" else { throw RE2Error(message: "invalid named capture group") }
                position += 1
            } else if ["=", "!", "<", ">", "#", "(", "P"].contains(current) {
                throw RE2Error(message: "unsupported group (look-around, backreference, atomic group, comment or conditional)")
            } else {
                capturing = false
                while let scalar = current, ["i", "m", "s", "U", "-"].contains(scalar) { position += 1 }
                if current == ")" {
                    position += 1
                    return nil
                }
                guard current == ":" else { throw RE2Error(message: "invalid or unsupported Perl flags in group") }
                position += 1
            }
        }
        let size = try alternation()
        guard current == ")" else { throw RE2Error(message: "missing ) for the group opened before offset \(position)") }
        position += 1
        return size + (capturing ? 2 : 0)
    }

    /// `*`, `+`, `?` (each optionally lazy with `?`) or `{n}`, `{n,}`, `{n,m}` after an atom;
    /// a second operator is an error in RE2.
    private mutating func repetitions(of size: Int) throws -> Int {
        var result = size
        var repeated = false
        while let scalar = current {
            var bounds: (Int, Int?)?
            if scalar == "*" || scalar == "+" || scalar == "?" {
                position += 1
            } else if scalar == "{", let found = repetitionBounds(at: position) {
                bounds = (found.minimum, found.maximum)
                position = found.end
            } else {
                break
            }
            if repeated { throw RE2Error(message: "bad repetition operator \(scalar)") }
            repeated = true
            if current == "?" { position += 1 }
            // Sizes as RE2 compiles them (measured with Envoy 1.40): x{n,m} is n copies of x and
            // m-n of x?, x{n,} n copies and x*, x+ is x x*.
            if let (minimum, maximum) = bounds {
                guard minimum <= 1000, (maximum ?? minimum) <= 1000, minimum <= (maximum ?? minimum) else {
                    throw RE2Error(message: "bad repetition count {\(minimum),\(maximum.map(String.init) ?? "")}")
                }
                if let maximum {
                    result = minimum * size + (maximum - minimum) * (size + 1)
                } else {
                    result = minimum * size + size + 1
                }
            } else {
                result = scalar == "+" ? 2 * size + 1 : size + 1
            }
        }
        return result
    }

    /// The bounds of a `{n}`, `{n,}` or `{n,m}` at `start`, and the position after it; nil when
    /// the brace is a literal.
    private func repetitionBounds(at start: Int) -> (minimum: Int, maximum: Int?, end: Int)? {
        var index = start + 1
        func number() -> Int? {
            var digits = ""
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                digits.unicodeScalars.append(scalars[index])
                index += 1
            }
            return digits.isEmpty ? nil : Int(digits.prefix(6))
        }
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if index < scalars.count, scalars[index] == "," {
            index += 1
            maximum = number()
        }
        guard index < scalars.count, scalars[index] == "}" else { return nil }
        return (minimum, maximum, index + 1)
    }

    /// An escape after `\`: its size and, for a single character, its code point (for ranges).
    private mutating func escape(inClass: Bool) throws -> (size: Int, value: UInt32?) {
        guard let scalar = current else { throw RE2Error(message: "trailing \\") }
        position += 1
        switch scalar {
        case "1"..."9":
            throw RE2Error(message: "backreferences (\\\(scalar)) are not supported")
        case "0":
            var value: UInt32 = 0
            var count = 0
            while count < 2, let digit = current, ("0"..."7").contains(digit) {
                value = value * 8 + (digit.value - 48)
                position += 1
                count += 1
            }
            return (1, value)
        case "x":
            return (4, try hexEscape())
        case "p", "P":
            try unicodeClassName()
            return (15, nil)
        case "Q" where !inClass:
            var size = 0
            while current != nil, !starts(with: "\\E") {
                size += current?.utf8.count ?? 0
                position += 1
            }
            if starts(with: "\\E") { position += 2 }
            return (size, nil)
        case "d", "s", "w":
            return (3, nil)
        case "D", "S", "W":
            return (6, nil)
        case "a", "f", "t", "n", "r", "v":
            let controls: [Unicode.Scalar: UInt32] = ["a": 7, "f": 12, "t": 9, "n": 10, "r": 13, "v": 11]
            return (1, controls[scalar])
        case "b", "B", "A", "z", "C":
            guard !inClass else { throw RE2Error(message: "invalid escape sequence \\\(scalar) in a character class") }
            return (1, nil)
        default:
            guard scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar), scalar != "_" else {
                throw RE2Error(message: "invalid escape sequence \\\(scalar)")
            }
            return (1, scalar.value)
        }
    }

    private mutating func hexEscape() throws -> UInt32 {
        func hexValue(_ scalar: Unicode.Scalar?) -> UInt32? {
            guard let scalar else { return nil }
            return UInt32(String(scalar), radix: 16)
        }
        if current == "{" {
            position += 1
            var value: UInt32 = 0
            var count = 0
            while let digit = hexValue(current) {
                value = value &* 16 &+ digit
                position += 1
                count += 1
            }
            // Envoy 1.40's RE2 refuses code points above 0xFF here (measured), though it
            // accepts the same characters written literally.
            guard count > 0, count <= 6, current == "}", value <= 0xFF else {
                throw RE2Error(message: "invalid \\x{...} escape (at most \\x{FF}; write other characters literally)")
            }
            position += 1
            return value
        }
        guard let high = hexValue(current), let low = hexValue(peek(1)) else { throw RE2Error(message: "invalid \\x escape") }
        position += 2
        return high * 16 + low
    }

    private mutating func unicodeClassName() throws {
        if current == "{" {
            position += 1
            if current == "^" { position += 1 }
            let start = position
            while let scalar = current, scalar.isASCII, scalar.properties.isAlphabetic || scalar == "_" { position += 1 }
            guard position > start, current == "}" else { throw RE2Error(message: "invalid Unicode class name") }
            position += 1
        } else {
            guard let scalar = current, scalar.isASCII, scalar.properties.isAlphabetic else {
                throw RE2Error(message: "invalid Unicode class")
            }
            position += 1
        }
    }

    /// `[...]` after its `[`: items, ranges with low <= high, POSIX classes; its size.
    private mutating func characterClass() throws -> Int {
        var negated = false
        if current == "^" {
            negated = true
            position += 1
        }
        var size = 0
        var first = true
        while true {
            guard let scalar = current else { throw RE2Error(message: "missing ] in character class") }
            if scalar == "]" && !first { break }
            first = false
            if starts(with: "[:") {
                guard let close = (position + 2..<scalars.count).first(where: { scalars[$0] == ":" && $0 + 1 < scalars.count && scalars[$0 + 1] == "]" })
                else { throw RE2Error(message: "invalid POSIX character class") }
                var name = String(String.UnicodeScalarView(scalars[(position + 2)..<close]))
                if name.hasPrefix("^") { name.removeFirst() }
                guard Self.posixClasses.contains(name) else { throw RE2Error(message: "invalid POSIX character class [:\(name):]") }
                position = close + 2
                size += 3
                continue
            }
            let low = try classCharacter()
            if current == "-", let next = peek(1), next != "]" {
                position += 1
                let high = try classCharacter()
                guard let low = low.value, let high = high.value else {
                    throw RE2Error(message: "bad character class range")
                }
                guard low <= high else { throw RE2Error(message: "bad character class range") }
                size += 1
            } else {
                size += low.size
            }
        }
        position += 1  // ]
        return negated ? size + 2 : max(size, 1)
    }

    private mutating func classCharacter() throws -> (size: Int, value: UInt32?) {
        guard let scalar = current else { throw RE2Error(message: "missing ] in character class") }
        position += 1
        if scalar == "\\" { return try escape(inClass: true) }
        return (1, scalar.value)
    }

    /// The POSIX class names RE2 knows.
    static let posixClasses: Set<String> = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit",
    ]
}
