/// Shared by the fuzz tests of the subid reader and of the profile reader.

import Foundation

/// Seeded mutations of byte strings: bit flips, byte changes, inserted
/// tokens, deleted and duplicated ranges and lines, splices of two inputs,
/// huge numbers, deep nesting, unterminated strings, invalid UTF-8 and NUL.
/// The same seed gives the same inputs.
public struct FuzzMutator {
    public var rng: SplitMix64
    let dictionary: [[UInt8]]
    let maximumSize: Int

    public init(seed: UInt64, dictionary: [String], maximumSize: Int) {
        rng = SplitMix64(seed: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maximumSize = maximumSize
    }

    /// Byte sequences that are not UTF-8: stray continuation bytes, a lead
    /// byte without its continuation, an overlong NUL, a surrogate, > U+10FFFF.
    public static let invalidUTF8: [[UInt8]] = [[0x80], [0xBF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                         [0xFF], [0xFE, 0xFF], [0xE2, 0x82]]

    public mutating func mutate(_ seeds: [[UInt8]]) -> [UInt8] {
        var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
        let steps = 1 + Int(rng.next() % 4)
        for _ in 0..<steps {
            mutateOnce(&bytes, seeds)
            if bytes.count > maximumSize { bytes.removeLast(bytes.count - maximumSize) }
        }
        return bytes
    }

    private mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.next() % UInt64(n)) }
    private mutating func position(_ bytes: [UInt8]) -> Int { below(bytes.count + 1) }

    private mutating func mutateOnce(_ bytes: inout [UInt8], _ seeds: [[UInt8]]) {
        if bytes.isEmpty {
            bytes = dictionary[below(dictionary.count)]
            return
        }
        switch below(16) {
        case 0:  // flip a bit
                        let at = below(bytes.count)
            bytes[at] ^= 1 << UInt8(below(8))
        case 1:  // replace a byte with anything
                        bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2:  // insert a token
            bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: position(bytes))
        case 3:  // delete a range
                        let at = below(bytes.count)
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(32)))
        case 4:  // duplicate a range in place
                        let at = below(bytes.count)
            let piece = bytes[at..<min(bytes.count, at + 1 + below(64))]
            bytes.insert(contentsOf: piece, at: position(bytes))
        case 5:  // duplicate a line
            var lines = Self.lines(bytes)
            guard !lines.isEmpty else { return }
            lines.insert(lines[below(lines.count)], at: below(lines.count + 1))
            bytes = Self.join(lines)
        case 6:  // delete or swap lines
            var lines = Self.lines(bytes)
            guard lines.count > 1 else { return }
            let a = below(lines.count), b = below(lines.count)
            if rng.next() % 2 == 0 { lines.remove(at: a) } else { lines.swapAt(a, b) }
            bytes = Self.join(lines)
        case 7:  // splice: a prefix of this input and a suffix of another
            let other = seeds[below(seeds.count)]
            bytes = Array(bytes[..<position(bytes)]) + Array(other[position(other)...])
        case 8:  // a line of another input
            let lines = Self.lines(seeds[below(seeds.count)])
            guard !lines.isEmpty else { return }
            var mine = Self.lines(bytes)
            mine.insert(lines[below(lines.count)], at: below(mine.count + 1))
            bytes = Self.join(mine)
        case 9:  // a huge number, replacing a digit run or inserted
            let digits = [UInt8](repeating: UInt8(ascii: "0") + UInt8(below(10)), count: 1 + below(400))
            let prefix: [UInt8] = [[], Array("-".utf8), Array("0x".utf8), Array("1e".utf8), Array("0.".utf8)][below(5)]
            if let run = Self.digitRun(bytes, from: position(bytes)) {
                bytes.replaceSubrange(run, with: prefix + digits)
            } else {
                bytes.insert(contentsOf: prefix + digits, at: position(bytes))
            }
        case 10:  // deep nesting
            let depth = [8, 63, 64, 65, 200, 3000][below(6)]
            let shapes: [[UInt8]] = [
                Array(("x = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n").utf8),
                Array(("x = " + String(repeating: "[", count: depth)).utf8),
                Array(("x = " + String(repeating: "{ a = ", count: depth) + "1" + String(repeating: " }", count: depth) + "\n").utf8),
                Array((String(repeating: "a.", count: depth) + "b = 1\n").utf8),
                Array(("[" + String(repeating: "t.", count: depth) + "u]\n").utf8),
            ]
            bytes.insert(contentsOf: shapes[below(shapes.count)], at: Self.lineStart(bytes, near: position(bytes)))
        case 11:  // an unterminated string
            let opener: [[UInt8]] = [Array("\"".utf8), Array("'".utf8), Array("\"\"\"".utf8), Array("'''".utf8), Array("\"\\".utf8)]
            bytes.insert(contentsOf: opener[below(opener.count)], at: position(bytes))
            if rng.next() % 2 == 0, let end = bytes.lastIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) {
                bytes.remove(at: end)
            }
        case 12:  // invalid UTF-8
            bytes.insert(contentsOf: Self.invalidUTF8[below(Self.invalidUTF8.count)], at: position(bytes))
        case 13:  // NUL and other control characters
            let controls: [UInt8] = [0, 0, 1, 8, 0x0B, 0x0C, 0x0D, 0x1B, 0x7F]
            bytes.insert(controls[below(controls.count)], at: position(bytes))
        case 14:  // truncate
            bytes.removeSubrange(position(bytes)...)
        default:  // repeat a piece many times (long lines, long files)
            let at = below(bytes.count)
            let piece = Array(bytes[at..<min(bytes.count, at + 1 + below(16))])
            let copies = 10 + below(2000)
            bytes.insert(contentsOf: Array([[UInt8]](repeating: piece, count: copies).joined()), at: at)
        }
    }

    public static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    }

    public static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    public static func lineStart(_ bytes: [UInt8], near offset: Int) -> Int {
        var at = min(offset, bytes.count)
        while at > 0 && bytes[at - 1] != UInt8(ascii: "\n") { at -= 1 }
        return at
    }

    /// The run of digits at or after `offset`, if any.
    public static func digitRun(_ bytes: [UInt8], from offset: Int) -> Range<Int>? {
        guard let start = bytes[offset...].firstIndex(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        var end = start
        while end < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        return start..<end
    }

    /// Writes a failing input under the system's temporary directory, for
    /// the corpus once the bug is fixed.
    public static func saveFailure(_ bytes: [UInt8], prefix: String, suffix: String) -> String {
        let path = NSTemporaryDirectory() + "/subroot-fuzz-\(prefix)-\(UUID().uuidString.prefix(8))\(suffix)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

/// A small, fast generator with a seed (Vigna's SplitMix64).
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
